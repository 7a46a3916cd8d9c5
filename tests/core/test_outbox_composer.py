"""Mail the sender writes: a signing request queues what to write, not the email."""

from __future__ import annotations

import pytest
from django.core import mail

from clarion.core.models import OutboxMessage
from clarion.core.outbox import outbox_drain, outbox_enqueue
from clarion.petitions.models import PetitionTranslation, Signature

Status = OutboxMessage.Status


@pytest.fixture
def sent(settings) -> list:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CLARION_MAIL_OUTBOX_ONLY = False
    mail.outbox = []
    return mail.outbox


def _sign(client, path: str, email: str) -> None:
    data = {"full_name": "Ana López", "email": email, "country": "MX"}
    assert client.post(f"{path}sign/", data).status_code == 302


def test_the_request_queues_the_confirmation_and_the_sender_writes_it(client, petition, sent):
    PetitionTranslation.objects.create(petition=petition, language="es", title="Limpien el río")
    _sign(client, f"/es{petition.get_absolute_url()}", "ana@example.org")
    queued = OutboxMessage.objects.get()
    # Nothing rendered by the request, and the signer's address only where it goes.
    assert (queued.subject, queued.body) == ("", "")
    assert queued.composer and "ana@example.org" not in str(queued.composer_args)

    assert outbox_drain() == 1
    (email,) = sent
    # Written in the language the person signed in, with the link that confirms.
    assert email.to == ["ana@example.org"]
    assert email.subject == "Confirma tu firma: Limpien el río"
    assert "/es/confirm/" in email.body and "Hola, Ana López" in email.body
    queued.refresh_from_db()
    # Kept as sent, for the outbox page and the admin.
    assert (queued.status, queued.subject, queued.body) == (Status.SENT, email.subject, email.body)
    assert queued.composer == ""


def test_nothing_is_sent_for_a_signature_forgotten_before_its_email(client, petition, sent):
    _sign(client, petition.get_absolute_url(), "ana@example.org")
    Signature.objects.all().delete()
    assert outbox_drain() == 0
    assert sent == []
    message = OutboxMessage.objects.get()
    assert (message.status, message.last_error) == (Status.DROPPED, "what it was about is gone")


def test_the_dev_outbox_shows_the_email_as_it_will_be_sent(
    client, petition, settings, admin_client
):
    settings.CLARION_MAIL_OUTBOX_ONLY = True
    _sign(client, petition.get_absolute_url(), "ana@example.org")
    message = OutboxMessage.objects.get()
    listing = admin_client.get("/dev/outbox/").content.decode()
    assert f"Please confirm your signature: {petition.title}" in listing
    page = admin_client.get(f"/dev/outbox/{message.pk}/").content.decode()
    assert "/confirm/" in page


def test_a_message_has_its_words_or_a_composer_never_both():
    with pytest.raises(ValueError):
        outbox_enqueue(key="k", to="a@example.org", subject="Hi", body="Hi.", composer="x")
    with pytest.raises(ValueError):
        outbox_enqueue(key="k", to="a@example.org")
