"""What every public form does to what people type."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

# Letters from any script are welcome in a name; invisible and control characters are not.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
# Something shaped like an HTML tag or comment. "I <3 rivers" is not one.
MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The text with Windows line ends folded and Unicode normalised (NFC), or a clear
    error when it holds invisible or control characters, or bytes that could not be read."""
    # Browsers send a textarea's line ends as \r\n: folded first, so that a line end
    # is not taken for a control character.
    value = value.replace("\r\n", "\n")
    allowed = {"\n"} if multiline else set()
    for char in value:
        if char not in allowed and unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            raise forms.ValidationError(_("Remove the invisible or control characters."))
        if char == "\ufffd":  # what undecodable bytes become
            raise forms.ValidationError(_("Remove the characters that could not be read."))
    return unicodedata.normalize("NFC", value).strip()
