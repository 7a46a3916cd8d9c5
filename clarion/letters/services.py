"""Every write to letters and their sign-ons goes through here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clarion.core import ratelimit
from clarion.core.tokens import ConfirmState, absolute, new_token, token_hash
from clarion.delivery.models import OutboxMessage
from clarion.delivery.services import outbox_enqueue
from clarion.letters.models import (
    IndividualSignature,
    Letter,
    OrganisationSignature,
    SignOnStatus,
)
from clarion.petitions.services import hash_ip, normalise_email

# The kinds of sign-on, as they appear in confirmation links.
ORGANISATION = "org"
INDIVIDUAL = "person"
_MODELS: dict[str, type[OrganisationSignature] | type[IndividualSignature]] = {
    ORGANISATION: OrganisationSignature,
    INDIVIDUAL: IndividualSignature,
}


class SignOnError(ValidationError):
    """A sign-on that can't be taken, with a message fit to show the person signing."""


class DuplicateOrganisation(SignOnError):
    """An organisation of that name has signed (or asked to sign) this letter already."""


_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise_org_name(name: str) -> str:
    """The form of an organisation's name that tells whether it signed twice.

    Accents, case, punctuation and spacing are folded, so "Fundación Río Claro, A.C."
    and "fundacion rio claro ac" are one organisation.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Dots inside acronyms ("A.C.") vanish rather than splitting the letters apart.
    bare = bare.replace(".", "").casefold()
    return " ".join(_NOT_WORD.sub(" ", bare).replace("_", " ").split())[:200]


def signon_rate_limit(ip: str | None) -> tuple[bool, int]:
    """Count one sign-on attempt from this address: (allowed, seconds to wait)."""
    source = hash_ip(ip)[:40] or "unknown"
    return ratelimit.hit(f"letter-signon:{source}", settings.CLARION_LETTER_SIGNONS_PER_HOUR, 3600)


# --- mail -----------------------------------------------------------------------------


def _signer_name(signon: OrganisationSignature | IndividualSignature) -> str:
    return signon.name if isinstance(signon, OrganisationSignature) else signon.full_name


def _kind(signon: OrganisationSignature | IndividualSignature) -> str:
    return ORGANISATION if isinstance(signon, OrganisationSignature) else INDIVIDUAL


def _send_confirmation(signon: OrganisationSignature | IndividualSignature, token: str) -> None:
    letter = signon.letter
    outbox_enqueue(
        key=f"letter-confirm:{_kind(signon)}:{signon.pk}:{signon.token_hash[:16]}",
        to=signon.email,
        subject=_("Please confirm your signature on the letter: %(title)s")
        % {"title": letter.title},
        body=render_to_string(
            "letters/email/confirm.txt",
            {
                "letter": letter,
                "signer": _signer_name(signon),
                "is_organisation": _kind(signon) == ORGANISATION,
                "confirm_url": absolute(reverse("letters:confirm", args=[_kind(signon), token])),
                "letter_url": absolute(letter.get_absolute_url()),
                "hours": settings.CLARION_CONFIRM_HOURS,
                "site_name": settings.CLARION_SITE_NAME,
            },
        ),
    )


def _send_already_signed(signon: OrganisationSignature | IndividualSignature) -> None:
    hour = timezone.now().strftime("%Y%m%d%H")
    letter = signon.letter
    outbox_enqueue(
        key=f"letter-already:{_kind(signon)}:{signon.pk}:{hour}",
        to=signon.email,
        subject=_("You have already signed the letter: %(title)s") % {"title": letter.title},
        body=render_to_string(
            "letters/email/already_signed.txt",
            {
                "letter": letter,
                "signer": _signer_name(signon),
                "letter_url": absolute(letter.get_absolute_url()),
                "site_name": settings.CLARION_SITE_NAME,
            },
        ),
    )


# --- sign-on --------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    contact_name: str
    email: str
    country: str = ""
    acronym: str = ""
    name_other_language: str = ""
    website: str = ""


@dataclass(frozen=True)
class IndividualInput:
    full_name: str
    email: str
    country: str = ""
    affiliation: str = ""


def _check_open(letter: Letter) -> None:
    if not letter.takes_signatures:
        raise SignOnError(_("This letter is not open for signatures."))


def _resend_or_note(signon: OrganisationSignature | IndividualSignature) -> None:
    """The same contact signed again: a fresh link if still pending, else a note."""
    if signon.is_confirmed:
        _send_already_signed(signon)
        return
    token, hashed, expires = new_token()
    signon.token_hash, signon.token_expires_at = hashed, expires
    signon.save(update_fields=["token_hash", "token_expires_at"])
    _send_confirmation(signon, token)


@transaction.atomic
def organisation_signon(
    *, letter: Letter, data: OrganisationInput, ip: str | None = None, language: str = "en"
) -> OrganisationSignature:
    """Take an organisation's sign-on and email its contact person a confirmation link.

    The same organisation (by folded name) signing again with the same contact email
    gets a fresh link, or a note that it has signed; with another email it is refused
    with DuplicateOrganisation, which says nothing about who signed for it.
    """
    _check_open(letter)
    name_key = normalise_org_name(data.name)
    if not name_key:
        raise SignOnError(_("Enter the organisation's name."))
    email_key = normalise_email(data.email)
    token, hashed, expires = new_token()
    try:
        with transaction.atomic():
            signon = OrganisationSignature.objects.create(
                letter=letter,
                name=data.name,
                name_normalised=name_key,
                acronym=data.acronym,
                name_other_language=data.name_other_language,
                country=data.country,
                website=data.website,
                contact_name=data.contact_name,
                email=data.email.strip(),
                email_normalised=email_key,
                language=language,
                ip_hash=hash_ip(ip),
                token_hash=hashed,
                token_expires_at=expires,
            )
    except IntegrityError:
        existing = OrganisationSignature.objects.select_related("letter").get(
            letter=letter, name_normalised=name_key
        )
        if existing.email_normalised != email_key:
            raise DuplicateOrganisation(
                _(
                    "An organisation with this name has already signed this letter or asked "
                    "to. If that was not your organisation, or you think this is a mistake, "
                    "please write to the site's moderators."
                )
            ) from None
        _resend_or_note(existing)
        return existing
    _send_confirmation(signon, token)
    return signon


@transaction.atomic
def individual_signon(
    *, letter: Letter, data: IndividualInput, ip: str | None = None, language: str = "en"
) -> IndividualSignature:
    """Take a person's signature for the letter's list of individuals.

    As with petitions, the answer is always "check your email": whether this address
    had signed before is only ever told to that address.
    """
    _check_open(letter)
    if not letter.individuals_may_sign:
        raise SignOnError(_("This letter is signed by organisations only."))
    email_key = normalise_email(data.email)
    token, hashed, expires = new_token()
    try:
        with transaction.atomic():
            signon = IndividualSignature.objects.create(
                letter=letter,
                full_name=data.full_name,
                affiliation=data.affiliation,
                country=data.country,
                email=data.email.strip(),
                email_normalised=email_key,
                language=language,
                ip_hash=hash_ip(ip),
                token_hash=hashed,
                token_expires_at=expires,
            )
    except IntegrityError:
        existing = IndividualSignature.objects.select_related("letter").get(
            letter=letter, email_normalised=email_key
        )
        _resend_or_note(existing)
        return existing
    _send_confirmation(signon, token)
    return signon


@dataclass(frozen=True)
class ConfirmResult:
    state: ConfirmState
    signon: OrganisationSignature | IndividualSignature | None = None

    @property
    def is_organisation(self) -> bool:
        return isinstance(self.signon, OrganisationSignature)


def signon_for_token(kind: str, token: str) -> ConfirmResult:
    """What a confirmation link stands for, without changing anything."""
    model = _MODELS.get(kind)
    if model is None or not token or len(token) > 100:
        return ConfirmResult(ConfirmState.INVALID)
    signon = model.objects.select_related("letter").filter(token_hash=token_hash(token)).first()
    if signon is None:
        return ConfirmResult(ConfirmState.INVALID)
    if signon.is_confirmed:
        return ConfirmResult(ConfirmState.ALREADY, signon)
    if signon.token_expires_at <= timezone.now():
        return ConfirmResult(ConfirmState.EXPIRED, signon)
    if not signon.letter.takes_signatures:
        return ConfirmResult(ConfirmState.CLOSED, signon)
    return ConfirmResult(ConfirmState.READY, signon)


@transaction.atomic
def signon_confirm(kind: str, token: str) -> ConfirmResult:
    """Confirm the sign-on behind the link; a conditional UPDATE makes it happen once.

    An organisation's then waits for a moderator; an individual's shows at once.
    """
    result = signon_for_token(kind, token)
    if result.state is not ConfirmState.READY or result.signon is None:
        return result
    signon = result.signon
    changed = (
        type(signon)
        .objects.filter(pk=signon.pk, status=SignOnStatus.PENDING)
        .update(confirmed_at=timezone.now(), status=SignOnStatus.CONFIRMED)
    )
    if not changed:
        return ConfirmResult(ConfirmState.ALREADY, signon)
    signon.refresh_from_db(fields=["confirmed_at", "status"])
    return ConfirmResult(ConfirmState.CONFIRMED, signon)


# --- moderation -----------------------------------------------------------------------


def _moderate(signons: QuerySet, status: str) -> int:
    # Only confirmed sign-ons can be decided on (the database insists as well): an
    # unconfirmed one may be someone using another organisation's name.
    now = timezone.now()
    changed = (
        signons.exclude(status=SignOnStatus.PENDING)
        .exclude(status=status)
        .update(status=status, moderated_at=now)
    )
    return changed


@transaction.atomic
def signons_approve(signons: QuerySet) -> int:
    """Approve confirmed sign-ons (organisations or individuals): they show and count."""
    return _moderate(signons, SignOnStatus.APPROVED)


@transaction.atomic
def signons_reject(signons: QuerySet) -> int:
    """Reject confirmed sign-ons: they are kept (so the name can't sign again) but hidden."""
    return _moderate(signons, SignOnStatus.REJECTED)


# --- letters --------------------------------------------------------------------------


def _set_status(letter: Letter, status: str) -> Letter:
    now = timezone.now()
    letter.status = status
    letter.published_at = letter.published_at or now
    if status == Letter.Status.DELIVERED:
        letter.delivered_at = letter.delivered_at or now
    letter.updated_at = now
    letter.save(update_fields=["status", "published_at", "delivered_at", "updated_at"])
    return letter


@transaction.atomic
def letter_open(letter: Letter) -> Letter:
    """Publish the letter and open it for sign-on."""
    return _set_status(letter, Letter.Status.OPEN)


@transaction.atomic
def letter_close(letter: Letter) -> Letter:
    if letter.status == Letter.Status.DRAFT:
        raise ValidationError(_("A draft can't be closed; open it for sign-on first."))
    return _set_status(letter, Letter.Status.CLOSED)


@transaction.atomic
def letter_mark_delivered(letter: Letter) -> Letter:
    if letter.status == Letter.Status.DRAFT:
        raise ValidationError(_("A draft can't be delivered; open it for sign-on first."))
    return _set_status(letter, Letter.Status.DELIVERED)


# --- a signer's own data --------------------------------------------------------------


def signons_of(email_key: str) -> list[OrganisationSignature | IndividualSignature]:
    """Every letter sign-on made with this (normalised) address, newest first."""
    found: list[OrganisationSignature | IndividualSignature] = [
        *OrganisationSignature.objects.filter(email_normalised=email_key).select_related("letter"),
        *IndividualSignature.objects.filter(email_normalised=email_key).select_related("letter"),
    ]
    return sorted(found, key=lambda s: s.created_at, reverse=True)


def has_signons(email_key: str) -> bool:
    return (
        OrganisationSignature.objects.filter(email_normalised=email_key).exists()
        or IndividualSignature.objects.filter(email_normalised=email_key).exists()
    )


@transaction.atomic
def signons_delete_for(email_key: str) -> int:
    """Delete every letter sign-on made with this address and the mail queued for it."""
    addresses = {email_key}
    deleted = 0
    for model in (OrganisationSignature, IndividualSignature):
        rows = model.objects.filter(email_normalised=email_key)
        addresses |= set(rows.values_list("email", flat=True))
        count, _by_model = rows.delete()
        deleted += count
    mail = Q()
    for address in addresses:
        mail |= Q(to__iexact=address)
    OutboxMessage.objects.filter(mail).delete()
    return deleted


def purge_unconfirmed(now=None) -> int:
    """Delete sign-ons never confirmed past CLARION_PURGE_UNCONFIRMED_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CLARION_PURGE_UNCONFIRMED_DAYS)
    deleted = 0
    for model in (OrganisationSignature, IndividualSignature):
        count, _by_model = model.objects.filter(
            status=SignOnStatus.PENDING, created_at__lt=cutoff
        ).delete()
        deleted += count
    return deleted


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
