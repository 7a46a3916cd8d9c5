"""Everything stored about one signer, found by their normalised address."""

from __future__ import annotations

from dataclasses import dataclass

from clarion.confirmations import flows
from clarion.confirmations.flows import Flow
from clarion.confirmations.models import Confirmable
from clarion.letters.models import IndividualSignature, OrganisationSignature
from clarion.petitions.models import Signature


def signer_signatures(email_key: str) -> list[Signature]:
    """The signer's petition signatures, newest first."""
    return list(
        Signature.objects.filter(email_normalised=email_key)
        .select_related("petition")
        .prefetch_related("petition__translations")
        .order_by("-created_at")
    )


def signer_signons(email_key: str) -> list[OrganisationSignature | IndividualSignature]:
    """The signer's letter sign-ons (as an organisation's contact or as a person), newest
    first."""
    found: list[OrganisationSignature | IndividualSignature] = [
        *OrganisationSignature.objects.filter(email_normalised=email_key).select_related("letter"),
        *IndividualSignature.objects.filter(email_normalised=email_key).select_related("letter"),
    ]
    return sorted(found, key=lambda s: s.created_at, reverse=True)


@dataclass(frozen=True)
class OtherData:
    """What a person gave through another confirmed action (a petition they started),
    as the flow of that kind describes it."""

    flow: Flow
    items: list[Confirmable]


def signer_other_data(email_key: str) -> list[OtherData]:
    """Every other kind of confirmed action that keeps this address, by its flow.

    The kinds come from the confirmation flows' registry (``Flow.in_my_data``), so a
    kind added above this floor shows here without privacy importing it.
    """
    found = []
    for flow in flows.every():
        if not flow.in_my_data:
            continue
        items = list(flow.model.objects.filter(email_normalised=email_key).order_by("-created_at"))
        if items:
            found.append(OtherData(flow=flow, items=items))
    return found


def has_signed_anything(email_key: str) -> bool:
    return (
        Signature.objects.filter(email_normalised=email_key).exists()
        or OrganisationSignature.objects.filter(email_normalised=email_key).exists()
        or IndividualSignature.objects.filter(email_normalised=email_key).exists()
        or bool(signer_other_data(email_key))
    )
