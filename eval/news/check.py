"""Check the labelled set's files against eval/news/README.md: python3 eval/news/check.py"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path

EVENTS = Path(__file__).parent / "events"
DISTRACTOR_TYPES = {"same-country-topic", "same-kind-other-country", "follow-up"}


def problems(path: Path, slugs: set[str]) -> list[str]:
    found: list[str] = []
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("event") != path.stem:
        found.append("event must equal the file name")
    if data.get("half") not in ("a", "b"):
        found.append("half must be a or b")
    distractor = data.get("distractor")
    if distractor is not None and (
        distractor.get("of") not in slugs or distractor.get("type") not in DISTRACTOR_TYPES
    ):
        found.append(f"bad distractor {distractor}")
    names = {i["name"] for i in data.get("institutions", [])}
    if not names:
        found.append("no institutions")
    for code in data.get("countries", []):
        if not re.fullmatch(r"[A-Z]{2}", code):
            found.append(f"bad country {code}")
    articles = data.get("articles", [])
    if len({a["outlet"] for a in articles}) < 5:
        found.append("fewer than 5 outlets")
    for a in articles:
        where = f"{a.get('outlet')}: "
        words = len(a.get("text", "").split())
        if not 150 <= words <= 400:
            found.append(where + f"text has {words} words")
        if a.get("language") not in ("en", "es"):
            found.append(where + "language")
        try:
            if datetime.fromisoformat(a["published"]).utcoffset() is None:
                found.append(where + "published has no offset")
        except (KeyError, ValueError):
            found.append(where + "published is not ISO 8601")
        for name in a.get("institutions", []):
            if name not in names:
                found.append(where + f"institution {name!r} is not an event institution")
        for key in ("headline", "domain", "url"):
            if not a.get(key):
                found.append(where + f"no {key}")
    return found


def main() -> int:
    paths = sorted(EVENTS.glob("*.json"))
    slugs = {p.stem for p in paths}
    bad = 0
    languages: dict[str, int] = {}
    for path in paths:
        for problem in problems(path, slugs):
            print(f"{path.name}: {problem}")
            bad += 1
        for a in json.loads(path.read_text(encoding="utf-8"))["articles"]:
            languages[a["language"]] = languages.get(a["language"], 0) + 1
    print(f"{len(paths)} events, articles by language: {languages}, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
