"""Every write to petitions and signatures goes through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from clarion.confirmations import services as confirmations
from clarion.core import ratelimit
from clarion.core.addresses import normalise_email
from clarion.core.db import insert_or_skip
from clarion.core.http import hash_ip
from clarion.core.outbox import outbox_enqueue
from clarion.core.tokens import absolute
from clarion.petitions import abuse, search
from clarion.petitions import tasks as petition_tasks
from clarion.petitions.counts import refresh_counts
from clarion.petitions.flows import SIGNATURE
from clarion.petitions.models import Demand, Milestone, Petition, RejectionReason, Signature


class SignatureError(ValidationError):
    """A signature that can't be taken, with a message fit to show the signer."""


# Signing through the API or the embedded widget is limited per address per hour.
SIGN_WINDOW = 60 * 60


def sign_rate_limit(ip: str | None, scope: str) -> int:
    """Count one signing attempt from this address; seconds to wait, or 0 if allowed.

    Signing through the API (or the embedded widget) carries no cookie, so CSRF has
    nothing to protect there; what stops a script from flooding the outbox is this
    per-address limit, and the emailed confirmation stops it from signing for anyone.
    """
    return ratelimit.hit_ip(f"sign:{scope}", ip, settings.CLARION_SIGN_API_PER_HOUR, SIGN_WINDOW)


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
    contact_by_organiser: bool = False
    # The ?source= tag of the link the signer came by (petitions.sources), or "".
    source: str = ""


def signature_create(
    *,
    petition: Petition,
    data: SignatureInput,
    ip: str | None = None,
    language: str = "en",
    from_form: bool = False,
) -> Signature:
    """Take a signature and email the signer (the shared flow of clarion.confirmations).

    The caller learns nothing about whether this email had signed before: the
    answer to show is always "check your email". A new address gets a pending
    signature and a confirmation link; a pending one gets a fresh link; a
    confirmed one gets a note that it has already signed. ``from_form``: taken by the
    site's own form, whose signatures from one address past CLARION_SIGN_FORM_PER_HOUR
    are held (the API and the widget refuse theirs with 429 before this).
    """
    if not petition.can_be_signed:
        raise SignatureError(_("This petition is closed and no longer takes signatures."))
    email_key = normalise_email(data.email)
    prepared = confirmations.prepare(
        SIGNATURE,
        Signature(
            petition=petition,
            full_name=data.full_name,
            email=data.email.strip(),
            email_normalised=email_key,
            country=data.country,
            postcode=data.postcode,
            comment=data.comment,
            show_name=data.show_name,
            wants_updates=data.wants_updates,
            contact_by_organiser=data.contact_by_organiser,
            source=data.source,
            language=language,
            ip_hash=hash_ip(ip),
        ),
    )

    def assess() -> abuse.Verdict:
        # Held or clear; the signer is told the same either way (see petitions.abuse).
        return abuse.assess(
            petition=petition,
            email_key=email_key,
            ip=ip,
            honeypot=data.honeypot,
            per_hour_from_ip=settings.CLARION_SIGN_FORM_PER_HOUR if from_form else 0,
        )

    if connection.vendor != "sqlite":
        # Before the transaction, so a rate-limit row that one busy source keeps hot is
        # locked for its own statement only, not for the whole signing.
        verdict = assess()
        with transaction.atomic():
            return _signature_store(prepared, verdict)
    # SQLite has one writer at a time whatever the rows: the rate-limit hit and the
    # signature in one transaction take one turn in the write queue instead of two.
    with transaction.atomic():
        return _signature_store(prepared, assess())


def _signature_store(prepared: confirmations.Prepared, verdict: abuse.Verdict) -> Signature:
    for field, value in verdict.signature_fields().items():
        setattr(prepared.item, field, value)
    return confirmations.store(SIGNATURE, prepared)


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
    if petition.status != Petition.Status.PUBLISHED:
        raise ValidationError(_("Only a published petition can be closed."))
    now = timezone.now()
    petition.status = Petition.Status.CLOSED
    petition.closed_at = now
    petition.updated_at = now
    petition.save(update_fields=["status", "closed_at", "updated_at"])
    return petition


@transaction.atomic
def petition_reject(
    petition: Petition,
    *,
    reason: RejectionReason,
    note: str = "",
    duplicate_of: Petition | None = None,
) -> Petition:
    """Turn a petition down before publication, with the reason its page will show.

    Conditional on the status it was read in, so two moderators deciding at once
    can't both act: the second gets a ValidationError.
    """
    if petition.status not in (Petition.Status.COLLECTING, Petition.Status.MODERATION):
        raise ValidationError(_("Only a petition awaiting publication can be rejected."))
    if duplicate_of is not None and (duplicate_of.pk == petition.pk or not duplicate_of.is_public):
        raise ValidationError(_("A duplicate must point to another, published petition."))
    now = timezone.now()
    changed = Petition.objects.filter(pk=petition.pk, status=petition.status).update(
        status=Petition.Status.REJECTED,
        rejection_reason=reason,
        rejection_note=note,
        rejected_at=now,
        duplicate_of=duplicate_of,
        updated_at=now,
    )
    if not changed:
        raise ValidationError(_("Someone else decided on this petition first."))
    petition.refresh_from_db()
    # Never public, so never findable; the index row (if any) must say so too.
    search.index_petition(petition)
    return petition


@transaction.atomic
def petition_set_text(
    petition: Petition, *, title: str, goal: str, narrative: str, demands: list[str]
) -> Petition:
    """Replace the petition's own words (a correction, or its creator's edit before
    moderation) and its demands, and re-index it."""
    petition.title, petition.goal, petition.narrative = title, goal, narrative
    petition.updated_at = timezone.now()
    petition.save(update_fields=["title", "goal", "narrative", "updated_at"])
    petition.demands.all().delete()
    Demand.objects.bulk_create(
        Demand(petition=petition, position=n, text=text) for n, text in enumerate(demands, 1)
    )
    search.index_petition(petition)
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
        petition_tasks.recount.enqueue(petition_ids=petition_ids)
    return deleted


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
