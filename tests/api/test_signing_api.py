"""POST /api/v1/petitions/<slug>/signatures, and the counts by country and categories."""

from __future__ import annotations

import pytest

from clarion.confirmations.services import confirm as confirm_link
from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition, Signature
from tests.conftest import confirm_token_from, fold, written

pytestmark = pytest.mark.django_db

BODY = {
    "full_name": "Bea Signer",
    "email": "bea@example.org",
    "country": "fr",
    "postcode": "75001",
    "comment": "For the river.",
    "show_name": True,
}


def _sign(client, slug: str, body: dict | None = None, **extra):
    return client.post(
        f"/api/v1/petitions/{slug}/signatures",
        body if body is not None else BODY,
        content_type="application/json",
        **extra,
    )


def test_it_takes_a_signature_and_emails_a_link_that_confirms_it(client, petition):
    response = _sign(client, petition.slug)
    assert response.status_code == 202, response.content
    assert "email" in response.json()["detail"]
    assert "bea@example.org" not in response.content.decode()
    signature = Signature.objects.get(petition=petition)
    assert (signature.full_name, signature.country.code, signature.show_name) == (
        "Bea Signer",
        "FR",
        True,
    )
    assert signature.confirmed_at is None
    message = written(OutboxMessage.objects.get(to="bea@example.org"))
    confirm_link("signature", confirm_token_from(message.body))
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_it_answers_the_same_whether_or_not_the_address_had_signed(client, petition, sign):
    sign(petition, "bea@example.org")
    first = _sign(client, petition.slug, {**BODY, "email": "new@example.org"})
    again = _sign(client, petition.slug)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert Signature.objects.filter(petition=petition).count() == 2


def test_it_refuses_what_the_form_refuses_and_names_the_field(client, petition):
    response = _sign(client, petition.slug, {**BODY, "comment": "Mail me at x@example.com"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["comment"]
    response = _sign(client, petition.slug, {**BODY, "country": "XX"})
    assert response.status_code == 400
    assert "country" in response.json()["errors"]
    response = _sign(client, petition.slug, {**BODY, "full_name": "<b>Bea</b>"})
    assert "full_name" in response.json()["errors"]
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_it_refuses_a_body_without_the_required_fields(client, petition):
    response = _sign(client, petition.slug, {"email": "bea@example.org"})
    assert response.status_code == 422
    assert not Signature.objects.exists()


def test_it_refuses_closed_petitions_and_hides_drafts(client, make_petition):
    closed = make_petition(status=Petition.Status.CLOSED)
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    assert _sign(client, closed.slug).status_code == 409
    assert _sign(client, draft.slug).status_code == 404
    assert _sign(client, "no-such-petition").status_code == 404
    assert not Signature.objects.exists()


def test_it_needs_no_csrf_token(petition):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert _sign(strict, petition.slug).status_code == 202


def test_it_limits_signing_per_address_with_retry_after(client, petition, settings):
    settings.CLARION_SIGN_API_PER_HOUR = 2
    for n in range(2):
        assert (
            _sign(client, petition.slug, {**BODY, "email": f"s{n}@example.org"}).status_code == 202
        )
    response = _sign(client, petition.slug, {**BODY, "email": "s3@example.org"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert Signature.objects.count() == 2
    # Another address is not held back by the first one's limit.
    other = _sign(
        client, petition.slug, {**BODY, "email": "s4@example.org"}, REMOTE_ADDR="192.0.2.99"
    )
    assert other.status_code == 202


def test_it_counts_confirmed_signatures_by_country(client, petition, sign):
    sign(petition, "a@example.org", country="FR")
    sign(petition, "b@example.org", country="FR")
    sign(petition, "c@example.org", country="MX")
    sign(petition, "d@example.org", country="DE", confirm=False)
    response = client.get(f"/api/v1/petitions/{petition.slug}/countries")
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 3
    assert [(r["country"], r["count"]) for r in data["results"]] == [("FR", 2), ("MX", 1)]
    assert data["results"][0]["name"] == "France"
    assert "@" not in response.content.decode()
    assert client.get("/api/v1/petitions/nope/countries").status_code == 404


def test_it_lists_categories_with_their_public_petitions(client, category, make_petition):
    make_petition(categories=[category])
    make_petition(categories=[category], status=Petition.Status.DRAFT, published_at=None)
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    [item] = [c for c in response.json()["results"] if c["slug"] == "climate"]
    assert (item["slug"], item["petition_count"]) == ("climate", 1)
    assert item["url"].endswith("/categories/climate/")
