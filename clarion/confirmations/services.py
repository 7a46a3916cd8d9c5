"""The one confirmation flow, for every kind of email-confirmed action.

1. ``prepare`` gives a new item its link, before any transaction.
2. ``store``, inside the caller's transaction, writes the pending item and queues the
   email in the outbox; when this person did it before, it queues a fresh link (still
   pending) or a note that it is done (at most once an hour) instead. The caller always
   answers "check your email", so the page never tells who signed. The outbox's sender
   writes the email (``compose_mail``), in the language of the request, when it sends
   it: the request only names what to write.
3. Opening the link (``lookup``) changes nothing; the POST behind the page's button
   (``confirm``) confirms, once, with a conditional UPDATE.
4. ``purge_unconfirmed`` forgets what was never confirmed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clarion.confirmations import flows
from clarion.confirmations.flows import Flow
from clarion.confirmations.models import Confirmable
from clarion.core.db import insert_or_skip
from clarion.core.outbox import outbox_enqueue
from clarion.core.tokens import absolute, new_token, token_hash


class ConfirmState(enum.Enum):
    """What a confirmation link stands for."""

    READY = "ready"  # valid and waiting for the person's deliberate click
    CONFIRMED = "confirmed"  # just confirmed by this request
    ALREADY = "already"  # the link was used before
    EXPIRED = "expired"
    CLOSED = "closed"  # what was signed stopped taking signatures first
    TAKEN = "taken"  # another request for the same thing was confirmed first
    INVALID = "invalid"


# The status code of the page a confirmation link opens, by what the link stands for.
CONFIRM_HTTP_STATUS = {
    ConfirmState.READY: 200,
    ConfirmState.CONFIRMED: 200,
    ConfirmState.ALREADY: 200,
    ConfirmState.EXPIRED: 410,
    ConfirmState.CLOSED: 410,
    ConfirmState.TAKEN: 409,
    ConfirmState.INVALID: 404,
}


@dataclass(frozen=True)
class ConfirmResult:
    state: ConfirmState
    item: Confirmable | None = None


@dataclass(frozen=True)
class Prepared:
    item: Confirmable
    token: str


def _words(flow: Flow, item: Confirmable) -> dict[str, str]:
    return {
        "title": flow.title(item),
        "name": flow.signer(item),
        "site": settings.CLARION_SITE_NAME,
        "hours": str(settings.CLARION_CONFIRM_HOURS),
    }


def _paragraphs(texts: tuple, words: dict[str, str]) -> list[str]:
    return [str(text) % words for text in texts if text]


def confirmation_mail(flow: Flow, item: Confirmable, token: str) -> tuple[str, str]:
    """The (subject, body) of the email that carries the link."""
    words = _words(flow, item)
    body = render_to_string(
        "confirmations/email/confirm.txt",
        {
            "before_link": _paragraphs(flow.wording.before_link, words),
            "confirm_url": absolute(flow.confirm_path(token)),
            "after_link": _paragraphs((*flow.wording.after_link, flow.wording.note), words),
            "hours": settings.CLARION_CONFIRM_HOURS,
            "site_name": settings.CLARION_SITE_NAME,
            "subject_url": absolute(flow.subject_url(item)),
        },
    )
    return str(flow.wording.subject) % words, body


def already_mail(flow: Flow, item: Confirmable) -> tuple[str, str]:
    """The (subject, body) of the note that says it is done already."""
    words = _words(flow, item)
    body = render_to_string(
        "confirmations/email/already.txt",
        {
            "paragraphs": _paragraphs(flow.wording.already_mail, words),
            "site_name": settings.CLARION_SITE_NAME,
            "subject_url": absolute(flow.subject_url(item)),
        },
    )
    return str(flow.wording.already_subject) % words, body


def prepare(flow: Flow, item: Confirmable) -> Prepared:
    """Give a new ``item`` its link (done before the caller's transaction)."""
    token, hashed, expires = new_token()
    item.token_hash, item.token_expires_at = hashed, expires
    item.link_sent_at = timezone.now()
    return Prepared(item, token)


# The outbox composer that writes this flow's emails (registered by the app's ready()).
COMPOSER = "confirmations"


def _queue(flow: Flow, key: str, to: str, item: Confirmable, token: str = "") -> None:
    # Capped per recipient: a form anyone can fill in must not become a way to flood a
    # mailbox (CLARION_MAIL_PER_ADDRESS_PER_DAY). With a token the email carries the
    # link; without, it says the action is done already.
    args = {"kind": flow.kind, "item": item.pk, "token": token}
    args["language"] = translation.get_language() or settings.LANGUAGE_CODE
    outbox_enqueue(key=key, to=to, capped=True, composer=COMPOSER, composer_args=args)


def compose_mail(args: dict) -> tuple[str, str] | None:
    """Write a queued email of the flow: the link, or the note that it is done.

    None when the item is gone (forgotten, or purged unconfirmed): nothing to send.
    """
    flow = flows.get(args.get("kind", ""))
    if flow is None:
        return None
    item = flow.model.objects.select_related(flow.parent).filter(pk=args.get("item")).first()
    if item is None:
        return None
    with translation.override(args.get("language") or settings.LANGUAGE_CODE):
        if args.get("token"):
            return confirmation_mail(flow, item, args["token"])
        return already_mail(flow, item)


def _unchanged_fields(item: Confirmable) -> set[str]:
    """What a fresh request never overwrites in an earlier pending one."""
    return {item._meta.pk.name, "created_at", "confirmed_at"}


def store(flow: Flow, prepared: Prepared) -> Confirmable:
    """Write the pending item, or find this person's earlier one, and queue the email.

    Call it inside a transaction: the outbox row commits with the item. One statement
    either writes the item or finds the row that holds its ``flow.conflict`` fields.
    Every email goes to the address just typed, never to one stored by an earlier
    request: only the mailbox that typed it can confirm. Returns the row that stands
    for the person's action, new or earlier.
    """
    item = prepared.item
    if insert_or_skip(item, conflict=flow.conflict):
        key = f"{flow.key_prefix}:{item.pk}:{item.token_hash[:16]}"
        _queue(flow, key, item.email, item, prepared.token)
        return item
    same = {name: getattr(item, item._meta.get_field(name).attname) for name in flow.conflict}
    existing = flow.model.objects.select_related(flow.parent).get(**same)
    now = timezone.now()
    if existing.is_confirmed:
        # One note per item per hour, however often the form is sent again.
        key = f"{flow.already_key_prefix}:{existing.pk}:{now:%Y%m%d%H}"
        _queue(flow, key, item.email, existing)
        return existing
    resend_after = timedelta(minutes=settings.CLARION_CONFIRM_RESEND_MINUTES)
    if existing.link_sent_at is not None and now - existing.link_sent_at < resend_after:
        return existing  # the link went out moments ago; the page still says "check"
    # Still pending: this request replaces the earlier one whole (what was typed, and
    # the link), since only the mailbox that confirms decides what is signed.
    keep = _unchanged_fields(existing)
    for field in existing._meta.concrete_fields:
        if field.name not in keep:
            setattr(existing, field.attname, getattr(item, field.attname))
    existing.save()
    key = f"{flow.key_prefix}:{existing.pk}:{item.token_hash[:16]}"
    _queue(flow, key, item.email, existing, prepared.token)
    return existing


def lookup(kind: str, token: str) -> ConfirmResult:
    """What a confirmation link stands for, without changing anything."""
    flow = flows.get(kind)
    if flow is None or not token or len(token) > 100:
        return ConfirmResult(ConfirmState.INVALID)
    item = (
        flow.model.objects.select_related(flow.parent).filter(token_hash=token_hash(token)).first()
    )
    if item is None:
        return ConfirmResult(ConfirmState.INVALID)
    if item.is_confirmed:
        return ConfirmResult(ConfirmState.ALREADY, item)
    if item.token_expires_at <= timezone.now():
        return ConfirmResult(ConfirmState.EXPIRED, item)
    if not flow.is_open(item):
        return ConfirmResult(ConfirmState.CLOSED, item)
    if flow.taken(item):
        return ConfirmResult(ConfirmState.TAKEN, item)
    return ConfirmResult(ConfirmState.READY, item)


@transaction.atomic
def confirm(kind: str, token: str) -> ConfirmResult:
    """Confirm the item behind ``token`` if the link is still good.

    The conditional UPDATE makes a double click or two racing requests confirm once:
    only one of them sees a row to change.
    """
    result = lookup(kind, token)
    if result.state is not ConfirmState.READY or result.item is None:
        return result
    flow = flows.get(kind)
    assert flow is not None  # lookup found the item through it
    item = result.item
    extra = flow.confirmed_fields()
    try:
        with transaction.atomic():
            changed = flow.model.objects.filter(pk=item.pk, confirmed_at__isnull=True).update(
                confirmed_at=timezone.now(), **extra
            )
    except IntegrityError:
        # A constraint says another request won the race (an organisation's name).
        return ConfirmResult(ConfirmState.TAKEN, item)
    if not changed:
        return ConfirmResult(ConfirmState.ALREADY, item)
    item.refresh_from_db(fields=["confirmed_at", *extra])
    flow.on_confirmed(item)
    return ConfirmResult(ConfirmState.CONFIRMED, item)


def purge_unconfirmed(flow: Flow, cutoff: datetime) -> int:
    """Delete the flow's items never confirmed and created before ``cutoff``."""
    deleted, _by_model = flow.model.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return deleted
