"""Print-quality PDFs of letters and petitions, rendered by WeasyPrint from templates.

The PDF templates include the same partials as the pages (letters/_letter.html), with
the print stylesheet the pages also use when printed, so a PDF reads like the page.
Rendering costs a few hundred milliseconds, so each PDF is cached under a key made of
everything it shows that can change (last edit, number of signatories, language):
a new signatory or an edit makes a new PDF, and repeated downloads cost one lookup.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django_countries import countries

from clarion.letters.models import Letter, SignOnStatus
from clarion.petitions.models import Petition

logger = logging.getLogger("clarion.letters")

PRINT_CSS = "letters/print.css"
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


def cached_pdf(version: str, template: str, context_factory) -> bytes:
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


# A petition's PDF lists at most this many public names.
PDF_MAX_NAMES = 2000


def letter_document(letter: Letter, language: str | None = None) -> tuple[bytes, str]:
    """The letter (in ``language`` when it has that version) as (PDF, file name)."""
    from clarion.letters import selectors

    text = selectors.text_for(letter, language)
    # Everything the PDF shows that can change without the letter's own edit time moving.
    orgs = letter.organisations.aggregate(
        shown=Count("id", filter=Q(status=SignOnStatus.APPROVED)), last=Max("moderated_at")
    )
    people = letter.individuals.aggregate(
        shown=Count("id", filter=Q(status__in=selectors.INDIVIDUALS_SHOWN)),
        last=Max("confirmed_at"),
        moderated=Max("moderated_at"),
    )
    version = (
        f"letter:{letter.pk}:{letter.updated_at.isoformat()}:{letter.status}:{text.language}:"
        f"{get_language()}:{orgs['shown']}:{orgs['last']}:{people['shown']}:{people['last']}:"
        f"{people['moderated']}"
    )

    def context() -> dict:
        ctx = selectors.letter_context(letter, language)
        ctx["letter_url"] = settings.CLARION_BASE_URL + letter.get_absolute_url()
        return ctx

    pdf = cached_pdf(version, "letters/letter_pdf.html", context)
    return pdf, f"{letter.slug}-{text.language}.pdf"


def petition_document(petition: Petition) -> tuple[bytes, str]:
    """The petition (text, targets, count, and public names if allowed) as (PDF, file name)."""
    version = (
        f"petition:{petition.pk}:{petition.updated_at.isoformat()}:{petition.status}:"
        f"{petition.signature_count}:{petition.pdf_lists_names}:{get_language()}"
    )

    def context() -> dict:
        names = []
        if petition.pdf_lists_names:
            names = list(
                petition.signatures.filter(confirmed_at__isnull=False, show_name=True)
                .order_by("confirmed_at", "id")
                .values_list("full_name", "country")[:PDF_MAX_NAMES]
            )
        return {
            "petition": petition,
            "names": [(name, countries.name(code) if code else "") for name, code in names],
            "petition_url": settings.CLARION_BASE_URL + petition.get_absolute_url(),
        }

    pdf = cached_pdf(version, "letters/petition_pdf.html", context)
    return pdf, f"{petition.slug}.pdf"
