"""What can be delivered, and what delivery needs to know of each kind.

A petition and an open letter are delivered the same way: a PDF to the targets, the
count at that moment recorded. Each kind answers the same few questions here, so the
service and the admin never ask which kind they hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone

from clarion.letters.models import Letter, SignOnStatus
from clarion.letters.pdf import letter_document
from clarion.letters.services import letter_mark_delivered
from clarion.petitions.models import Petition
from clarion.petitions.pdf import petition_document


@dataclass(frozen=True)
class Deliverable:
    #: The URL segment of the deliver page and the Delivery's foreign key to the kind.
    name: str
    model: type[Model]
    #: The PDF attached to every recipient's email: (content, file name).
    document: Callable[[Any], tuple[bytes, str]]
    #: What the delivery records it carried: signatures, or organisations signed on.
    count: Callable[[Any], int]
    #: Called in the delivery's transaction.
    mark_delivered: Callable[[Any], None]
    #: Who, besides superusers, may deliver it.
    may_deliver: Callable[[Any, Any], bool]
    #: Whether it is public enough to deliver.
    ready: Callable[[Any], bool]


def _petition_count(petition: Petition) -> int:
    # Read fresh: the object may have been loaded before the last fold of the counts.
    return Petition.objects.values_list("signature_count", flat=True).get(pk=petition.pk)


def _petition_touched(petition: Petition) -> None:
    # The page is cached by the petition's last edit: the delivery shows at once.
    Petition.objects.filter(pk=petition.pk).update(updated_at=timezone.now())


PETITION = Deliverable(
    name="petition",
    model=Petition,
    document=petition_document,
    count=_petition_count,
    mark_delivered=_petition_touched,
    may_deliver=lambda user, petition: petition.organisers.filter(pk=user.pk).exists(),
    ready=lambda petition: petition.is_public,
)

LETTER = Deliverable(
    name="letter",
    model=Letter,
    document=letter_document,
    count=lambda letter: letter.organisations.filter(status=SignOnStatus.APPROVED).count(),
    mark_delivered=letter_mark_delivered,
    may_deliver=lambda user, letter: user.has_perm("letters.change_letter"),
    ready=lambda letter: letter.status != Letter.Status.DRAFT,
)

KINDS = {kind.name: kind for kind in (PETITION, LETTER)}
_BY_MODEL = {kind.model: kind for kind in KINDS.values()}


def kind_of(obj: Model) -> Deliverable:
    return _BY_MODEL[type(obj)]
