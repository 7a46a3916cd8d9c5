"""/my-data/ covers letter sign-ons: organisation contacts and individual signers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clarion.core.models import OutboxMessage
from clarion.letters import selectors
from clarion.letters.models import IndividualSignature, OrganisationSignature
from clarion.privacy.services import privacy_purge

pytestmark = pytest.mark.django_db


def _link(client, address: str) -> str:
    client.post(reverse("privacy:my_data_start"), {"email": address})
    message = OutboxMessage.objects.get(key__startswith="my-data:", to=address)
    token = re.search(r"/my-data/(\S+)/", message.body).group(1)
    return reverse("privacy:my_data", args=[token])


def test_a_contact_sees_downloads_and_deletes_their_letter_data(client, letter, endorse):
    endorse(letter, "Agua Viva", contact_name="Lucía Contact", email="lucia@agua.example.org")
    endorse(letter, "Other Org", email="someone.else@example.org")
    link = _link(client, "lucia@agua.example.org")
    html = client.get(link).content.decode()
    assert "Agua Viva" in html and "Lucía Contact" in html
    assert "Other Org" not in html

    export = client.get(link + "export.json").json()
    assert export["letter_signatures"][0]["organisation"] == "Agua Viva"
    assert export["letter_signatures"][0]["contact_name"] == "Lucía Contact"

    response = client.post(link, {"action": "delete"})
    assert response.status_code == 200
    assert not OrganisationSignature.objects.filter(email_normalised="lucia@agua.example.org")
    assert [o.name for o in selectors.approved_organisations(letter)] == ["Other Org"]
    assert not OutboxMessage.objects.filter(to="lucia@agua.example.org").exists()


def test_an_individual_letter_signer_can_ask_for_their_data(client, letter, sign_letter):
    sign_letter(letter, "Ana Person", email="ana.person@example.net")
    html = client.get(_link(client, "ana.person@example.net")).content.decode()
    assert "Ana Person" in html and letter.title in html


def test_unconfirmed_sign_ons_are_purged_with_signatures(letter, endorse, sign_letter, settings):
    old = endorse(letter, "Never Confirmed", status="pending")
    person = sign_letter(letter, "Never Either", confirm=False)
    kept = endorse(letter, "Confirmed Org")
    long_ago = timezone.now() - timedelta(days=settings.CLARION_PURGE_UNCONFIRMED_DAYS + 1)
    for model, pk in ((OrganisationSignature, old.pk), (OrganisationSignature, kept.pk)):
        model.objects.filter(pk=pk).update(created_at=long_ago)
    IndividualSignature.objects.filter(pk=person.pk).update(created_at=long_ago)
    assert privacy_purge().unconfirmed == 2
    assert list(OrganisationSignature.objects.values_list("name", flat=True)) == ["Confirmed Org"]
    assert not IndividualSignature.objects.exists()
