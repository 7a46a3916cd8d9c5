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
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clarion.core.csvcells import spreadsheet_safe
from clarion.core.locale import split_path
from clarion.core.tokens import absolute
from clarion.opendata.feeds import FEEDS
from clarion.opendata.sitemaps import SITEMAPS
from clarion.petitions import selectors

# --- feeds ------------------------------------------------------------------------------


@require_safe
def feed(request: HttpRequest, name: str) -> HttpResponse:
    view = FEEDS.get(name)
    if view is None:
        raise Http404(_("There is no feed with that name."))
    return view(request)


# --- sitemap and robots.txt -------------------------------------------------------------


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="opendata_site:sitemap_section")


@require_safe
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
    "/start/sent/",
    "/start/confirm/",
    "/start/support/",
    "/organise/",
)
# Not pages at all, or duplicates of others; these have no language prefix.
_NOT_PAGES = ("/admin/", "/dev/", "/api/v1/docs", "/oembed")
# Duplicates of a petition page (the sign widget other sites frame), in every language.
_FRAMED = ("/p/*/embed/",)


def _robots_disallow() -> list[str]:
    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    prefixes = ["", *(f"/{code}" for code in others)]
    per_language = (*PRIVATE_PATHS, *_FRAMED)
    return [*_NOT_PAGES, *(prefix + path for prefix in prefixes for path in per_language)]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in _robots_disallow())]
    lines += ["", f"Sitemap: {absolute(reverse('opendata_site:sitemap'))}", ""]
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


@require_safe
def petitions_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_rows(), content_type="text/csv; charset=utf-8")
    # A file to save, not a page: browsers otherwise show it as text or ask what to do.
    response["Content-Disposition"] = 'attachment; filename="petitions.csv"'
    return response


# --- oEmbed -----------------------------------------------------------------------------

EMBED_WIDTH = 400
EMBED_HEIGHT = 620
# A petition page in any language, and the widget itself, may be asked about.
_EMBEDDABLE = ("petitions:detail", "opendata:embed")


def _size_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise ValueError(name)
    return int(raw)


def _petition_address(url: str, request: HttpRequest) -> tuple[str, str] | None:
    """(slug, language) of the public petition page ``url`` points at here, or None.

    The page may be in any language (/es/p/<slug>/), and with or without its trailing
    slash: people paste either, and oEmbed clients send what they were given.
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1/p/x/": not an address at all
        return None
    ours = {urlsplit(settings.CLARION_BASE_URL).netloc, request.get_host()}
    if parts.scheme not in ("http", "https") or parts.netloc not in ours:
        return None
    language, _neutral = split_path(parts.path or "/")
    candidates = [parts.path] if parts.path.endswith("/") else [parts.path, parts.path + "/"]
    # A language's pages resolve only while that language is active (i18n_patterns).
    with translation.override(language):
        for path in candidates:
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.view_name in _EMBEDDABLE:
                return match.kwargs["slug"], language
    return None


@require_safe
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed (https://oembed.com) for petition pages: a "rich" answer holding the
    sign widget's iframe, in the language of the page asked about. Only JSON is
    offered; XML gets 501, as the spec says."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse(_("Only format=json is offered."), status=501)
    url = request.GET.get("url", "")
    if not url or len(url) > 2000:
        return JsonResponse({"detail": _("Give the address of a petition as url.")}, status=400)
    try:
        max_width = _size_param(request, "maxwidth")
        max_height = _size_param(request, "maxheight")
    except ValueError as exc:
        return JsonResponse(
            {"detail": _("%(name)s must be a whole number of pixels, 1 or more.") % {"name": exc}},
            status=400,
        )
    try:
        urlsplit(url)
    except ValueError:
        return JsonResponse({"detail": _("url is not a web address.")}, status=400)
    found = _petition_address(url, request)
    petition = selectors.petition_for_page(found[0]) if found else None
    if petition is None:
        return JsonResponse({"detail": _("That address is not a petition here.")}, status=404)
    # The spec: the answer must not be wider than maxwidth nor taller than maxheight.
    # The widget reflows to any width (and scrolls when short), so any size fits.
    width = min(EMBED_WIDTH, max_width or EMBED_WIDTH)
    height = min(EMBED_HEIGHT, max_height or EMBED_HEIGHT)
    with translation.override(found[1]):
        title = petition.shown.title
        src = absolute(reverse("opendata:embed", args=[petition.slug]))
        html = format_html(
            '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
            'style="border:0;max-width:100%"></iframe>',
            src,
            width,
            height,
            _("Sign: %(title)s") % {"title": title},
        )
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "provider_name": settings.CLARION_SITE_NAME,
            "provider_url": absolute("/"),
            "html": str(html),
            "width": width,
            "height": height,
            "cache_age": 3600,
        }
    )
