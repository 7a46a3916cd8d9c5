"""Delivering a petition or letter to its targets (delivery.admin, delivery.services)."""

import io

import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from clarion.core.outbox import outbox_drain_all as send_mail
from clarion.delivery.models import Delivery
from clarion.petitions.models import TargetResponse
from tests.core.test_smtp import smtp  # noqa: F401 - a real SMTP server on loopback

pytestmark = pytest.mark.django_db

RECIPIENTS = "Minister of Water <minister@water.example.gov>\nclerk@council.example.gov"


def _staff(name: str):
    return get_user_model().objects.create_user(
        name, f"{name}@example.org", f"pw-{name}-1", is_staff=True
    )


@pytest.fixture
def owner(petition):
    user = _staff("owner")
    petition.organisers.add(user)
    return user


@pytest.fixture
def member(db):
    return _staff("member")


def _deliver_url(kind: str, pk: int) -> str:
    return f"/admin/delivery/delivery/deliver/{kind}/{pk}/"


def _form(**overrides) -> dict:
    return {
        "recipients": RECIPIENTS,
        "subject": "Our petition on the river",
        "message": "Please find attached the petition and its signatures.",
        **overrides,
    }


def test_an_organiser_delivers_with_the_pdf_and_the_page_records_it(
    client,
    petition,
    sign,
    owner,
    smtp,  # noqa: F811
):
    sign(petition, "a@example.org")
    sign(petition, "b@example.org")
    client.force_login(owner)

    response = client.post(_deliver_url("petition", petition.pk), _form())

    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert (delivery.count, delivery.petition_id, delivery.delivered_by) == (2, petition.pk, owner)
    send_mail()
    sent = [r for r in smtp.received if r.message["Subject"] == "Our petition on the river"]
    assert sorted(r.rcpt_tos[0] for r in sent) == [
        "clerk@council.example.gov",
        "minister@water.example.gov",
    ]
    attachment = next(sent[0].message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.get_content())).pages)
    assert petition.title in text

    client.logout()
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "Minister of Water" in page
    assert "with 2 signatures" in page
    assert "minister@water.example.gov" not in page


def test_others_cannot_deliver(client, petition, member, outsider):
    client.force_login(member)
    assert client.post(_deliver_url("petition", petition.pk), _form()).status_code == 403

    client.force_login(outsider)
    response = client.post(_deliver_url("petition", petition.pk), _form())
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Delivery.objects.exists()


def test_a_bad_recipient_is_named_and_nothing_is_sent(client, petition, owner):
    client.force_login(owner)

    response = client.post(
        _deliver_url("petition", petition.pk), _form(recipients="Minister <not an address>")
    )

    assert response.status_code == 200
    assert "is not an email address" in response.content.decode()
    assert not Delivery.objects.exists()


def test_responses_and_the_outcome_are_shown_on_the_page(client, petition):
    TargetResponse.objects.create(
        petition=petition,
        responder="Ministry of Water",
        responded_on="2026-11-20",
        text="We will review the **discharge permits**.",
        source_url="https://water.example.gov/statement",
    )
    petition.outcome = "partial"
    petition.outcome_note = "Two of the three demands were met."
    petition.save()

    page = client.get(petition.get_absolute_url()).content.decode()

    assert "Partial victory" in page
    assert "Two of the three demands were met." in page
    assert "<strong>discharge permits</strong>" in page
    assert 'href="https://water.example.gov/statement"' in page


def test_an_editor_delivers_a_letter_which_is_then_marked_delivered(
    client,
    letter,
    endorse,
    moderator,
    smtp,  # noqa: F811
):
    endorse(letter, "Agua Viva")
    endorse(letter, "Red de Ríos (RR)")
    endorse(letter, "Waiting Org", status="confirmed")
    client.force_login(moderator)

    client.post(
        _deliver_url("letter", letter.pk),
        _form(recipients="Secretaría del Agua <titular@agua.example.gob>"),
    )

    letter.refresh_from_db()
    assert letter.status == "delivered"
    delivery = Delivery.objects.get()
    assert (delivery.letter_id, delivery.count) == (letter.pk, 2)
    send_mail()
    mail = next(r for r in smtp.received if r.rcpt_tos == ["titular@agua.example.gob"])
    pdf = next(mail.message.iter_attachments()).get_content()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Agua Viva" in text and "Waiting Org" not in text
    client.logout()
    page = client.get(letter.get_absolute_url()).content.decode()
    assert "Secretaría del Agua" in page and "with 2 signatories" in page
    assert "titular@agua.example.gob" not in page
