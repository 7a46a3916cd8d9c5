"""Writing to and draining the outbox.

Web requests only write rows (``outbox_enqueue``, in the transaction of the change the
mail is about); the worker's outbox job drains them every second. A request therefore
never waits on a mail server, and a message is sent only once its cause has committed.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clarion.core import tasks
from clarion.core.db import insert_or_skip
from clarion.delivery.models import Delivery, OutboxMessage
from clarion.petitions.models import Petition, Signature, Update

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from clarion.letters.models import Letter

logger = logging.getLogger("clarion.delivery")

# A message claimed longer ago than this belongs to a sender that died mid-send (its
# lease): SMTP attempts give up after EMAIL_TIMEOUT, far sooner.
STALE_CLAIM = timedelta(minutes=5)
# A delivery goes to a handful of officials, not a mailing list.
MAX_DELIVERY_RECIPIENTS = 50
UNSUBSCRIBE_SALT = "clarion.updates.unsubscribe"


def retry_delay(attempts: int) -> timedelta:
    """How long a message waits after its ``attempts``-th failed attempt.

    One minute, then doubling, at most an hour: a mail server that is down for a
    moment costs a minute, and one down for hours is asked about once an hour, until
    CLARION_MAIL_MAX_ATTEMPTS attempts have failed (by default 12: about six hours).
    """
    return timedelta(seconds=min(3600, 30 * 2**attempts))


def outbox_enqueue(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    attachment: tuple[str, str, bytes] | None = None,
) -> bool:
    """Queue one email. Enqueueing the same key twice keeps the first message.

    Returns True when this call queued it. One INSERT settles both cases, so the
    caller's transaction needs no savepoint and no lookup first (signing calls this).
    ``attachment`` is (file name, content type, content).
    """
    message = OutboxMessage(key=key, to=to, subject=subject, body=body, headers=headers or {})
    if attachment is not None:
        message.attachment_name, message.attachment_type, message.attachment = attachment
    return insert_or_skip(message, conflict=("key",))


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
    try:
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


# --- deliveries to targets -----------------------------------------------------------


class DeliveryError(ValueError):
    """A delivery that can't be made, with a message fit to show the organiser."""


def parse_recipients(text: str) -> list[tuple[str, str]]:
    """Lines of "Name <address>" or a bare address, as (name, address) pairs."""
    recipients = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, address = parseaddr(line)
        try:
            validate_email(address)
        except ValidationError:
            raise DeliveryError(
                _("“%(line)s” is not an email address (write Name <address>).") % {"line": line}
            ) from None
        recipients.append((name.strip() or address, address))
    if not recipients:
        raise DeliveryError(_("Give at least one recipient."))
    if len(recipients) > MAX_DELIVERY_RECIPIENTS:
        raise DeliveryError(
            _("At most %(n)s recipients per delivery.") % {"n": MAX_DELIVERY_RECIPIENTS}
        )
    return recipients


def delivery_create(
    *,
    subject_of: Petition | Letter,
    recipients: list[tuple[str, str]],
    subject: str,
    message: str,
    user: AbstractBaseUser | None,
) -> Delivery:
    """Send a petition or letter to its targets, PDF attached, and record it.

    The PDF is made first (the slow part, outside the transaction); the record and
    one outbox message per recipient are then written together, so a delivery is
    either recorded and on its way to everyone or not at all.
    """
    from clarion.letters import pdf
    from clarion.letters.models import Letter
    from clarion.letters.services import letter_mark_delivered

    is_letter = isinstance(subject_of, Letter)
    if is_letter:
        document, filename = pdf.letter_document(subject_of)
        count = subject_of.organisations.filter(status="approved").count()
    else:
        document, filename = pdf.petition_document(subject_of)
        count = (
            type(subject_of).objects.values_list("signature_count", flat=True).get(pk=subject_of.pk)
        )
    with transaction.atomic():
        delivery = Delivery.objects.create(
            petition=None if is_letter else subject_of,
            letter=subject_of if is_letter else None,
            recipient_names="\n".join(name for name, _address in recipients),
            recipient_emails="\n".join(address for _name, address in recipients),
            subject=subject,
            message=message,
            count=count,
            delivered_by=user if user is not None and user.is_authenticated else None,
        )
        for n, (name, address) in enumerate(recipients):
            outbox_enqueue(
                key=f"delivery:{delivery.pk}:{n}",
                to=formataddr((name, address)) if name != address else address,
                subject=subject,
                body=message,
                attachment=(filename, "application/pdf", document),
            )
        if is_letter:
            letter_mark_delivered(subject_of)
        else:
            type(subject_of).objects.filter(pk=subject_of.pk).update(updated_at=timezone.now())
    return delivery


# --- updates to signers --------------------------------------------------------------


def unsubscribe_token(signature_id: int) -> str:
    return signing.dumps(signature_id, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_signature(token: str) -> Signature | None:
    """The signature a link stands for; None for a link that isn't ours."""
    try:
        signature_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Signature.objects.select_related("petition").filter(pk=signature_id).first()


def unsubscribe(signature: Signature) -> bool:
    """Stop updates to this signer. True if they were subscribed until now."""
    return bool(
        Signature.objects.filter(pk=signature.pk, wants_updates=True).update(wants_updates=False)
    )


def update_publish(update: Update, *, email: bool = True) -> bool:
    """Show the update on the petition page and, with ``email``, start mailing it.

    The worker's ``updates_mail`` sends it to confirmed signers who asked for updates.
    Publishing twice does nothing the second time. Returns True when this call published.
    """
    now = timezone.now()
    with transaction.atomic():
        published = Update.objects.filter(pk=update.pk, published_at__isnull=True).update(
            published_at=now, mailing=Update.Mailing.SENDING if email else ""
        )
        if published:
            # The page is cached by the petition's last edit: move it.
            Petition.objects.filter(pk=update.petition_id).update(updated_at=now)
    return bool(published)


def updates_mail(batch: int = 200) -> int:
    """Queue the emails of every update being mailed, a batch at a time. Returns how many.

    Each batch (outbox rows plus the update's position, ``mailed_up_to``) commits
    together, and each row's key names the update and the signature: a worker that
    dies mid-mailing, or two that run at once, never queue one signer the same update
    twice. The lock only saves them the wasted work.
    """
    queued = 0
    for update_id in Update.objects.filter(mailing=Update.Mailing.SENDING).values_list(
        "pk", flat=True
    ):
        with tasks.lock(f"update-mailing:{update_id}", ttl=120) as held:
            if held is None:
                continue
            while (count := _mail_batch(update_id, batch)) is not None:
                queued += count
                held.renew()
    return queued


@transaction.atomic
def _mail_batch(update_id: int, batch: int) -> int | None:
    """Queue the next batch; None once the update has gone to everyone."""
    update = Update.objects.select_related("petition").get(pk=update_id)
    if update.mailing != Update.Mailing.SENDING:
        return None
    signatures = list(
        update_recipients(update.petition_id)
        .filter(pk__gt=update.mailed_up_to)
        .order_by("pk")
        .only("pk", "full_name", "email", "language")[:batch]
    )
    if not signatures:
        Update.objects.filter(pk=update_id).update(mailing=Update.Mailing.SENT)
        return None
    queued = sum(_queue_update(update, signature) for signature in signatures)
    Update.objects.filter(pk=update_id).update(
        mailed_up_to=signatures[-1].pk, recipients=F("recipients") + queued
    )
    return queued


def update_recipients(petition_id: int) -> QuerySet[Signature]:
    """Who gets a petition's updates: confirmed signers who asked for them."""
    return Signature.objects.filter(
        petition_id=petition_id, confirmed_at__isnull=False, wants_updates=True
    )


def _queue_update(update: Update, signature: Signature) -> bool:
    unsubscribe_url = settings.CLARION_BASE_URL + reverse(
        "delivery:unsubscribe", args=[unsubscribe_token(signature.pk)]
    )
    petition = update.petition
    with translation.override(signature.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "delivery/email/update.txt",
            {
                "update": update,
                "petition": petition,
                "signature": signature,
                "petition_url": settings.CLARION_BASE_URL + petition.get_absolute_url(),
                "unsubscribe_url": unsubscribe_url,
                "site_name": settings.CLARION_SITE_NAME,
            },
        )
        subject = _("Update: %(title)s") % {"title": update.title}
    return outbox_enqueue(
        key=f"update:{update.pk}:{signature.pk}",
        to=signature.email,
        subject=subject,
        body=body,
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
