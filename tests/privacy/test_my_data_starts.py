"""A creator's "my data" covers the petitions they started: shown, downloaded, and
forgotten (an unpublished one deleted, a published one kept without them)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from clarion.campaigns.models import OrganiserLink, PetitionStart
from clarion.campaigns.services import moderation_approve, organiser_token
from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition
from tests.campaigns.helpers import CREATOR, start_and_confirm

pytestmark = pytest.mark.django_db


def _my_data(email: str) -> str:
    Client().post(reverse("privacy:my_data_start"), {"email": email})
    message = OutboxMessage.objects.filter(key__startswith="my-data:", to=email).get()
    return re.search(r"https?://\S+(/my-data/\S+/)", message.body).group(1)


def test_a_creator_sees_downloads_and_forgets_a_published_petition(client, category):
    petition = start_and_confirm(client, category)
    moderation_approve(petition)
    organiser_token(CREATOR)  # a sign-in link, as the dashboard would email
    link = _my_data(CREATOR)

    page = Client().get(link).content.decode()
    assert "Petitions you started" in page and petition.title in page and CREATOR in page
    exported = json.loads(Client().get(link + "export.json").content)
    assert exported["other"][0]["kind"] == "petition-start"
    assert petition.title in exported["other"][0].values()

    assert Client().post(link, {"action": "delete"}).status_code == 200
    # The published petition stays for its signers; its creator is gone from it.
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PUBLISHED
    start = PetitionStart.objects.get(petition=petition)
    assert start.full_name == "" and CREATOR not in (start.email, start.email_normalised)
    assert not OrganiserLink.objects.filter(email_key=CREATOR.lower()).exists()
    assert not OutboxMessage.objects.filter(to__iexact=CREATOR).exists()
    # Asked again, the address has nothing left.
    Client().post(reverse("privacy:my_data_start"), {"email": CREATOR})
    assert not OutboxMessage.objects.filter(key__startswith="my-data:", to=CREATOR).exists()


def test_an_unpublished_petition_is_deleted_with_its_creator(client, category):
    petition = start_and_confirm(client, category)
    link = _my_data(CREATOR)
    assert Client().post(link, {"action": "delete"}).status_code == 200
    assert not Petition.objects.filter(pk=petition.pk).exists()
    assert not PetitionStart.objects.exists()


def test_in_spanish_the_section_is_spanish(client, category):
    start_and_confirm(client, category)
    link = _my_data(CREATOR)
    assert "Peticiones que iniciaste" in Client().get("/es" + link).content.decode()
