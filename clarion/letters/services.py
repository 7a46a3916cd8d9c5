"""Every write to letters and their sign-ons goes through here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clarion.confirmations import services as confirmations
from clarion.core import ratelimit
from clarion.core.addresses import normalise_email
from clarion.core.http import hash_ip
from clarion.letters.flows import INDIVIDUAL, ORGANISATION, name_holder
from clarion.letters.models import (
    IndividualSignature,
    Letter,
    OrganisationSignature,
    SignOnStatus,
)


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


def signon_rate_limit(ip: str | None) -> int:
    """Count one sign-on attempt from this address; seconds to wait, or 0 if allowed."""
    return ratelimit.hit_ip("letter-signon", ip, settings.CLARION_LETTER_SIGNONS_PER_HOUR, 3600)


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


_DUPLICATE_ORGANISATION = _(
    "An organisation with this name has already signed this letter or asked to. If that "
    "was not your organisation, or you think this is a mistake, please write to the "
    "site's moderators."
)


def organisation_signon(
    *, letter: Letter, data: OrganisationInput, ip: str | None = None, language: str = "en"
) -> OrganisationSignature:
    """Take an organisation's sign-on and email its contact person a confirmation link.

    The same organisation (by folded name) signing again with the same contact email
    gets a fresh link, or a note that it has signed. Once another contact has confirmed
    a sign-on in that name it is refused with DuplicateOrganisation, which says nothing
    about who signed for it; until then competing requests wait side by side, and the
    first confirmed holds the name (moderators see the others next to it).
    """
    _check_open(letter)
    name_key = normalise_org_name(data.name)
    if not name_key:
        raise SignOnError(_("Enter the organisation's name."))
    email_key = normalise_email(data.email)
    holder = name_holder(letter.pk, name_key)
    if (
        holder is not None
        and not OrganisationSignature.objects.filter(pk=holder, email_normalised=email_key).exists()
    ):
        raise DuplicateOrganisation(str(_DUPLICATE_ORGANISATION))
    prepared = confirmations.prepare(
        ORGANISATION,
        OrganisationSignature(
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
        ),
    )
    with transaction.atomic():
        return confirmations.store(ORGANISATION, prepared)


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
    prepared = confirmations.prepare(
        INDIVIDUAL,
        IndividualSignature(
            letter=letter,
            full_name=data.full_name,
            affiliation=data.affiliation,
            country=data.country,
            email=data.email.strip(),
            email_normalised=normalise_email(data.email),
            language=language,
            ip_hash=hash_ip(ip),
        ),
    )
    with transaction.atomic():
        return confirmations.store(INDIVIDUAL, prepared)


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
