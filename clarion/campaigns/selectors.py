"""Reads for starting and running petitions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from clarion.campaigns.models import Correction, DeliveryRequest, PetitionStart
from clarion.petitions import search
from clarion.petitions import selectors as petitions
from clarion.petitions.models import Petition, Signature

SIMILAR_LIMIT = 5


def supporters(start: PetitionStart) -> int:
    """Counted signatures on the started petition, besides its creator's own."""
    return (
        petitions.counted_signatures(start.petition_id)
        .exclude(email_normalised=start.email_normalised)
        .count()
    )


# Words too common to say two titles are about one thing, in the interface languages.
# Words under four letters are left out anyway ("the", "of", "de", "los"...).
_COMMON = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "they",
        "them",
        "their",
        "what",
        "when",
        "will",
        "have",
        "need",
        "must",
        "stop",
        "make",
        "save",
        "keep",
        "protect",
        "ensure",
        "every",
        "call",
        "para",
        "sobre",
        "como",
        "esta",
        "este",
        "esto",
        "están",
        "todos",
        "todas",
        "nuestra",
        "nuestro",
        "exigimos",
        "pedimos",
    ]
)
MAX_WORDS = 8


def _telling_words(title: str) -> str:
    """The title's distinct telling words, at most MAX_WORDS, for an any-word search."""
    words = [w for w in re.findall(r"\w+", title.lower()) if len(w) >= 4 and w not in _COMMON]
    return " ".join(list(dict.fromkeys(words))[:MAX_WORDS])


def similar_petitions(query: str, limit: int = SIMILAR_LIMIT) -> list[Petition]:
    """Open petitions that share the most telling words with ``query``: offered while a
    title is typed, so people sign what exists rather than start it again."""
    words = _telling_words(query)
    if not words:
        return []
    page = search.search(
        words,
        petitions.with_card_data(petitions.public_petitions()),
        offset=0,
        # Closed ones are ranked too (the index filters on public), then left out.
        limit=limit * 2,
        public=True,
        any_word=True,
    )
    open_ = [hit.petition for hit in page.hits if hit.petition.status == Petition.Status.PUBLISHED]
    return open_[:limit]


@dataclass(frozen=True)
class Support:
    """What the private supporters' page shows."""

    start: PetitionStart
    petition: Petition
    supporters: int
    needed: int

    @property
    def still_needed(self) -> int:
        return max(0, self.needed - self.supporters)


def support_page(token: str) -> Support | None:
    """The started petition behind a supporters' link, while the link is of use.

    Only a confirmed start has a petition; once published, the petition's own page
    takes over (the view redirects there), and a rejected one shows its reason there.
    """
    if not token or len(token) > 64:
        return None
    start = (
        PetitionStart.objects.filter(sponsor_token=token, petition__isnull=False)
        .select_related("petition")
        .prefetch_related("petition__demands", "petition__targets", "petition__translations")
        .first()
    )
    if start is None:
        return None
    return Support(
        start=start,
        petition=start.petition,
        supporters=supporters(start),
        needed=settings.CLARION_SPONSORS_NEEDED,
    )


def organiser_petitions(email_key: str) -> list[PetitionStart]:
    """The starts (with their petitions) of the person signed in with this address."""
    return list(
        PetitionStart.objects.filter(email_normalised=email_key, petition__isnull=False)
        .select_related("petition")
        .order_by("-created_at")
    )


def start_of(petition: Petition) -> PetitionStart | None:
    return PetitionStart.objects.filter(petition=petition).first()


def is_creator(petition: Petition, email_key: str | None) -> bool:
    return (
        bool(email_key)
        and PetitionStart.objects.filter(petition=petition, email_normalised=email_key).exists()
    )


def pending_correction(petition: Petition) -> Correction | None:
    return petition.corrections.filter(status=Correction.Status.PENDING).first()


def latest_decided_correction(petition: Petition) -> Correction | None:
    return petition.corrections.exclude(status=Correction.Status.PENDING).first()


def open_delivery_request(petition: Petition) -> DeliveryRequest | None:
    return petition.delivery_requests.filter(handled_at__isnull=True).first()


def signers_for_organiser(petition_id: int) -> QuerySet[Signature]:
    """The counted signers who agreed that the organisers may contact them, oldest first:
    the only signers' addresses an organiser ever gets."""
    return (
        petitions.counted_signatures(petition_id)
        .filter(contact_by_organiser=True)
        .order_by("confirmed_at", "pk")
        .only("full_name", "email", "country", "confirmed_at")
    )


def moderation_queue() -> QuerySet[Petition]:
    """Started petitions waiting for a moderator, the longest waiting first."""
    return Petition.objects.filter(status=Petition.Status.MODERATION).order_by("updated_at")
