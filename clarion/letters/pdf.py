"""A letter as a PDF: the page's own partial (letters/_letter.html), rendered and cached
by clarion.core.pdf under a key of everything it shows that can change (last edit,
number of signatories, language)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils.translation import get_language

from clarion.core.pdf import cached_pdf
from clarion.letters.models import Letter, SignOnStatus


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
