"""Names in the reader's language: per-language columns beside the original.

Categories, targets and letters' addressees are short labels written in the site's own
language (``settings.LANGUAGE_CODE``), each with an optional column per other interface
language, named ``<field>_<code>`` (``name_es``). Columns rather than a translation
table: an addressee is edited inline inside its letter, and Django's admin cannot nest
a translation inline inside that; and a card, a list or a PDF reads the label with the
row it already has, with no extra query. Adding an interface language means adding its
columns (README, "Adding a language").
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def other_languages() -> list[str]:
    """The interface languages a label may be translated into (all but the site's own)."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def in_language(obj: object, field: str, language: str | None = None) -> str:
    """``obj.<field>`` in ``language`` (default: the active one), else the original."""
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    if code != settings.LANGUAGE_CODE:
        translated = getattr(obj, f"{field}_{code}", "")
        if translated:
            return translated
    return getattr(obj, field)


def translations(obj: object, field: str, *others: str) -> list[dict[str, str | None]]:
    """The versions ``obj`` has, for the API: one per language whose ``field`` is filled,
    with the other fields' versions (None where not translated)."""
    found: list[dict[str, str | None]] = []
    for code in other_languages():
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            extra = {name: getattr(obj, f"{name}_{code}", "") or None for name in others}
            found.append({"language": code, field: value, **extra})
    return found
