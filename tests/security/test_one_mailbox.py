"""One mailbox, one signature (issue 14, outcome 6), for petitions and letter sign-ons."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clarion.core.addresses import normalise_email
from clarion.core.models import OutboxMessage
from clarion.letters.models import IndividualSignature
from clarion.petitions.models import Signature

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "written",
    [
        "ana.lopez@gmail.com",
        "AnaLopez@gmail.com",
        "a.n.a.l.o.p.e.z@googlemail.com",
        "analopez+petitions@gmail.com",
        '"analopez"@gmail.com',
        "ANALOPEZ+x.y@GMAIL.COM",
    ],
)
def test_every_way_of_writing_one_gmail_mailbox_is_one_key(written):
    assert normalise_email(written) == "analopez@gmail.com"


def test_plus_tags_are_dropped_but_dots_elsewhere_kept():
    assert normalise_email("ana.lopez+news@example.org") == "ana.lopez@example.org"
    assert normalise_email("ana.lopez@example.org") != normalise_email("analopez@example.org")


@pytest.mark.parametrize(
    "address, says",
    [
        ("ſam@example.org", "plain letters"),  # long s folds into s
        ("\u212aate@example.org", "plain letters"),  # Kelvin sign folds into k
        ("ana@[127.0.0.1]", "domain name"),
        ("ana@[IPv6:::1]", "domain name"),
    ],
)
def test_addresses_that_could_hold_a_second_key_are_refused_clearly(address, says):
    with pytest.raises(ValidationError) as refused:
        normalise_email(address)
    assert says in refused.value.messages[0]


def test_the_sign_form_shows_the_refusal(client, petition):
    response = client.post(
        f"/p/{petition.slug}/sign/",
        {"full_name": "Sam", "email": "ſam@example.org", "country": "GB"},
    )
    assert response.status_code == 400
    assert "plain letters" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_second_way_of_writing_an_address_does_not_sign_twice(client, petition, sign):
    sign(petition, "ana.lopez@gmail.com")
    client.post(
        f"/p/{petition.slug}/sign/",
        {"full_name": "Ana", "email": "analopez+again@googlemail.com", "country": "GB"},
    )
    assert Signature.objects.count() == 1


def _age_links(model) -> None:
    model.objects.update(link_sent_at=timezone.now() - timezone.timedelta(hours=1))


def test_a_resent_link_goes_to_the_address_just_typed(client, petition):
    """Someone signs with a variant of Ana's address; Ana signs later: her link goes to
    the address she typed, and the pending row becomes hers (name, comment and all)."""
    client.post(
        f"/p/{petition.slug}/sign/",
        {
            "full_name": "Not Ana",
            "email": "ana+trap@example.org",
            "country": "GB",
            "comment": "words Ana never wrote",
        },
    )
    _age_links(Signature)
    client.post(
        f"/p/{petition.slug}/sign/",
        {"full_name": "Ana López", "email": "ana@example.org", "country": "ES"},
    )
    latest = OutboxMessage.objects.order_by("-id").first()
    assert latest.to == "ana@example.org"
    signature = Signature.objects.get()
    assert (signature.email, signature.full_name, signature.comment, signature.country.code) == (
        "ana@example.org",
        "Ana López",
        "",
        "ES",
    )
    assert OutboxMessage.objects.filter(to="ana+trap@example.org").count() == 1  # its own only


def test_the_already_signed_note_goes_to_the_address_just_typed(client, petition, sign):
    sign(petition, "ana@example.org")
    client.post(
        f"/p/{petition.slug}/sign/",
        {"full_name": "Ana", "email": "ana+other@example.org", "country": "GB"},
    )
    note = OutboxMessage.objects.order_by("-id").first()
    assert note.key.startswith("already-signed:")
    assert note.to == "ana+other@example.org"


def test_the_same_rules_hold_for_letter_sign_ons(letter, sign_letter, client):
    sign_letter(letter, "Ana", email="ana.lopez@gmail.com")
    response = client.post(
        f"/letters/{letter.slug}/sign/",
        {"full_name": "Ana again", "email": "AnaLopez+x@googlemail.com", "country": "MX"},
    )
    assert response.status_code == 302
    assert IndividualSignature.objects.count() == 1
    refused = client.post(
        f"/letters/{letter.slug}/sign/",
        {"full_name": "Sam", "email": "ſam@example.org", "country": "MX"},
    )
    assert refused.status_code == 400 and "plain letters" in refused.content.decode()
