"""The outbox: every email Clarion sends is first a row here.

Web requests only write rows (``outbox_enqueue``, in the transaction of the change the
mail is about); the worker's outbox job drains them every second. A request therefore
never waits on a mail server, and a message is sent only once its cause has committed.

The busiest mail (a confirmation link for every signature) is not even written by the
request: it queues the name of a composer and its arguments, and the sender writes the
message just before sending it (``register_composer``, ``compose``). Rendering it was
about an eighth of a signing request's CPU.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from clarion.core.addresses import normalise_email
from clarion.core.db import insert_or_skip
from clarion.core.models import OutboxMessage

logger = logging.getLogger("clarion.outbox")

# A message claimed longer ago than this belongs to a sender that died mid-send (its
# lease): SMTP attempts give up after EMAIL_TIMEOUT, far sooner.
STALE_CLAIM = timedelta(minutes=5)


def retry_delay(attempts: int) -> timedelta:
    """How long a message waits after its ``attempts``-th failed attempt.

    One minute, then doubling, at most an hour: a mail server that is down for a
    moment costs a minute, and one down for hours is asked about once an hour, until
    CLARION_MAIL_MAX_ATTEMPTS attempts have failed (by default 12: about six hours).
    """
    return timedelta(seconds=min(3600, 30 * 2**attempts))


# A composer writes a message's (subject, body) from its arguments, or answers None
# when what the message was about is gone (then nothing is sent).
Composer = Callable[[dict], "tuple[str, str] | None"]
_composers: dict[str, Composer] = {}


def register_composer(name: str, composer: Composer) -> None:
    """Make ``composer`` write the messages queued with ``composer=name`` (from an app's
    AppConfig.ready(): core can't know the apps above it)."""
    _composers[name] = composer


def compose(message: OutboxMessage) -> tuple[str, str] | None:
    """The message's (subject, body): as queued, or as its composer writes it now."""
    if not message.composer:
        return message.subject, message.body
    composer = _composers.get(message.composer)
    if composer is None:
        raise LookupError(f"no outbox composer is registered as {message.composer!r}")
    return composer(message.composer_args)


def outbox_enqueue(
    *,
    key: str,
    to: str,
    subject: str = "",
    body: str = "",
    headers: dict[str, str] | None = None,
    attachment: tuple[str, str, bytes] | None = None,
    capped: bool = False,
    composer: str = "",
    composer_args: dict | None = None,
) -> bool:
    """Queue one email. Enqueueing the same key twice keeps the first message.

    Returns True when this call queued it. One INSERT settles both cases, so the
    caller's transaction needs no savepoint and no lookup first (signing calls this).
    ``attachment`` is (file name, content type, content). ``capped`` mail (what anyone
    can make the site send by filling in a form) goes to one address at most
    CLARION_MAIL_PER_ADDRESS_PER_DAY times a day; past that it is dropped. With
    ``composer``, the sender writes subject and body from ``composer_args`` (JSON).
    """
    if bool(composer) == bool(subject or body):
        raise ValueError("a message needs either its subject and body or a composer")
    message = OutboxMessage(
        key=key,
        to=to,
        to_key=_address_key(to),
        subject=subject,
        body=body,
        headers=headers or {},
        capped=capped,
        composer=composer,
        composer_args=composer_args or {},
    )
    if attachment is not None:
        message.attachment_name, message.attachment_type, message.attachment = attachment
    return insert_or_skip(message, conflict=("key",))


def _address_key(to: str) -> str:
    """The mailbox ``to`` reaches, as signatures key it: the daily cap counts mailboxes,
    so ``ana+1@`` ... ``ana+40@`` on forty petitions is one mailbox, capped once."""
    address = (parseaddr(to)[1] or to).strip()
    try:
        return normalise_email(address)[:254]
    except ValidationError:
        # Forms refuse such addresses before anything is queued; staff mail may not.
        return address.lower()[:254]


def _over_daily_cap(message: OutboxMessage) -> bool:
    limit = settings.CLARION_MAIL_PER_ADDRESS_PER_DAY
    if not message.capped or limit <= 0:
        return False
    sent = OutboxMessage.objects.filter(
        capped=True,
        to_key=message.to_key,
        status=OutboxMessage.Status.SENT,
        sent_at__gte=timezone.now() - timedelta(days=1),
    )
    return sent.count() >= limit


def _claim(message_id: int) -> datetime | None:
    """Claim the message for this sender; returns the claim's time, or None if not ours."""
    now = timezone.now()
    claimable = Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    claimed = OutboxMessage.objects.filter(claimable, pk=message_id).update(
        status=OutboxMessage.Status.SENDING, claimed_at=now
    )
    return now if claimed == 1 else None


def outbox_send(message_id: int) -> bool:
    """Send one message if nobody else is sending it. Returns True when it went out."""
    claimed_at = _claim(message_id)
    if claimed_at is None:
        return False
    # The outcome is recorded only while the claim is still ours: a sender that
    # outlived STALE_CLAIM has been replaced, and the new owner records the outcome.
    ours = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.SENDING, claimed_at=claimed_at
    )
    message = OutboxMessage.objects.get(pk=message_id)
    if _over_daily_cap(message):
        ours.update(status=OutboxMessage.Status.DROPPED, last_error="daily cap for this address")
        logger.info("outbox message %s dropped: daily cap for its address", message_id)
        return False
    try:
        # A composer that fails (its database away for a moment) is retried as a mail
        # server that fails is.
        if message.composer and not _write(message, ours):
            return False
        _deliver(message)
    except Exception as exc:  # any transport error: record it and retry later
        attempts = message.attempts + 1
        # Given up: the message stays in the outbox, FAILED with its last error, for an
        # operator to see in admin and send again once the cause is fixed.
        failed = attempts >= settings.CLARION_MAIL_MAX_ATTEMPTS
        ours.update(
            status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
            attempts=attempts,
            next_attempt_at=timezone.now() + retry_delay(attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:1000],
            claimed_at=None,
        )
        logger.warning("outbox message %s not sent (attempt %s): %s", message_id, attempts, exc)
        return False
    ours.update(
        status=OutboxMessage.Status.SENT,
        attempts=message.attempts + 1,
        sent_at=timezone.now(),
        last_error="",
    )
    return True


def _write(message: OutboxMessage, ours) -> bool:
    """Have the composer write ``message``, and keep what it wrote on the row (for the
    outbox page, the admin, and a retry). False when there is nothing to send."""
    composed = compose(message)
    if composed is None:
        ours.update(status=OutboxMessage.Status.DROPPED, last_error="what it was about is gone")
        logger.info("outbox message %s dropped: what it was about is gone", message.pk)
        return False
    message.subject, message.body = composed
    message.composer = ""
    ours.update(subject=message.subject[:300], body=message.body, composer="")
    return True


def message_id(message: OutboxMessage) -> str:
    """The Message-ID of ``message``: the same on every attempt to send it.

    Exactly-once delivery over SMTP is impossible: when the server has taken the
    message but the sender dies (or the connection drops) before it hears "250" or
    before it records SENT, the message is claimed again once the claim goes stale and
    sent a second time. A stable Message-ID makes that rare duplicate harmless: mail
    clients and many servers fold messages with one Message-ID into one, and anyone
    can see it is the same message.
    """
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:20]
    domain = urlsplit(settings.CLARION_BASE_URL).hostname or "localhost"
    return f"<clarion.{message.pk}.{digest}@{domain}>"


def _deliver(message: OutboxMessage) -> None:
    if settings.CLARION_MAIL_OUTBOX_ONLY:
        # Development default: the message stays readable on the outbox page.
        return
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={
            "Auto-Submitted": "auto-generated",
            **message.headers,
            "X-Clarion-Message": message.key,
            "Message-ID": message_id(message),
        },
        connection=connection,
    )
    if message.attachment is not None:
        email.attach(message.attachment_name, bytes(message.attachment), message.attachment_type)
    email.send()


def outbox_retry(message_ids: list[int]) -> int:
    """Send given-up (FAILED) messages again: due now, with a fresh set of attempts."""
    return OutboxMessage.objects.filter(
        pk__in=message_ids, status=OutboxMessage.Status.FAILED
    ).update(
        status=OutboxMessage.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_at=None,
    )


def outbox_drain(limit: int = 100) -> int:
    """Send every due message, oldest first. Returns how many went out.

    Several drains may run at once (two workers, or a slow drain overlapping the next
    second's): each message is claimed before it is sent, so none goes out twice.
    """
    now = timezone.now()
    due = OutboxMessage.objects.filter(
        Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    ).order_by("next_attempt_at", "id")
    sent = 0
    for message_id in due.values_list("pk", flat=True)[:limit]:
        sent += outbox_send(message_id)
    return sent


def outbox_drain_all(batch: int = 100, budget: float = 60.0) -> int:
    """Drain the outbox in batches until a batch comes back short (or ``budget`` s pass).

    A burst of signatures is sent as fast as the mail server takes it instead of one
    batch a second; the budget lets the worker's lane look at the schedule now and then.
    """
    sent = 0
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        went = outbox_drain(limit=batch)
        sent += went
        if went < batch:
            break
    return sent
