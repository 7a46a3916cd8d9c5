"""A petition as a PDF (its text, targets, count, and public names if allowed), rendered
and cached by clarion.core.pdf; a delivery to its targets attaches it."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language
from django_countries import countries

from clarion.core.pdf import cached_pdf
from clarion.petitions.models import Petition
from clarion.petitions.selectors import counted_signatures

# A petition's PDF lists at most this many public names.
PDF_MAX_NAMES = 2000


def petition_document(petition: Petition) -> tuple[bytes, str]:
    """The petition (text, targets, count, and public names if allowed) as (PDF, file name)."""
    # The targets' names (in the language shown) are edited apart from the petition, so
    # they are part of what makes a new PDF.
    targets = "|".join(t.shown_name for t in petition.targets.all())
    version = (
        f"petition:{petition.pk}:{petition.updated_at.isoformat()}:{petition.status}:"
        f"{petition.signature_count}:{petition.pdf_lists_names}:{get_language()}:{targets}"
    )

    def context() -> dict:
        names = []
        if petition.pdf_lists_names:
            names = list(
                counted_signatures(petition.pk)
                .filter(show_name=True)
                .order_by("confirmed_at", "id")
                .values_list("full_name", "country")[:PDF_MAX_NAMES]
            )
        return {
            "petition": petition,
            "names": [(name, countries.name(code) if code else "") for name, code in names],
            "petition_url": settings.CLARION_BASE_URL + petition.get_absolute_url(),
        }

    pdf = cached_pdf(version, "petitions/pdf.html", context)
    return pdf, f"{petition.slug}.pdf"
