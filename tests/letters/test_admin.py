"""Moderators approve and reject confirmed sign-ons in bulk from the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clarion.letters import selectors
from clarion.letters.models import OrganisationSignature, SignOnStatus

pytestmark = pytest.mark.django_db


def _act(client, action: str, signons) -> None:
    response = client.post(
        reverse("admin:letters_organisationsignature_changelist"),
        {"action": action, "_selected_action": [s.pk for s in signons]},
    )
    assert response.status_code == 302


def test_moderators_approve_and_reject_in_bulk(client, moderator, letter, endorse):
    first = endorse(letter, "First Org", status="confirmed")
    second = endorse(letter, "Second Org", status="confirmed")
    unconfirmed = endorse(letter, "Unconfirmed Org", status="pending")
    client.force_login(moderator)
    page = client.get(reverse("admin:letters_organisationsignature_changelist"))
    assert b"First Org" in page.content and b"contact" in page.content

    _act(client, "approve", [first, second, unconfirmed])
    assert [o.name for o in selectors.approved_organisations(letter)] == ["First Org", "Second Org"]
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == SignOnStatus.PENDING

    _act(client, "reject", [second])
    assert [o.name for o in selectors.approved_organisations(letter)] == ["First Org"]
    assert OrganisationSignature.objects.get(pk=second.pk).status == SignOnStatus.REJECTED


def test_the_letter_admin_pages_open(client, moderator, letter):
    client.force_login(moderator)
    assert client.get(reverse("admin:letters_letter_change", args=[letter.pk])).status_code == 200
    assert client.get(reverse("admin:letters_letter_add")).status_code == 200
