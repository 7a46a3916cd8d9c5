"""Signatures over time and by country, drawn on the petition page as inline SVG."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clarion.petitions import charts, selectors
from clarion.petitions.models import Signature

pytestmark = pytest.mark.django_db


def _backdate(signature: Signature, days: int) -> None:
    moment = timezone.now() - timedelta(days=days)
    Signature.objects.filter(pk=signature.pk).update(confirmed_at=moment)


def test_the_page_shows_both_charts_with_their_figures_as_tables(client, make_petition, sign):
    petition = make_petition(published_at=timezone.now() - timedelta(days=4))
    _backdate(sign(petition, "a@example.org", country="FR"), 3)
    _backdate(sign(petition, "b@example.org", country="FR"), 1)
    sign(petition, "c@example.org", country="MX")
    sign(petition, "pending@example.org", country="DE", confirm=False)
    html = client.get(petition.get_absolute_url()).content.decode()
    timeline = re.search(r'<svg class="chart chart-timeline".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in timeline
    assert "<title id=" in timeline and "3 signatures from" in timeline
    bars = re.search(r'<svg class="chart chart-countries".*?</svg>', html, re.S).group(0)
    assert "France: 2; Mexico: 1" in bars
    assert "Germany" not in bars  # not confirmed: not counted
    assert bars.count("<rect") == 2
    # The tables say the same in text: the running total ends at 3, France leads.
    assert re.search(r"<td>France</td><td>2</td>", html)
    assert re.findall(r"<td>(\d+)</td></tr>", html.split("chart-data")[1])[-1] == "3"
    # No style attribute and no script: the site's policy forbids both inline.
    assert " style=" not in timeline + bars and "<script" not in timeline + bars


def test_a_petition_without_signatures_shows_no_chart(client, petition):
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "chart-timeline" not in html


def test_the_running_total_covers_every_day_and_is_sampled_when_long():
    start = date(2025, 1, 1)
    series = charts.cumulative(
        [(start, 2), (start + timedelta(days=2), 3)], start, start + timedelta(days=3)
    )
    assert series == [
        (start, 2),
        (start + timedelta(days=1), 2),
        (start + timedelta(days=2), 5),
        (start + timedelta(days=3), 5),
    ]
    year = charts.cumulative([(start, 1)], start, start + timedelta(days=400))
    assert len(year) == charts.MAX_POINTS
    assert year[0] == (start, 1) and year[-1] == (start + timedelta(days=400), 1)


def test_the_figures_take_two_queries_and_are_cached(make_petition, sign):
    petition = make_petition()
    for n in range(3):
        sign(petition, f"s{n}@example.org", country=["FR", "MX", "FR"][n])
    petition.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        stats = selectors.signature_stats(petition.pk, petition.signature_count)
    assert len(queries) == 2
    assert stats.countries == [("FR", 2), ("MX", 1)] and stats.total == 3
    with CaptureQueriesContext(connection) as queries:
        selectors.signature_stats(petition.pk, petition.signature_count)
    assert len(queries) == 0
    # A new signature changes the count, so a small petition's figures are exact.
    sign(petition, "s9@example.org", country="MX")
    petition.refresh_from_db()
    assert selectors.signature_stats(petition.pk, petition.signature_count).countries == [
        ("FR", 2),
        ("MX", 2),
    ]


def test_the_country_chart_groups_the_long_tail(make_petition, sign):
    petition = make_petition()
    codes = ["FR", "MX", "DE", "ES", "IT", "PT", "NL", "BE", "AT", "IE"]
    for n, code in enumerate(codes):
        sign(petition, f"s{n}@example.org", country=code)
    petition.refresh_from_db()
    result = charts.for_petition(petition)
    assert len(result.countries.rows) == charts.TOP_COUNTRIES + 1
    assert result.countries.rows[-1] == ("Other countries", "2")
