"""The outbox service: idempotent enqueueing, claim-once sending, retries and giving up."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from clarion.core import outbox as services
from clarion.core.models import OutboxMessage
from clarion.core.outbox import STALE_CLAIM, outbox_drain, outbox_enqueue, outbox_send

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def _closed_port() -> int:
    """A loopback port nobody listens on: bound once by us, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def real_transport(settings):
    """Mail really goes through Django's backend (the locmem one pytest-django installs)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CLARION_MAIL_OUTBOX_ONLY = False
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def broken_transport(settings):
    """SMTP pointed at a closed loopback port: every send fails at connect."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    settings.CLARION_MAIL_OUTBOX_ONLY = False
    return settings


def _enqueue(key: str = "k1", to: str = "ana@example.org") -> OutboxMessage:
    assert outbox_enqueue(key=key, to=to, subject="Hello", body="Hello, Ana.")
    return OutboxMessage.objects.get(key=key)


def _make_due(message: OutboxMessage) -> None:
    """Pretend the back-off delay has passed."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_it_keeps_one_row_when_the_same_key_is_enqueued_twice():
    _enqueue()
    queued = outbox_enqueue(key="k1", to="someone@example.org", subject="Other", body="Other")

    assert queued is False
    assert OutboxMessage.objects.count() == 1
    kept = OutboxMessage.objects.get()
    assert (kept.to, kept.subject, kept.body) == ("ana@example.org", "Hello", "Hello, Ana.")
    assert kept.status == Status.PENDING and kept.attempts == 0


def test_it_keeps_one_row_per_key_for_different_keys():
    _enqueue("k1")
    _enqueue("k2")
    assert OutboxMessage.objects.count() == 2


def test_it_sends_once_when_outbox_send_is_called_twice(real_transport):
    message = _enqueue()

    assert outbox_send(message.pk) is True
    assert outbox_send(message.pk) is False

    assert len(real_transport) == 1
    sent = real_transport[0]
    assert sent.to == ["ana@example.org"]
    assert sent.subject == "Hello"
    assert sent.extra_headers["X-Clarion-Message"] == "k1"
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.last_error == ""


def test_it_does_not_send_a_message_someone_else_has_claimed(real_transport):
    message = _enqueue()
    # Another sender claimed it a moment ago and is still talking to the mail server.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now()
    )

    assert outbox_send(message.pk) is False
    assert outbox_drain() == 0
    assert real_transport == []
    message.refresh_from_db()
    assert message.status == Status.SENDING


def test_it_leaves_the_message_pending_when_the_transport_fails(broken_transport):
    message = _enqueue()
    before = timezone.now()

    assert outbox_send(message.pk) is False

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert message.last_error  # e.g. "ConnectionRefusedError: [Errno 111] Connection refused"
    assert message.next_attempt_at > before
    assert message.next_attempt_at > timezone.now()
    assert message.claimed_at is None
    assert message.sent_at is None
    # Not due yet, so a drain straight away leaves it alone.
    assert outbox_drain() == 0
    message.refresh_from_db()
    assert message.attempts == 1


def test_it_backs_off_longer_after_each_failure(broken_transport):
    message = _enqueue()
    delays = []
    for _ in range(3):
        _make_due(message)
        started = timezone.now()
        outbox_send(message.pk)
        message.refresh_from_db()
        delays.append(message.next_attempt_at - started)
    assert delays[0] < delays[1] < delays[2]
    assert message.attempts == 3


def test_it_picks_up_a_stale_claim_in_drain(real_transport):
    message = _enqueue()
    # A sender claimed it and died before recording the outcome.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING,
        claimed_at=timezone.now() - STALE_CLAIM - timedelta(seconds=30),
    )

    assert outbox_drain() == 1

    assert len(real_transport) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert outbox_drain() == 0
    assert len(real_transport) == 1


def test_it_leaves_a_claim_younger_than_five_minutes_alone(real_transport):
    message = _enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(minutes=4)
    )
    assert outbox_drain() == 0
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=6)
    )
    assert outbox_drain() == 1
    assert len(real_transport) == 1


def test_it_does_not_let_a_late_sender_undo_the_sender_that_took_over(real_transport, monkeypatch):
    """A sender that outlives its claim must not overwrite what the new owner recorded.

    Sender A claims the message and hangs; after STALE_CLAIM sender B takes over and
    sends it. When A finally gives up with an error, the message must stay sent:
    marking it pending again would mail the signer a second time.
    """
    message = _enqueue()
    real_deliver = services._deliver
    calls = []

    def slow_then_broken(msg):
        calls.append(msg.pk)
        if len(calls) == 1:
            # While A is stuck, its claim goes stale and B (a drain) takes over.
            OutboxMessage.objects.filter(pk=msg.pk).update(
                claimed_at=timezone.now() - STALE_CLAIM - timedelta(seconds=1)
            )
            assert outbox_drain() == 1
            raise TimeoutError("timed out")
        real_deliver(msg)

    monkeypatch.setattr(services, "_deliver", slow_then_broken)
    outbox_send(message.pk)

    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.last_error == ""
    assert len(real_transport) == 1
    _make_due(message)
    assert outbox_drain() == 0
    assert len(real_transport) == 1


def test_it_drains_due_messages_oldest_first_and_respects_the_limit(real_transport):
    for n in range(3):
        message = _enqueue(f"k{n}", to=f"person{n}@example.org")
        OutboxMessage.objects.filter(pk=message.pk).update(
            next_attempt_at=timezone.now() - timedelta(minutes=10 - n)
        )

    assert outbox_drain(limit=2) == 2
    assert [m.to for m in real_transport] == [["person0@example.org"], ["person1@example.org"]]
    assert outbox_drain() == 1
    assert len(real_transport) == 3


def test_it_marks_the_message_failed_after_max_attempts(broken_transport):
    MAX_ATTEMPTS = broken_transport.CLARION_MAIL_MAX_ATTEMPTS
    message = _enqueue()

    for attempt in range(1, MAX_ATTEMPTS + 1):
        _make_due(message)
        assert outbox_drain() == 0  # tried, but nothing went out
        message.refresh_from_db()
        assert message.attempts == attempt
        expected = Status.FAILED if attempt == MAX_ATTEMPTS else Status.PENDING
        assert message.status == expected, f"after attempt {attempt}"

    assert message.last_error
    # A failed message is never picked up again, however long one waits.
    _make_due(message)
    assert outbox_drain() == 0
    assert outbox_send(message.pk) is False
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert message.attempts == MAX_ATTEMPTS


def test_a_queued_message_waits_for_the_drain_and_a_rolled_back_one_is_gone(real_transport):
    with transaction.atomic():
        _enqueue("committed")
    # Queueing never sends: the worker's drain does, after the change committed.
    assert real_transport == []

    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue("rolled-back")
        raise RuntimeError("the signature failed")
    assert not OutboxMessage.objects.filter(key="rolled-back").exists()

    assert outbox_drain() == 1
    assert [m.extra_headers["X-Clarion-Message"] for m in real_transport] == ["committed"]


def test_the_development_outbox_shows_mail_before_and_after_the_worker_sends_it(
    client, petition, settings
):
    settings.DEBUG = True
    settings.CLARION_MAIL_OUTBOX_ONLY = True  # EMAIL_URL=outbox://
    form = {"full_name": "Ana Example", "email": "ana@example.org", "country": "GB"}
    assert client.post(f"/p/{petition.slug}/sign/", form).status_code == 302

    message = OutboxMessage.objects.get()
    assert message.status == Status.PENDING  # signing queued it; the worker sends it
    page = client.get("/dev/outbox/")
    assert page.status_code == 200
    assert "Please confirm your signature" in page.content.decode()

    assert outbox_drain() == 1  # outbox:// "sends" by keeping the message readable
    message.refresh_from_db()
    assert message.status == Status.SENT
    detail = client.get(f"/dev/outbox/{message.pk}/").content.decode()
    assert "/confirm/" in detail
