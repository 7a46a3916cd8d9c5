"""CSV cells that open safely in a spreadsheet."""

from __future__ import annotations

# A cell starting with one of these runs as a formula when the file is opened in a
# spreadsheet; a leading apostrophe keeps it text. Names, titles and comments are typed
# by people, so any of them might.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
