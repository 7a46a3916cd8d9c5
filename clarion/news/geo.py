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

from clarion.news.textnorm import fold, fold_word

DATA = Path(__file__).resolve().parent / "data" / "places.json"
MAX_WORDS = 5
_TOKEN = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?")
_BLOCKED = ""  # a phrase that matches, and counts for no country
_POSSESSIVE = re.compile(r"['’]s$")


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


def _mentions(text: str) -> list[tuple[str, int]]:
    """(country code, character offset) of each mention, in order."""
    table = _lookup()
    matches = list(_TOKEN.finditer(text))
    tokens = [m.group() for m in matches]
    # "Ecuador's" is Ecuador.
    folded = [_POSSESSIVE.sub("", fold_word(t)) for t in tokens]
    found: list[tuple[str, int]] = []
    i = 0
    while i < len(tokens):
        for size in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            key = " ".join(folded[i : i + size])
            hit = table.get(key) or (table.get(key.rstrip(".")) if key.endswith(".") else None)
            if hit is None:
                continue
            code, capital = hit
            if capital and not tokens[i][0].isupper():
                continue
            if code:
                found.append((code, matches[i].start()))
            i += size
            break
        else:
            i += 1
    return found


def countries_in(text: str, *, limit: int = 5) -> list[str]:
    """ISO codes of the countries the text mentions, most mentioned first."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for n, (code, _offset) in enumerate(_mentions(text)):
        counts[code] += 1
        first.setdefault(code, n)
    ranked = sorted(counts, key=lambda code: (-counts[code], first[code]))
    return ranked[:limit]


# Where a report names a country says how much the report is about it: the headline
# and the lead name where the event happens and who acts; a country met once further
# down is usually context ("as in Spain last year", a victim's nationality).
HEADLINE_WEIGHT = 3.0
LEAD_CHARS = 400
LEAD_WEIGHT = 2.0
# A country is kept when it weighs at least MIN_WEIGHT and this share of the main one.
MIN_WEIGHT = 2.0
MAIN_SHARE = 0.4


def country_weights(headline: str, text: str, *, limit: int = 5) -> dict[str, float]:
    """The countries a report is about, each with how prominently it names them,
    heaviest first: mentions in the headline and lead weigh more, and countries
    named only in passing are left out (see MIN_WEIGHT and MAIN_SHARE)."""
    weights: Counter[str] = Counter()
    for code, _offset in _mentions(headline):
        weights[code] += HEADLINE_WEIGHT
    for code, offset in _mentions(text):
        weights[code] += LEAD_WEIGHT if offset < LEAD_CHARS else 1.0
    if not weights:
        return {}
    floor = max(MIN_WEIGHT, MAIN_SHARE * max(weights.values()))
    ranked = sorted(
        ((code, weight) for code, weight in weights.items() if weight >= floor),
        key=lambda item: -item[1],
    )
    return dict(ranked[:limit])
