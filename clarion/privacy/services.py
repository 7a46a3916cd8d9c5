"""A signer's own data, and the retention periods, for every kind of signature."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clarion.confirmations import flows
from clarion.confirmations import services as confirmations
from clarion.core.addresses import normalise_email
from clarion.core.models import OutboxMessage
from clarion.core.outbox import outbox_enqueue
from clarion.core.tokens import absolute, token_hash
from clarion.letters.models import IndividualSignature, OrganisationSignature
from clarion.petitions.models import Signature
from clarion.petitions.services import signatures_delete
from clarion.privacy.models import AccessLink
from clarion.privacy.selectors import has_signed_anything, signer_other_data


def my_data_token(email_key: str) -> str:
    """A new link token for the signer with this normalised email, valid for
    CLARION_MY_DATA_HOURS; only its hash is stored."""
    token, now = secrets.token_urlsafe(32), timezone.now()
    AccessLink.objects.create(
        token_hash=token_hash(token),
        email_key=email_key,
        created_at=now,
        expires_at=now + timedelta(hours=settings.CLARION_MY_DATA_HOURS),
    )
    return token


def my_data_email(token: str) -> str | None:
    """The normalised email a my-data token opens, or None if unknown or expired."""
    if not token or len(token) > 100:
        return None
    return (
        AccessLink.objects.filter(token_hash=token_hash(token), expires_at__gt=timezone.now())
        .values_list("email_key", flat=True)
        .first()
    )


def my_data_request(email: str) -> None:
    """Email a link to the signer's data, if this address has signed anything.

    The caller always answers the same way, so the form reveals nothing about who
    signed. At most one email per address per hour, however often the form is sent.
    """
    email_key = normalise_email(email)
    if not has_signed_anything(email_key):
        return
    hour = timezone.now().strftime("%Y%m%d%H")
    digest = hashlib.sha256(email_key.encode()).hexdigest()[:24]
    # The worker's outbox job sends it within a second or so, as it does every email.
    outbox_enqueue(
        key=f"my-data:{digest}:{hour}",
        to=email,
        subject=_("Your signatures on %(site)s") % {"site": settings.CLARION_SITE_NAME},
        body=render_to_string(
            "privacy/email/my_data.txt",
            {
                "link": absolute(reverse("privacy:my_data", args=[my_data_token(email_key)])),
                "hours": settings.CLARION_MY_DATA_HOURS,
                "site_name": settings.CLARION_SITE_NAME,
            },
        ),
        capped=True,
    )


@transaction.atomic
def my_data_delete(email_key: str) -> int:
    """Delete every signature of this signer (letter sign-ons too), correct the counts,
    and drop the mail queued or kept for them. Returns how many were deleted."""
    signatures = Signature.objects.filter(email_normalised=email_key)
    signons = [
        model.objects.filter(email_normalised=email_key)
        for model in (OrganisationSignature, IndividualSignature)
    ]
    # The addresses as typed may differ in case from their normalised form.
    addresses = {email_key, *signatures.values_list("email", flat=True)}
    for rows in signons:
        addresses |= set(rows.values_list("email", flat=True))
    deleted = signatures_delete(signatures)
    for rows in signons:
        count, _by_model = rows.delete()
        deleted += count
    for other in signer_other_data(email_key):
        for item in other.items:
            addresses.add(item.email)
            other.flow.forget(item)
            deleted += 1
    mail = Q()
    for address in addresses:
        mail |= Q(to__iexact=address)
    OutboxMessage.objects.filter(mail).delete()
    AccessLink.objects.filter(email_key=email_key).delete()
    return deleted


def signature_export(signature: Signature, petition_url: str) -> dict:
    """Everything stored about one petition signature, for its signer's own download."""
    return {
        "petition": signature.petition.title,
        "petition_url": petition_url,
        "full_name": signature.full_name,
        "email": signature.email,
        "country": signature.country.code,
        "postcode": signature.postcode,
        "comment": signature.comment,
        "show_name": signature.show_name,
        "wants_updates": signature.wants_updates,
        "organisers_may_email": signature.contact_by_organiser,
        "language": signature.language,
        "signed_at": signature.created_at.isoformat(),
        "confirmed_at": signature.confirmed_at.isoformat() if signature.confirmed_at else None,
        "ip_address_stored": "only as a keyed hash" if signature.ip_hash else "no",
    }


def signon_export(signon: OrganisationSignature | IndividualSignature, letter_url: str) -> dict:
    """Everything stored about one letter sign-on, for its signer's own download."""
    common = {
        "letter": signon.letter.title,
        "letter_url": letter_url,
        "email": signon.email,
        "country": signon.country.code or None,
        "status": signon.status,
        "language": signon.language,
        "signed_at": signon.created_at.isoformat(),
        "confirmed_at": signon.confirmed_at.isoformat() if signon.confirmed_at else None,
        "ip_address_stored": "only as a keyed hash" if signon.ip_hash else "no",
    }
    if isinstance(signon, OrganisationSignature):
        return {
            "kind": "organisation",
            "organisation": signon.name,
            "acronym": signon.acronym,
            "name_other_language": signon.name_other_language,
            "website": signon.website,
            "contact_name": signon.contact_name,
            **common,
        }
    return {
        "kind": "individual",
        "full_name": signon.full_name,
        "affiliation": signon.affiliation,
        **common,
    }


# --- retention ------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    unconfirmed: int
    ip_hashes: int
    mail: int = 0


def privacy_purge(now: datetime | None = None) -> PurgeResult:
    """Delete what was never confirmed, forget IP hashes and drop mail already sent,
    once each is old enough, for every kind of email-confirmed signature.

    Unconfirmed signatures count for nothing, and an IP hash only matters while abuse
    is still being looked into; keeping either longer would only be a liability.
    """
    now = now or timezone.now()
    unconfirmed_before = now - timedelta(days=settings.CLARION_PURGE_UNCONFIRMED_DAYS)
    ip_before = now - timedelta(days=settings.CLARION_PURGE_IP_DAYS)
    unconfirmed = ip_hashes = 0
    for flow in flows.every():
        unconfirmed += confirmations.purge_unconfirmed(flow, unconfirmed_before)
        ip_hashes += (
            flow.model.objects.exclude(ip_hash="")
            .filter(created_at__lt=ip_before)
            .update(ip_hash="")
        )
    AccessLink.objects.filter(expires_at__lt=now).delete()
    # Mail that went out (or gave up) holds an address and, for confirmations, a live
    # link; once it can no longer be retried there is no reason to keep it.
    mail, _by_model = OutboxMessage.objects.filter(
        status__in=[
            OutboxMessage.Status.SENT,
            OutboxMessage.Status.FAILED,
            OutboxMessage.Status.DROPPED,
        ],
        created_at__lt=now - timedelta(days=settings.CLARION_PURGE_MAIL_DAYS),
    ).delete()
    return PurgeResult(unconfirmed=unconfirmed, ip_hashes=ip_hashes, mail=mail)
