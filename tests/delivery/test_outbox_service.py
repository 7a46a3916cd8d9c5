from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clarion.delivery.models import OutboxMessage
from clarion.delivery.services import MAX_ATTEMPTS, outbox_drain, outbox_enqueue, outbox_send

pytestmark = pytest.mark.django_db


def _message(key: str = "k1") -> OutboxMessage:
    return outbox_enqueue(key=key, to="ana@example.org", subject="Hi", body="Hello")


def test_it_enqueues_a_key_once():
    first = _message()
    again = outbox_enqueue(key="k1", to="other@example.org", subject="X", body="Y")
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1


def test_it_sends_a_message_once_however_often_asked():
    message = _message()
    assert outbox_send(message.pk) is True
    assert outbox_send(message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.attempts == 1


def test_it_leaves_a_claimed_message_to_its_sender():
    message = _message()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_at=timezone.now()
    )
    assert outbox_drain() == 0


def test_it_takes_over_a_message_whose_sender_died():
    message = _message()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_at=timezone.now() - timedelta(minutes=6)
    )
    assert outbox_drain() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_it_backs_off_and_finally_gives_up(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard port: nothing listens
    settings.EMAIL_TIMEOUT = 1
    settings.CLARION_MAIL_OUTBOX_ONLY = False
    message = _message()
    assert outbox_send(message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1 and message.last_error
    assert message.next_attempt_at > timezone.now()
    assert outbox_drain() == 0  # not due yet
    for _ in range(MAX_ATTEMPTS - 1):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_send(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == MAX_ATTEMPTS
