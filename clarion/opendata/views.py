"""Open data: feeds by name, sitemap, robots.txt, the public petitions CSV, oEmbed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clarion.core.tokens import absolute
from clarion.opendata.feeds import FEEDS
from clarion.opendata.sitemaps import SITEMAPS
from clarion.petitions import selectors

# --- feeds ------------------------------------------------------------------------------


@require_GET
def feed(request: HttpRequest, name: str) -> HttpResponse:
    view = FEEDS.get(name)
    if view is None:
        raise Http404(_("There is no feed with that name."))
    return view(request)


# --- sitemap and robots.txt -------------------------------------------------------------


@require_GET
def sitemap_index(request: HttpRequest) -> HttpResponse:
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="opendata:sitemap_section")


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


# Pages that belong to one person (they also answer X-Robots-Tag: noindex, through
# core.http.private_page), in every language's prefix.
PRIVATE_PATHS = (
    "/my-data/",
    "/confirm/",
    "/letters/confirm/",
    "/p/*/sign/",
    "/p/*/thanks/",
    "/letters/*/endorse/",
    "/letters/*/sign/",
    "/letters/*/thanks/",
    "/updates/unsubscribe/",
)
# Not pages at all, or duplicates of others; these have no language prefix.
_NOT_PAGES = ("/admin/", "/dev/", "/api/v1/docs", "/oembed", "/p/*/embed/")


def _robots_disallow() -> list[str]:
    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    prefixes = ["", *(f"/{code}" for code in others)]
    return [*_NOT_PAGES, *(prefix + path for prefix in prefixes for path in PRIVATE_PATHS)]


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in _robots_disallow())]
    lines += ["", f"Sitemap: {absolute(reverse('opendata:sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# --- the public petitions CSV -----------------------------------------------------------

CSV_COLUMNS = [
    "id",
    "slug",
    "title",
    "status",
    "targets",
    "categories",
    "countries",
    "signature_count",
    "signature_goal",
    "created_at",
    "published_at",
    "closed_at",
    "url",
]
# A cell starting with one of these runs as a formula when the file is opened in a
# spreadsheet; a leading apostrophe keeps it text. Titles and targets are typed by
# people (and drafted from news), so any of them might.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    """A file-like object that hands back what is written, for streaming csv rows."""

    def write(self, value: str) -> str:
        return value


def _iso(value) -> str:
    return value.isoformat() if value else ""


# Spreadsheet programs (Excel above all) read a CSV without a byte-order mark in the
# local code page, turning "año" into "aÃ±o"; the mark tells them it is UTF-8. Python's
# csv module, R and pandas ("utf-8-sig") skip it.
BYTE_ORDER_MARK = "\ufeff"


def _csv_rows() -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK + writer.writerow(CSV_COLUMNS)
    petitions = selectors.with_card_data(selectors.public_petitions()).order_by("id")
    # Streamed in chunks, each with its targets and categories prefetched: the file
    # grows with the site, memory does not.
    for p in petitions.iterator(chunk_size=500):
        row = [
            p.pk,
            p.slug,
            p.title,
            p.status,
            "; ".join(t.name for t in p.targets.all()),
            "; ".join(c.slug for c in p.categories.all()),
            " ".join(c.code for c in p.countries),
            p.signature_count,
            p.signature_goal,
            _iso(p.created_at),
            _iso(p.published_at),
            _iso(p.closed_at),
            absolute(p.get_absolute_url()),
        ]
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


@require_GET
def petitions_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_rows(), content_type="text/csv; charset=utf-8")
    # A file to save, not a page: browsers otherwise show it as text or ask what to do.
    response["Content-Disposition"] = 'attachment; filename="petitions.csv"'
    return response


# --- oEmbed -----------------------------------------------------------------------------

EMBED_WIDTH = 400
EMBED_HEIGHT = 620
MIN_EMBED_SIZE = 200


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 6:
        raise ValueError(name)
    return int(raw)


def _petition_slug(url: str, request: HttpRequest) -> str | None:
    """The slug of the public petition ``url`` points at on this site, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1/p/x/": not an address at all
        return None
    ours = {urlsplit(settings.CLARION_BASE_URL).netloc, request.get_host()}
    if parts.scheme not in ("http", "https") or parts.netloc not in ours:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name not in ("petitions:detail", "opendata:embed"):
        return None
    return match.kwargs["slug"]


@require_GET
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed (https://oembed.com) for petition pages: a "rich" answer holding the
    sign widget's iframe. Only JSON is offered; XML gets 501, as the spec says."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse(_("Only format=json is offered."), status=501)
    url = request.GET.get("url", "")
    if not url or len(url) > 2000:
        return JsonResponse({"detail": _("Give the address of a petition as url.")}, status=400)
    try:
        max_width = _int_param(request, "maxwidth")
        max_height = _int_param(request, "maxheight")
    except ValueError as exc:
        return JsonResponse({"detail": _("%(name)s must be a number.") % {"name": exc}}, status=400)
    try:
        urlsplit(url)
    except ValueError:
        return JsonResponse({"detail": _("url is not a web address.")}, status=400)
    slug = _petition_slug(url, request)
    petition = selectors.petition_for_page(slug) if slug else None
    if petition is None:
        return JsonResponse({"detail": _("That address is not a petition here.")}, status=404)
    width = max(MIN_EMBED_SIZE, min(EMBED_WIDTH, max_width or EMBED_WIDTH))
    height = max(MIN_EMBED_SIZE, min(EMBED_HEIGHT, max_height or EMBED_HEIGHT))
    src = absolute(reverse("opendata:embed", args=[petition.slug]))
    html = format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>',
        src,
        width,
        height,
        _("Sign: %(title)s") % {"title": petition.title},
    )
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": petition.title,
            "provider_name": settings.CLARION_SITE_NAME,
            "provider_url": absolute("/"),
            "html": str(html),
            "width": width,
            "height": height,
            "cache_age": 3600,
        }
    )
