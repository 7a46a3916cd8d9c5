"""Signing with real SMTP on loopback: an aiosmtpd server receives what Clarion sends.

Signing only writes the message to the outbox; the worker's outbox job sends it. The
tests drain the outbox where the worker would, and one runs a real worker.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from clarion.core.jobs import discover as discover_jobs
from clarion.core.models import OutboxMessage
from clarion.core.outbox import outbox_drain
from clarion.core.worker import Worker
from clarion.petitions.models import Signature
from tests.conftest import fold

pytestmark = pytest.mark.django_db

FORM = {
    "full_name": "Ana Example",
    "email": "ana@example.org",
    "country": "GB",
    "postcode": "SE1 7PB",
    "comment": "For the river.",
    "show_name": "on",
    "wants_updates": "",
}
CONFIRM_LINK = re.compile(r"https?://\S+/confirm/[A-Za-z0-9_\-]+/")
COUNT = re.compile(r'id="count".*?<strong>([\d,]+)</strong>', re.DOTALL)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


@dataclass
class Collector:
    """aiosmtpd handler: keeps every envelope it is handed, after ``delay`` seconds."""

    received: list[Received] = field(default_factory=list)
    delay: float = 0.0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """An SMTP server on a fixed loopback port that a test can stop and start again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.collector = Collector()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.collector.received

    def start(self) -> None:
        assert self._controller is None
        self._controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings) -> Iterator[SMTPServer]:
    server = SMTPServer(_free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 3
    settings.CLARION_MAIL_OUTBOX_ONLY = False
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _sign(client, petition, **overrides):
    return client.post(f"/p/{petition.slug}/sign/", {**FORM, **overrides})


def _sign_and_deliver(client, petition, **overrides):
    """Sign, then let the worker's outbox job send what signing queued."""
    response = _sign(client, petition, **overrides)
    outbox_drain()
    return response


def _confirm(client, path: str, **kwargs):
    """Press the confirm button, then let the worker fold the count."""
    response = client.post(path, **kwargs)
    fold()
    return response


def _confirm_path(received: Received) -> str:
    match = CONFIRM_LINK.search(received.text)
    assert match, f"no confirmation link in:\n{received.text}"
    return urlsplit(match.group(0)).path


def _shown_count(client, petition) -> int:
    page = client.get(petition.get_absolute_url())
    assert page.status_code == 200
    match = COUNT.search(page.content.decode())
    assert match, "no count on the petition page"
    return int(match.group(1).replace(",", ""))


def test_it_mails_a_link_that_confirms_only_on_the_button(client, petition, smtp):
    response = _sign_and_deliver(client, petition)

    assert response.status_code == 302
    assert response["Location"] == f"/p/{petition.slug}/thanks/"
    assert len(smtp.received) == 1
    received = smtp.received[0]
    assert received.rcpt_tos == ["ana@example.org"]
    assert received.message["To"] == "ana@example.org"
    assert petition.title in received.message["Subject"]
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT

    path = _confirm_path(received)
    # Opening the link, as a mail scanner would, shows the button and counts nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my signature" in page.content.decode()
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 0
    assert Signature.objects.get().confirmed_at is None

    confirmed = _confirm(client, path)
    assert confirmed.status_code == 302
    assert urlsplit(confirmed["Location"]).path == petition.get_absolute_url()
    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert _shown_count(client, petition) == 1

    # The link works once; a second press changes nothing.
    again = _confirm(client, path)
    assert again.status_code == 200
    assert "Already confirmed" in again.content.decode()
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_it_mails_an_already_signed_notice_without_the_page_telling(client, petition, smtp):
    first = _sign_and_deliver(client, petition)
    _confirm(client, _confirm_path(smtp.received[0]), follow=True)  # shows its success message
    first_page = client.get(first["Location"])

    second = _sign_and_deliver(client, petition, email="Ana@Example.org")

    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    assert client.get(second["Location"]).content == first_page.content
    assert len(smtp.received) == 2
    notice = smtp.received[1]
    # To the address as typed this time: only its mailbox hears about the signature.
    assert notice.rcpt_tos == ["Ana@Example.org"]
    assert "already signed" in notice.text
    assert "already signed" in notice.message["Subject"]
    assert not CONFIRM_LINK.search(notice.text)
    assert Signature.objects.count() == 1
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_it_mails_a_fresh_link_when_a_pending_signer_signs_again(client, petition, smtp, settings):
    settings.CLARION_CONFIRM_RESEND_MINUTES = 0  # the resend limit is tested in tests/security
    _sign_and_deliver(client, petition)
    _sign_and_deliver(client, petition)

    assert len(smtp.received) == 2
    old, new = (_confirm_path(r) for r in smtp.received)
    assert old != new
    assert client.get(old).status_code == 404  # replaced by the newer link
    assert _confirm(client, new).status_code == 302
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_signing_never_waits_on_a_down_server_and_the_mail_goes_once_it_is_back(
    client, petition, smtp
):
    smtp.stop()

    response = _sign(client, petition)

    assert response.status_code == 302
    assert response["Location"] == f"/p/{petition.slug}/thanks/"
    # The request only queued the message: nobody has tried to send it yet.
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 0
    assert smtp.received == []

    # The worker tries while the server is down: the message waits, with backoff.
    assert outbox_drain() == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at > timezone.now()

    smtp.start()
    # Nothing is due until the back-off passes ...
    assert outbox_drain() == 0
    assert smtp.received == []
    # ... so let that time pass.
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert outbox_drain() == 1
    assert outbox_drain() == 0

    assert len(smtp.received) == 1
    assert smtp.received[0].rcpt_tos == ["ana@example.org"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    # The late mail still confirms.
    assert _confirm(client, _confirm_path(smtp.received[0])).status_code == 302
    petition.refresh_from_db()
    assert petition.signature_count == 1


def _wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_a_slow_server_does_not_slow_signing_and_a_running_worker_mails_once(
    client, petition, smtp, settings
):
    # Each message takes the server three seconds to accept.
    smtp.collector.delay = 3.0
    settings.EMAIL_TIMEOUT = 10

    started = time.monotonic()
    response = _sign(client, petition)
    took = time.monotonic() - started

    assert response.status_code == 302
    assert took < 2.0, f"signing took {took:.2f}s: it waited on the mail server"
    assert smtp.received == []
    assert OutboxMessage.objects.get().attempts == 0

    # Two workers, as `make run` starts one and an operator may add more.
    jobs = [job for job in discover_jobs(1) if job.name in ("outbox", "counts")]
    workers = [Worker(jobs, name=f"test-worker-{n}") for n in range(2)]
    threads = [thread for worker in workers for thread in worker.start()]
    try:
        assert _wait_for(lambda: len(smtp.received) == 1), "the worker sent nothing"
        assert _wait_for(lambda: OutboxMessage.objects.get().status == OutboxMessage.Status.SENT)
        # Give a duplicate every chance to show up.
        time.sleep(1.5)
    finally:
        for worker in workers:
            worker.stop()
        for thread in threads:
            thread.join(timeout=15)
    assert len(smtp.received) == 1
    assert smtp.received[0].rcpt_tos == ["ana@example.org"]
    assert OutboxMessage.objects.get().attempts == 1
