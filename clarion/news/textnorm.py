"""Word-level normalisation shared by tagging and story grouping."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# "4,000" and "4.000" are one number; without this they would be the words 4 and 000.
_THOUSANDS = re.compile(r"(?<=\d)[,.  ](?=\d{3}\b)")


def fold(text: str) -> str:
    """Lower case without accents, so Valparaíso and VALPARAISO compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=100_000)
def fold_word(word: str) -> str:
    """fold() for one word, remembered: news vocabulary repeats, and grouping and
    country tagging fold every word of every article."""
    return fold(word)


def words(text: str) -> Iterator[str]:
    """The folded words of a text, numbers joined across thousands separators."""
    for match in _WORD.finditer(fold(_THOUSANDS.sub("", text))):
        yield match.group()
