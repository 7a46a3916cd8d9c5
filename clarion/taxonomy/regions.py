"""Regions: named groups of countries, read from data/regions.json.

Data, not code or tables: an operator edits the file to regroup countries, and a
country may sit in more than one region (Mexico is in Latin America and in North
America).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data" / "regions.json"


@dataclass(frozen=True)
class Region:
    slug: str
    names: dict[str, str]
    countries: tuple[str, ...]

    @property
    def name(self) -> str:
        """The name in the active language, else English."""
        language = (get_language() or "en").split("-")[0]
        return self.names.get(language) or self.names["en"]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("browse:region", args=[self.slug])


@cache
def all_regions() -> tuple[Region, ...]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(
        Region(
            slug=item["slug"],
            names=dict(item["name"]),
            countries=tuple(code.upper() for code in item["countries"]),
        )
        for item in data["regions"]
    )


def region(slug: str) -> Region | None:
    return next((r for r in all_regions() if r.slug == slug), None)


def regions_of(code: str) -> list[Region]:
    code = code.upper()
    return [r for r in all_regions() if code in r.countries]
