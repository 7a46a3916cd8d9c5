"""Charts for the petition page, drawn on the server as inline SVG.

No script and no style attribute (the Content-Security-Policy allows neither inline):
shapes carry classes styled by site.css, plus presentation attributes as a fallback.
Each chart has a <title> and <desc> for screen readers, and the page shows the same
figures as a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_countries import countries

from clarion.petitions import selectors
from clarion.petitions.models import Petition

# The time chart plots at most this many points; a long-running petition is sampled
# evenly (the last day always included), and its table lists the same points.
MAX_POINTS = 60
TOP_COUNTRIES = 8

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 30
BAR_ROW, BAR_LABEL, BAR_WIDTH = 26, 170, 330


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    # What a table beside the chart lists: (label, figure) pairs.
    rows: list[tuple[str, str]]


@dataclass(frozen=True)
class PetitionCharts:
    timeline: Chart
    countries: Chart
    total: int


def _local_date(moment) -> date:
    return timezone.localtime(moment).date()


def cumulative(days: list[tuple[date, int]], start: date, end: date) -> list[tuple[date, int]]:
    """Running totals for every day from ``start`` to ``end``, sampled to MAX_POINTS."""
    per_day = dict(days)
    series: list[tuple[date, int]] = []
    total = 0
    span = (end - start).days
    for offset in range(span + 1):
        day = start + timedelta(days=offset)
        total += per_day.get(day, 0)
        series.append((day, total))
    if len(series) <= MAX_POINTS:
        return series
    step = (len(series) - 1) / (MAX_POINTS - 1)
    return [series[round(i * step)] for i in range(MAX_POINTS)]


def _timeline_svg(series: list[tuple[date, int]], total: int) -> SafeString:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max(1, series[-1][1])
    last = max(1, len(series) - 1)

    def xy(i: int, value: int) -> tuple[float, float]:
        return LEFT + plot_w * i / last, TOP + plot_h * (1 - value / peak)

    points = [xy(i, value) for i, (_day, value) in enumerate(series)]
    if len(points) == 1:  # one day: a flat line across the chart reads better than a dot
        points = [(LEFT, points[0][1]), (LEFT + plot_w, points[0][1])]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    base_y = TOP + plot_h
    area = f"{LEFT:.1f},{base_y:.1f} {line} {points[-1][0]:.1f},{base_y:.1f}"
    first, final = series[0][0], series[-1][0]
    title = _("Signatures over time")
    desc = _("%(total)s signatures from %(start)s to %(end)s.") % {
        "total": number_format(total, force_grouping=True),
        "start": date_format(first, "DATE_FORMAT"),
        "end": date_format(final, "DATE_FORMAT"),
    }
    return format_html(
        '<svg class="chart chart-timeline" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="chart-timeline-title chart-timeline-desc" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-timeline-title">{title}</title>'
        '<desc id="chart-timeline-desc">{desc}</desc>'
        '<line class="chart-axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}" '
        'stroke="#4a5360"/>'
        '<line class="chart-axis" x1="{left}" y1="{top}" x2="{left}" y2="{base}" '
        'stroke="#4a5360"/>'
        '<polygon class="chart-area" points="{area}" fill="#f3d6d4"/>'
        '<polyline class="chart-line" points="{line}" fill="none" stroke="#b3261e" '
        'stroke-width="2.5" stroke-linejoin="round"/>'
        '<text class="chart-label" x="{label_x}" y="{top_label}" text-anchor="end" '
        'font-size="12" fill="#1b1f24">{peak}</text>'
        '<text class="chart-label" x="{label_x}" y="{base}" text-anchor="end" '
        'font-size="12" fill="#1b1f24">0</text>'
        '<text class="chart-label" x="{left}" y="{date_y}" font-size="12" '
        'fill="#1b1f24">{first}</text>'
        '<text class="chart-label" x="{right}" y="{date_y}" text-anchor="end" '
        'font-size="12" fill="#1b1f24">{final}</text>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=desc,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        base=base_y,
        area=area,
        line=line,
        label_x=LEFT - 6,
        top_label=TOP + 10,
        peak=number_format(peak, force_grouping=True),
        date_y=HEIGHT - 8,
        first=date_format(first, "j M Y"),
        final=date_format(final, "j M Y"),
    )


def _countries_svg(rows: list[tuple[str, int]], total: int) -> SafeString:
    height = BAR_ROW * len(rows) + 4
    widest = max(1, max(n for _name, n in rows))
    bars = format_html_join(
        "",
        '<text class="chart-label" x="{}" y="{}" text-anchor="end" font-size="13" '
        'fill="#1b1f24">{}</text>'
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" rx="3" fill="#b3261e"/>'
        '<text class="chart-label" x="{}" y="{}" font-size="13" fill="#1b1f24">{}</text>',
        (
            (
                BAR_LABEL - 8,
                i * BAR_ROW + 18,
                # Room for about 24 letters; the table and <desc> give the whole name.
                name if len(name) <= 24 else name[:23] + "…",
                BAR_LABEL,
                i * BAR_ROW + 5,
                f"{max(2.0, BAR_WIDTH * n / widest):.1f}",
                BAR_ROW - 8,
                BAR_LABEL + max(2.0, BAR_WIDTH * n / widest) + 6,
                i * BAR_ROW + 18,
                number_format(n, force_grouping=True),
            )
            for i, (name, n) in enumerate(rows)
        ),
    )
    desc = "; ".join(f"{name}: {number_format(n, force_grouping=True)}" for name, n in rows)
    return format_html(
        '<svg class="chart chart-countries" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="chart-countries-title chart-countries-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-countries-title">{title}</title>'
        '<desc id="chart-countries-desc">{desc}</desc>{bars}</svg>',
        w=WIDTH,
        h=height,
        title=_("Where the signers live"),
        desc=desc,
        bars=bars,
    )


def _country_rows(stats: selectors.SignatureStats) -> list[tuple[str, int]]:
    top = [(countries.name(code) or code, n) for code, n in stats.countries[:TOP_COUNTRIES]]
    rest = sum(n for _code, n in stats.countries[TOP_COUNTRIES:])
    if rest:
        top.append((_("Other countries"), rest))
    return top


def for_petition(petition: Petition, *, pending: bool = False) -> PetitionCharts | None:
    """The petition's charts, or None before its first counted signature. ``pending``:
    ``petition.signature_count`` includes the confirmations not folded in yet, and so
    must the charts."""
    stats = selectors.signature_stats(petition.pk, petition.signature_count, pending=pending)
    total = stats.total
    if not total:
        return None
    first_day = stats.days[0][0]
    start = (
        min(first_day, _local_date(petition.published_at)) if petition.published_at else first_day
    )
    end_moment = petition.closed_at if petition.status == Petition.Status.CLOSED else None
    end = max(stats.days[-1][0], _local_date(end_moment or timezone.now()))
    series = cumulative(stats.days, start, end)
    rows = _country_rows(stats)
    return PetitionCharts(
        timeline=Chart(
            svg=_timeline_svg(series, total),
            rows=[
                (date_format(day, "DATE_FORMAT"), number_format(n, force_grouping=True))
                for day, n in series
            ],
        ),
        countries=Chart(
            svg=_countries_svg(rows, total),
            rows=[(name, number_format(n, force_grouping=True)) for name, n in rows],
        ),
        total=total,
    )
