"""Every write to petitions and signatures goes through here."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clarion.core.db import insert_or_skip
from clarion.core.tasks import enqueue
from clarion.core.tokens import ConfirmState, absolute, new_token, token_hash
from clarion.delivery.models import OutboxMessage
from clarion.delivery.services import outbox_enqueue
from clarion.petitions import abuse, search
from clarion.petitions import tasks as petition_tasks
from clarion.petitions.counts import refresh_counts
from clarion.petitions.models import Milestone, Petition, Signature


class SignatureError(ValidationError):
    """A signature that can't be taken, with a message fit to show the signer."""


def normalise_email(email: str) -> str:
    """The form of an address used to tell whether one person signed twice.

    The whole address is case-folded (almost no mail system treats the local part
    case-sensitively, and a signer who types their address in capitals is the same
    person) and an internationalised domain is stored in its ASCII (IDNA) form.
    """
    email = email.strip()
    local, _sep, domain = email.rpartition("@")
    if not local or not domain:
        raise ValidationError(_("Enter a valid email address."))
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(_("Enter a valid email address.")) from None
    return f"{local.casefold()}@{domain.lower()}"


def hash_ip(ip: str | None) -> str:
    """A keyed hash of an IP address: enough to spot one source, useless to reverse."""
    if not ip:
        return ""
    key = hashlib.sha256(f"clarion-ip:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


def _mail(signature: Signature, *, subject: str, template: str, **extra) -> tuple[str, str]:
    """The (subject, body) of an email to the signer about their signature."""
    petition = signature.petition
    context = {
        "signature": signature,
        "petition": petition,
        "petition_url": absolute(petition.get_absolute_url()),
        "site_name": settings.CLARION_SITE_NAME,
        **extra,
    }
    return subject % {"title": petition.shown.title}, render_to_string(template, context)


def _queue_mail(signature: Signature, *, key: str, mail: tuple[str, str]) -> None:
    """Queue an email to the signer about their signature.

    Only the outbox row is written, in the caller's transaction: the worker sends it
    within a second or so, and a slow or absent mail server never slows signing.
    """
    subject, body = mail
    outbox_enqueue(key=key, to=signature.email, subject=subject, body=body)


def _confirmation_mail(signature: Signature, token: str) -> tuple[str, str]:
    return _mail(
        signature,
        subject=_("Please confirm your signature: %(title)s"),
        template="petitions/email/confirm.txt",
        confirm_url=absolute(reverse("petitions:confirm", args=[token])),
        hours=settings.CLARION_CONFIRM_HOURS,
    )


def _send_confirmation(signature: Signature, mail: tuple[str, str]) -> None:
    _queue_mail(signature, key=f"confirm:{signature.pk}:{signature.token_hash[:16]}", mail=mail)


def _send_already_signed(signature: Signature) -> None:
    # One notice per signature per hour, however often the form is sent again.
    hour = timezone.now().strftime("%Y%m%d%H")
    mail = _mail(
        signature,
        subject=_("You have already signed: %(title)s"),
        template="petitions/email/already_signed.txt",
    )
    _queue_mail(signature, key=f"already-signed:{signature.pk}:{hour}", mail=mail)


@dataclass(frozen=True)
class SignatureInput:
    full_name: str
    email: str
    country: str
    postcode: str = ""
    comment: str = ""
    show_name: bool = False
    wants_updates: bool = False
    # The sign form's hidden honeypot field was filled in (people never see it).
    honeypot: bool = False


def signature_create(
    *, petition: Petition, data: SignatureInput, ip: str | None = None, language: str = "en"
) -> Signature:
    """Take a signature and email the signer.

    The caller learns nothing about whether this email had signed before: the
    answer to show is always "check your email". A new address gets a pending
    signature and a confirmation link; a pending one gets a fresh link; a
    confirmed one gets a note that it has already signed.
    """
    if not petition.can_be_signed:
        raise SignatureError(_("This petition is closed and no longer takes signatures."))
    email_key = normalise_email(data.email)

    token, hashed, expires = new_token()
    signature = Signature(
        petition=petition,
        full_name=data.full_name,
        email=data.email.strip(),
        email_normalised=email_key,
        country=data.country,
        postcode=data.postcode,
        comment=data.comment,
        show_name=data.show_name,
        wants_updates=data.wants_updates,
        language=language,
        ip_hash=hash_ip(ip),
        token_hash=hashed,
        token_expires_at=expires,
    )
    # Written before the transaction: on SQLite the write lock is held only for the
    # statements, not while a template renders (the holder may wait for the GIL).
    mail = _confirmation_mail(signature, token)

    def assess() -> abuse.Verdict:
        # Held or clear; the signer is told the same either way (see petitions.abuse).
        return abuse.assess(petition=petition, email_key=email_key, ip=ip, honeypot=data.honeypot)

    if connection.vendor != "sqlite":
        # Before the transaction, so a rate-limit row that one busy source keeps hot is
        # locked for its own statement only, not for the whole signing.
        verdict = assess()
        with transaction.atomic():
            return _signature_store(signature, verdict, mail)
    # SQLite has one writer at a time whatever the rows: the rate-limit hit and the
    # signature in one transaction take one turn in the write queue instead of two.
    with transaction.atomic():
        return _signature_store(signature, assess(), mail)


def _signature_store(
    signature: Signature, verdict: abuse.Verdict, mail: tuple[str, str]
) -> Signature:
    for field, value in verdict.signature_fields().items():
        setattr(signature, field, value)
    # One statement either writes the signature or finds this address already signed.
    if not insert_or_skip(signature, conflict=("petition", "email_normalised")):
        fresh_hash, expires = signature.token_hash, signature.token_expires_at
        signature = Signature.objects.select_related("petition").get(
            petition=signature.petition_id, email_normalised=signature.email_normalised
        )
        if signature.is_confirmed:
            _send_already_signed(signature)
            return signature
        # Still pending: a new link replaces the old one (it may have expired or been lost).
        signature.token_hash = fresh_hash
        signature.token_expires_at = expires
        signature.save(update_fields=["token_hash", "token_expires_at"])
    _send_confirmation(signature, mail)
    return signature


@dataclass(frozen=True)
class ConfirmResult:
    state: ConfirmState
    signature: Signature | None = None


def signature_for_token(token: str) -> ConfirmResult:
    """What a confirmation link stands for, without changing anything."""
    if not token or len(token) > 100:
        return ConfirmResult(ConfirmState.INVALID)
    signature = (
        Signature.objects.select_related("petition").filter(token_hash=token_hash(token)).first()
    )
    if signature is None:
        return ConfirmResult(ConfirmState.INVALID)
    if signature.is_confirmed:
        return ConfirmResult(ConfirmState.ALREADY, signature)
    if signature.token_expires_at <= timezone.now():
        return ConfirmResult(ConfirmState.EXPIRED, signature)
    if not signature.petition.can_be_signed:
        return ConfirmResult(ConfirmState.CLOSED, signature)
    return ConfirmResult(ConfirmState.READY, signature)


@transaction.atomic
def signature_confirm(token: str) -> ConfirmResult:
    """Confirm the signature behind ``token`` if the link is still good.

    The conditional UPDATE makes a double click or two racing requests confirm
    once: only one of them sees a row to change. Only the signature is written, marked
    for counting: the worker folds it into the petition's count within about a second
    (see ``petitions.counts``), so confirmations never queue on the petition row.
    """
    result = signature_for_token(token)
    if result.state is not ConfirmState.READY or result.signature is None:
        return result
    signature = result.signature
    changed = Signature.objects.filter(pk=signature.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), count_pending=True
    )
    if not changed:
        return ConfirmResult(ConfirmState.ALREADY, signature)
    signature.refresh_from_db(fields=["confirmed_at"])
    return ConfirmResult(ConfirmState.CONFIRMED, signature)


# --- petitions ---------------------------------------------------------------------


def petition_reindex(petition: Petition) -> None:
    """Bring the search index in line after the petition's words changed."""
    search.index_petition(petition)


@transaction.atomic
def petition_publish(petition: Petition) -> Petition:
    if petition.status == Petition.Status.PUBLISHED:
        return petition
    now = timezone.now()
    petition.status = Petition.Status.PUBLISHED
    petition.published_at = petition.published_at or now
    petition.closed_at = None
    petition.updated_at = now
    petition.save(update_fields=["status", "published_at", "closed_at", "updated_at"])
    # Search finds only public petitions without looking at this table: tell it.
    search.index_petition(petition)
    return petition


@transaction.atomic
def petition_close(petition: Petition) -> Petition:
    if petition.status == Petition.Status.CLOSED:
        return petition
    if petition.status == Petition.Status.DRAFT:
        raise ValidationError(_("A draft can't be closed; publish it or delete it."))
    now = timezone.now()
    petition.status = Petition.Status.CLOSED
    petition.closed_at = now
    petition.updated_at = now
    petition.save(update_fields=["status", "closed_at", "updated_at"])
    return petition


@transaction.atomic
def petition_delete(petition: Petition) -> None:
    petition_id = petition.pk
    petition.delete()
    search.remove_petition(petition_id)


@transaction.atomic
def signatures_delete(signatures) -> int:
    """Delete signatures and bring the affected counts back in line.

    The one way a count goes down. It is recounted here, so the moderator sees it at
    once, and again by a task under the fold lock once this commits, in case a fold
    that read the signatures before they went raised it back in between.
    """
    petition_ids = list(signatures.order_by().values_list("petition_id", flat=True).distinct())
    deleted, _by_model = signatures.delete()
    refresh_counts(petition_ids)
    if petition_ids:
        enqueue(petition_tasks.RECOUNT, petition_ids=petition_ids)
    return deleted


# --- a signer's own data --------------------------------------------------------------

MY_DATA_SALT = "clarion.my-data"


def my_data_token(email_key: str) -> str:
    """A link token for the signer with this normalised email; it expires, unstored."""
    return signing.TimestampSigner(salt=MY_DATA_SALT).sign_object({"e": email_key})


def my_data_email(token: str) -> str | None:
    """The normalised email a my-data token stands for, or None if bad or expired."""
    if not token or len(token) > 500:
        return None
    try:
        data = signing.TimestampSigner(salt=MY_DATA_SALT).unsign_object(
            token, max_age=timedelta(hours=settings.CLARION_MY_DATA_HOURS)
        )
    except (signing.BadSignature, ValueError):
        return None
    email = data.get("e") if isinstance(data, dict) else None
    return email if isinstance(email, str) else None


def my_data_request(email: str) -> None:
    """Email a link to the signer's data, if this address has signed anything.

    The caller always answers the same way, so the form reveals nothing about who
    signed. At most one email per address per hour, however often the form is sent.
    """
    from clarion.letters.services import has_signons  # letters import this module

    email_key = normalise_email(email)
    if not (
        Signature.objects.filter(email_normalised=email_key).exists() or has_signons(email_key)
    ):
        return
    hour = timezone.now().strftime("%Y%m%d%H")
    digest = hashlib.sha256(email_key.encode()).hexdigest()[:24]
    # The worker's outbox job sends it within a second or so, as it does every email.
    outbox_enqueue(
        key=f"my-data:{digest}:{hour}",
        to=email,
        subject=_("Your signatures on %(site)s") % {"site": settings.CLARION_SITE_NAME},
        body=render_to_string(
            "petitions/email/my_data.txt",
            {
                "link": absolute(reverse("petitions:my_data", args=[my_data_token(email_key)])),
                "hours": settings.CLARION_MY_DATA_HOURS,
                "site_name": settings.CLARION_SITE_NAME,
            },
        ),
    )


def my_data_delete(email_key: str) -> int:
    """Delete every signature of this signer (letter sign-ons too), correct the counts,
    and drop the mail queued or kept for them. Returns how many signatures were deleted."""
    from clarion.letters.services import signons_delete_for

    with transaction.atomic():
        signatures = Signature.objects.filter(email_normalised=email_key)
        # The address as typed may differ in case from its normalised form.
        addresses = set(signatures.values_list("email", flat=True)) | {email_key}
        deleted = signatures_delete(signatures)
        mail = Q()
        for address in addresses:
            mail |= Q(to__iexact=address)
        OutboxMessage.objects.filter(mail).delete()
        deleted += signons_delete_for(email_key)
    return deleted


# --- retention ------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    unconfirmed: int
    ip_hashes: int
    mail: int = 0


def privacy_purge(now: datetime | None = None) -> PurgeResult:
    """Delete signatures never confirmed, forget IP hashes and drop mail already sent,
    once each is old enough.

    Unconfirmed signatures count for nothing, and an IP hash only matters while abuse
    is still being looked into; keeping either longer would only be a liability.
    """
    now = now or timezone.now()
    stale = Signature.objects.filter(
        confirmed_at__isnull=True,
        created_at__lt=now - timedelta(days=settings.CLARION_PURGE_UNCONFIRMED_DAYS),
    )
    unconfirmed, _by_model = stale.delete()
    from clarion.letters.services import purge_unconfirmed as purge_letter_signons

    unconfirmed += purge_letter_signons(now)
    ip_hashes = (
        Signature.objects.exclude(ip_hash="")
        .filter(created_at__lt=now - timedelta(days=settings.CLARION_PURGE_IP_DAYS))
        .update(ip_hash="")
    )
    # Mail that went out (or gave up) holds an address and, for confirmations, a live
    # link; once it can no longer be retried there is no reason to keep it.
    mail, _by_model = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED],
        created_at__lt=now - timedelta(days=settings.CLARION_PURGE_MAIL_DAYS),
    ).delete()
    return PurgeResult(unconfirmed=unconfirmed, ip_hashes=ip_hashes, mail=mail)


# --- deadlines and milestones --------------------------------------------------------


def petitions_close_due(now: datetime | None = None) -> int:
    """Close the published petitions whose closing time has passed. Returns how many.

    Signing already stopped at ``closes_at`` (``Petition.can_be_signed``); this makes
    the status say so. The conditional UPDATE lets two workers run it at once.
    """
    now = now or timezone.now()
    return Petition.objects.filter(
        status=Petition.Status.PUBLISHED, closes_at__isnull=False, closes_at__lte=now
    ).update(status=Petition.Status.CLOSED, closed_at=now, updated_at=now)


def next_goal(count: int) -> int:
    """The next round goal above ``count``: 100, 250, 500, 1,000, 2,500, 5,000…"""
    scale = 100
    while True:
        for step in (1, 2.5, 5):
            goal = int(step * scale)
            if goal > count:
                return goal
        scale *= 10


def milestones_record() -> int:
    """Record each goal reached, tell the organisers, and set the next goal.

    The milestone row is unique per petition and goal: written by one INSERT that
    skips an existing row, it is what makes each organiser's email go out once however
    often (or on how many workers) this runs. Returns the milestones recorded.
    """
    reached = (
        Petition.objects.filter(
            status__in=(Petition.Status.PUBLISHED, Petition.Status.CLOSED),
            signature_count__gte=F("signature_goal"),
        )
        .exclude(milestones__goal=F("signature_goal"))
        .only("id", "slug", "title", "signature_goal", "signature_count", "grow_goal")
    )
    recorded = 0
    for petition in reached:
        with transaction.atomic():
            milestone = Milestone(petition=petition, goal=petition.signature_goal)
            if insert_or_skip(milestone, conflict=("petition", "goal")):
                recorded += 1
                _tell_organisers(petition, petition.signature_goal)
            if petition.grow_goal:
                # Conditional: an editor who changed the goal meanwhile keeps theirs.
                Petition.objects.filter(
                    pk=petition.pk, signature_goal=petition.signature_goal
                ).update(
                    signature_goal=next_goal(petition.signature_count),
                    updated_at=timezone.now(),
                )
    return recorded


def _tell_organisers(petition: Petition, goal: int) -> None:
    recipients = petition.organisers.exclude(email="").values_list("pk", "email")
    for user_id, email in recipients:
        outbox_enqueue(
            key=f"milestone:{petition.pk}:{goal}:{user_id}",
            to=email,
            subject=_("Goal reached: %(goal)s signatures for “%(title)s”")
            % {"goal": f"{goal:,}", "title": petition.title},
            body=render_to_string(
                "petitions/email/milestone.txt",
                {
                    "petition": petition,
                    "goal": goal,
                    "petition_url": absolute(petition.get_absolute_url()),
                    "site_name": settings.CLARION_SITE_NAME,
                },
            ),
        )
