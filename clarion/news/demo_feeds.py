"""The bundled demo feeds: written for Clarion, read from disk, never fetched."""

from __future__ import annotations

import json
from pathlib import Path

from clarion.news.services import ingest_file

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def load_demo_feeds() -> int:
    """Ingest every bundled feed; returns how many articles were new."""
    manifest = json.loads((DEMO_DIR / "feeds.json").read_text(encoding="utf-8"))
    return sum(
        ingest_file(DEMO_DIR / "feeds" / item["file"], name=item["name"], url=item["url"])
        for item in manifest
    )
