"""Template filters shared by every page (clarion/core/templatetags/clarion.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load clarion %}" + source).render(Context(context))


def test_iso_datetime_gives_whole_seconds_in_the_values_own_zone():
    # Django's date:'c' would give "...05.123456-05:00", which HTML's <time> refuses.
    eastern = timezone(timedelta(hours=-5))
    value = datetime(2026, 11, 14, 7, 42, 5, 123456, tzinfo=eastern)
    assert render("{{ value|iso_datetime }}", value=value) == "2026-11-14T07:42:05-05:00"
    utc = datetime(2026, 11, 14, 12, 0, tzinfo=UTC)
    assert render("{{ value|iso_datetime }}", value=utc) == "2026-11-14T12:00:00+00:00"


def test_iso_datetime_takes_dates_and_nothing():
    assert render("{{ value|iso_datetime }}", value=date(2026, 1, 2)) == "2026-01-02"
    assert render("{{ value|iso_datetime }}", value=None) == ""
