"""Print-quality PDFs rendered by WeasyPrint from templates, and cached.

The PDF templates include the same partials as the pages, with the print stylesheet
the pages also use when printed, so a PDF reads like the page. Rendering costs a few
hundred milliseconds, so each PDF is cached under a key made of everything it shows
that can change: an edit makes a new PDF, and repeated downloads cost one lookup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

PRINT_CSS = "clarion/print.css"
# A day: the key changes whenever the content does, so this only bounds memory.
CACHE_SECONDS = 24 * 3600


def _stylesheet_path() -> str:
    found = finders.find(PRINT_CSS)
    if not found:
        raise RuntimeError(f"the print stylesheet {PRINT_CSS} is missing")
    return str(found)


def render_pdf(template: str, context: dict) -> bytes:
    """The template rendered to HTML, then laid out as an A4 PDF."""
    # Imported here: WeasyPrint loads Pango through cffi, which only PDF requests need.
    import weasyprint
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context)
    # Nothing is fetched while laying out: the stylesheet is read from disk and the
    # templates hold no images, so no URL in a letter can make the server call out.
    no_fetching = URLFetcher(allowed_protocols=("data",))
    document = weasyprint.HTML(
        string=html, base_url=settings.CLARION_BASE_URL, url_fetcher=no_fetching
    )
    stylesheet = weasyprint.CSS(
        string=Path(_stylesheet_path()).read_text(encoding="utf-8"), url_fetcher=no_fetching
    )
    return document.write_pdf(stylesheets=[stylesheet])


def cached_pdf(version: str, template: str, context_factory: Callable[[], dict]) -> bytes:
    """The PDF for ``version`` from the cache, rendering it (once) when missing.

    ``context_factory`` is only called on a miss, so a cached download reads nothing
    beyond what the version itself needed.
    """
    digest = hashlib.blake2b(version.encode(), digest_size=16).hexdigest()
    key = f"pdf:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(template, context_factory())
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
