"""Template filters used across Clarion's pages."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from django import template
from django.utils import dateformat, formats, translation
from django.utils.safestring import SafeString

from clarion.core.text import hide_emails, render_markdown, truncate_at_word

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def cut_at_word(text: str, limit: int = 160) -> str:
    return truncate_at_word(text, int(limit))


@register.filter(expects_localtime=False)
def in_own_zone(value: datetime | None) -> str:
    """Format a datetime in the zone it carries, e.g. "Friday, 14 November 2026, 07:42 EST"
    (in Spanish "viernes 14 de noviembre de 2026, 07:42 EST": clarion/formats/).

    Django's own date filter would first move it to the site's zone; a publication
    time reads best in the zone where it was published.
    """
    if value is None:
        return ""
    return dateformat.format(value, formats.get_format("DATETIME_FORMAT"))


@register.filter(expects_localtime=False)
def iso_datetime(value: datetime | date | None) -> str:
    """A time for a ``<time datetime>`` attribute: "2026-11-14T07:42:05-05:00".

    Django's ``date:'c'`` adds microseconds when there are any, and HTML allows at most
    three digits of a second's fraction, so the Nu HTML checker refuses it. Seconds are
    precise enough for any time a page shows. The value keeps its own zone.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


@register.filter
def urlquote(value: str) -> str:
    return quote(str(value), safe="")


@register.filter(name="hide_emails")
def hide_emails_filter(text: str) -> str:
    return hide_emails(str(text or ""))


# Interface languages that write the names of languages in lower case ("en español"),
# where Django's catalogues capitalise them as if they began a sentence.
_LOWER_CASE_NAMES = {"es", "fr", "it", "pt"}


@register.filter
def language_name(code: str) -> str:
    """A language's name in the active interface language: "es" is "Spanish", "español"."""
    try:
        name = str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code
    if translation.get_language() in _LOWER_CASE_NAMES:
        return name.lower()
    return name


@register.filter
def lines_joined(text: str) -> str:
    """Lines of text as one phrase: "A", "B" and "C" become "A, B, C"."""
    return ", ".join(line.strip() for line in (text or "").splitlines() if line.strip())
