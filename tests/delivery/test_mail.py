"""Mail over real SMTP: an aiosmtpd server on loopback receives what Clarion sends."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from clarion.delivery.models import OutboxMessage
from clarion.delivery.services import outbox_drain
from clarion.petitions.models import Signature
from tests.conftest import confirm_token_from

pytestmark = pytest.mark.django_db

FORM = {"full_name": "Ana Example", "email": "ana@example.org", "country": "MX"}


class Inbox:
    """An aiosmtpd handler that keeps every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        return "250 OK"

    def body(self, index: int = -1) -> str:
        return self.messages[index].get_body(preferencelist=("plain",)).get_content()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port() -> int:
    return _free_port()


@pytest.fixture
def mail_settings(settings, smtp_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 3
    settings.CLARION_MAIL_OUTBOX_ONLY = False
    return settings


def _start(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def inbox(mail_settings, smtp_port) -> Iterator[Inbox]:
    controller, inbox = _start(smtp_port)
    yield inbox
    controller.stop()


def _sign(client, petition, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/p/{petition.slug}/sign/", {**FORM, **overrides})


def test_it_mails_a_link_that_confirms_only_on_the_button(
    client, petition, inbox, django_capture_on_commit_callbacks
):
    response = _sign(client, petition, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == f"/p/{petition.slug}/thanks/"

    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "ana@example.org"
    assert petition.title in message["Subject"]
    token = confirm_token_from(inbox.body())

    # Opening the link (as a mail scanner would) confirms nothing.
    page = client.get(f"/confirm/{token}/")
    assert page.status_code == 200
    assert "Confirm my signature" in page.content.decode()
    petition.refresh_from_db()
    assert petition.signature_count == 0

    confirmed = client.post(f"/confirm/{token}/", follow=True)
    assert confirmed.redirect_chain[0][0].startswith(petition.get_absolute_url())
    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert "<strong>1</strong>" in confirmed.content.decode()


def test_signing_again_mails_a_notice_and_the_page_does_not_tell(
    client, petition, inbox, django_capture_on_commit_callbacks
):
    first = _sign(client, petition, django_capture_on_commit_callbacks)
    token = confirm_token_from(inbox.body())
    client.post(f"/confirm/{token}/")
    second = _sign(client, petition, django_capture_on_commit_callbacks, email="Ana@Example.org")

    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert len(inbox.messages) == 2
    assert "already signed" in inbox.body(-1)
    assert "/confirm/" not in inbox.body(-1)
    assert Signature.objects.count() == 1


def test_a_down_mail_server_loses_nothing_and_sends_once(
    client, petition, mail_settings, smtp_port, django_capture_on_commit_callbacks
):
    # Nothing listens on the port yet: the sign request must still succeed.
    response = _sign(client, petition, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1 and message.last_error

    controller, inbox = _start(smtp_port)
    try:
        OutboxMessage.objects.update(next_attempt_at=message.created_at)  # retry is due now
        assert outbox_drain() == 1
        assert outbox_drain() == 0
        deadline = time.monotonic() + 5
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
