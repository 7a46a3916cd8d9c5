from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from clarion.petitions.models import Signature
from clarion.petitions.services import SignatureInput, petition_close, signature_create
from tests.conftest import fold, issued_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(petition):
    signature = signature_create(
        petition=petition,
        data=SignatureInput(full_name="Ana Example", email="ana@example.org", country="GB"),
    )
    return signature, issued_token(signature)


def _url(token: str) -> str:
    return f"/confirm/{token}/"


def test_opening_the_link_only_shows_a_button(client, pending, petition):
    signature, token = pending
    response = client.get(_url(token))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Confirm my signature" in body
    assert 'method="post"' in body
    signature.refresh_from_db()
    assert signature.confirmed_at is None
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 0


def test_pressing_the_button_confirms_and_the_count_follows(client, pending, petition):
    _signature, token = pending
    response = client.post(_url(token), follow=True)
    assert response.redirect_chain[-1][0].startswith(petition.get_absolute_url())
    body = response.content.decode()
    assert "Your signature is confirmed" in body
    # The worker folds the confirmation into the count within about a second.
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 1
    assert "<strong>1</strong>" in client.get(petition.get_absolute_url()).content.decode()


def test_the_button_needs_csrf(pending, petition):
    _signature, token = pending
    response = Client(enforce_csrf_checks=True).post(_url(token))
    assert response.status_code == 403
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 0


def test_a_used_link_says_so(client, pending, petition):
    _signature, token = pending
    client.post(_url(token))
    again = client.get(_url(token))
    assert again.status_code == 200
    assert "Already confirmed" in again.content.decode()
    assert client.post(_url(token)).status_code == 200
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_an_expired_link_says_so(client, pending, petition):
    signature, token = pending
    Signature.objects.filter(pk=signature.pk).update(
        token_expires_at=timezone.now() - timedelta(minutes=1)
    )
    for response in (client.get(_url(token)), client.post(_url(token))):
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 0


def test_a_link_for_a_closed_petition_says_so(client, pending, petition):
    _signature, token = pending
    petition_close(petition)
    response = client.post(_url(token))
    assert response.status_code == 410
    assert "closed" in response.content.decode()


def test_a_made_up_link_is_a_clear_404(client, db):
    response = client.get(_url("made-up-token"))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
