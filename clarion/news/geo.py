"""Countries an article is about, from names, demonyms and places in its text.

Matching is on whole words, longest phrase first ("Papua New Guinea" before "Guinea",
"Nigeria" never inside "Niger"), accents folded ("Bogota" finds "Bogotá"). Names,
places and English demonyms must be capitalised in the text, so "a turkey dinner" or
"fine china" are not countries; Spanish demonyms are lower-case in Spanish and match
either way. A few names that are too often something else are blocked: Georgia (the US
state), Jordan and Chad (first names), "Latin American" (not the US). Known risk: a
first name such as Israel or a town named after a capital can still be counted.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from django.utils import translation
from django_countries import countries

from clarion.news.textnorm import fold

DATA = Path(__file__).resolve().parent / "data" / "places.json"
MAX_WORDS = 5
_TOKEN = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?")
_BLOCKED = ""  # a phrase that matches, and counts for no country


@lru_cache(maxsize=1)
def _lookup() -> dict[str, tuple[str, bool]]:
    """Folded phrase -> (country code, must the text capitalise it)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    table: dict[str, tuple[str, bool]] = {}

    def add(phrase: str, code: str, capital: bool = True) -> None:
        key = " ".join(fold(t) for t in _TOKEN.findall(phrase))
        if key and key not in table:
            table[key] = (code, capital)

    for phrase in data.pop("_blocked"):
        add(phrase, _BLOCKED)
    for phrase, code in data.pop("_aliases").items():
        add(phrase, code)
    for language in ("en", "es", "fr", "de", "pt"):
        with translation.override(language):
            for code, name in countries:
                if "(" not in name and "," not in name:
                    add(str(name), code)
    for code, entry in data.items():
        for phrase in entry["places"] + entry["demonyms_en"]:
            add(phrase, code)
        for phrase in entry["demonyms_es"]:
            add(phrase, code, capital=False)
    return table


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """Folded words of country names and demonyms, in the languages the tagger reads.

    Many events happen in one country, so these words say little about which event a
    report is about; the country itself is already a term of its own in grouping.
    """
    data = json.loads(DATA.read_text(encoding="utf-8"))
    phrases: list[str] = list(data.pop("_aliases"))
    data.pop("_blocked")
    for language in ("en", "es", "fr", "de", "pt"):
        with translation.override(language):
            phrases.extend(str(name) for _code, name in countries)
    for entry in data.values():
        phrases.extend(entry["demonyms_en"] + entry["demonyms_es"])
    return frozenset(fold(token) for phrase in phrases for token in _TOKEN.findall(phrase))


def countries_in(text: str, *, limit: int = 5) -> list[str]:
    """ISO codes of the countries the text mentions, most mentioned first."""
    table = _lookup()
    tokens = _TOKEN.findall(text)
    folded = [fold(t) for t in tokens]
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    i = 0
    while i < len(tokens):
        for size in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            key = " ".join(folded[i : i + size])
            found = table.get(key) or (table.get(key.rstrip(".")) if key.endswith(".") else None)
            if found is None:
                continue
            code, capital = found
            if capital and not tokens[i][0].isupper():
                continue
            if code:
                counts[code] += 1
                first.setdefault(code, i)
            i += size
            break
        else:
            i += 1
    ranked = sorted(counts, key=lambda code: (-counts[code], first[code]))
    return ranked[:limit]
