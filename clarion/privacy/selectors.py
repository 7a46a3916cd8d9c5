"""Everything stored about one signer, found by their normalised address."""

from __future__ import annotations

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


def has_signed_anything(email_key: str) -> bool:
    return (
        Signature.objects.filter(email_normalised=email_key).exists()
        or OrganisationSignature.objects.filter(email_normalised=email_key).exists()
        or IndividualSignature.objects.filter(email_normalised=email_key).exists()
    )
