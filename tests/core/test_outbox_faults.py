"""Mail survives a mail server that is down or refusing, and a worker killed mid-send.

The SMTP server is a real aiosmtpd on loopback that a test makes refuse (451, "try
again later") or stall; the worker of the last test is a real `clarion worker` process
killed with SIGKILL while the server holds its message.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from clarion.core.models import OutboxMessage
from clarion.core.outbox import STALE_CLAIM, message_id, outbox_drain, retry_delay
from tests.core.test_smtp import FORM, Collector, Received, SMTPServer, _free_port
from tests.processes import start_worker, wait_for

Status = OutboxMessage.Status


class Moody(Collector):
    """Refuses with 451 while ``refusing``; stalls the first message while ``stalling``."""

    def __init__(self) -> None:
        super().__init__()
        self.refusing = False
        self.stall_first = False
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.stall_first and len(self.received) == 1:
            # The server has the message but has not said "250" yet: if the sender
            # dies now, it cannot know the message arrived.
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"


@pytest.fixture
def moody(settings) -> Iterator[SMTPServer]:
    server = SMTPServer(_free_port())
    server.collector = Moody()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.CLARION_MAIL_OUTBOX_ONLY = False
    server.start()
    try:
        yield server
    finally:
        server.collector.release.set()
        server.stop()


def _make_due() -> None:
    """Pretend the back-off has passed for every waiting message."""
    OutboxMessage.objects.filter(status=Status.PENDING).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def _sign(client, petition, email_address: str) -> None:
    response = client.post(f"/p/{petition.slug}/sign/", {**FORM, "email": email_address})
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_retries_a_refusing_server_on_a_growing_schedule_and_sends_each_once(
    client, petition, moody
):
    moody.collector.refusing = True
    _sign(client, petition, "ana@example.org")
    _sign(client, petition, "ben@example.org")

    waits = []
    for attempt in range(1, 5):
        _make_due()
        before = timezone.now()
        assert outbox_drain() == 0
        after = timezone.now()
        for message in OutboxMessage.objects.all():
            # Kept, waiting, with the server's answer on record.
            assert (message.status, message.attempts) == (Status.PENDING, attempt)
            assert "451" in message.last_error
            delay = retry_delay(attempt)
            assert before + delay <= message.next_attempt_at <= after + delay
        waits.append(retry_delay(attempt))
    assert waits == sorted(waits) and len(set(waits)) == len(waits)  # it grows
    assert moody.collector.refused == 2 * 4

    # The server is back, but nothing is sent before its time comes ...
    moody.collector.refusing = False
    assert outbox_drain() == 0
    assert moody.received == []
    # ... and when it does, each message goes once.
    _make_due()
    assert outbox_drain() == 2
    _make_due()
    assert outbox_drain() == 0
    assert sorted(r.rcpt_tos[0] for r in moody.received) == ["ana@example.org", "ben@example.org"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db
def test_it_gives_up_keeps_the_message_in_admin_and_sends_it_again_on_request(
    client, petition, moody, moderator, settings
):
    settings.CLARION_MAIL_MAX_ATTEMPTS = 3
    moody.collector.refusing = True
    _sign(client, petition, "ana@example.org")
    for _attempt in range(3):
        _make_due()
        outbox_drain()
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    # Given up means kept aside, never tried again by itself.
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(days=1))
    assert outbox_drain() == 0
    assert moody.collector.refused == 3

    client.force_login(moderator)
    page = client.get("/admin/core/outboxmessage/", {"status__exact": "failed"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "ana@example.org" in text and "451" in text

    moody.collector.refusing = False
    response = client.post(
        "/admin/core/outboxmessage/",
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    assert outbox_drain() == 1
    assert outbox_drain() == 0
    assert [r.rcpt_tos for r in moody.received] == [["ana@example.org"]]
    message.refresh_from_db()
    assert message.status == Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_worker_died_mid_send_goes_again_after_its_claim_with_one_id(
    client, petition, moody, tmp_path
):
    moody.collector.stall_first = True
    _sign(client, petition, "ana@example.org")
    message = OutboxMessage.objects.get()
    env = {"EMAIL_URL": f"smtp://127.0.0.1:{moody.port}", "EMAIL_TIMEOUT": "120"}
    worker = start_worker(tmp_path, **env)
    try:
        assert wait_for(moody.collector.stalled.is_set, timeout=60), worker.tail()
        worker.kill()
    finally:
        worker.kill()
    moody.collector.release.set()

    # The server has the message; the worker died before it heard "250" and could
    # record it. The message is still claimed by the dead worker ...
    message.refresh_from_db()
    assert message.status == Status.SENDING
    assert message.sent_at is None
    # ... and no sender takes it while that claim is young: it might be a slow one.
    assert outbox_drain() == 0
    assert len(moody.received) == 1

    # Once the claim runs out, a new worker sends it again, once.
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - STALE_CLAIM - timedelta(seconds=1)
    )
    worker = start_worker(tmp_path, "worker-2.log", **env)
    try:
        assert wait_for(
            lambda: OutboxMessage.objects.get(pk=message.pk).status == Status.SENT, timeout=60
        ), worker.tail()
    finally:
        worker.stop()
    message.refresh_from_db()
    assert message.attempts == 1
    assert outbox_drain() == 0
    # The unavoidable duplicate (SMTP cannot tell "taken" from "lost" here) carries the
    # same Message-ID, so mail clients fold it into one and it is plain to see.
    assert len(moody.received) == 2
    ids = {r.message["Message-ID"] for r in moody.received}
    assert ids == {message_id(message)}
    assert {r.message["X-Clarion-Message"] for r in moody.received} == {message.key}
