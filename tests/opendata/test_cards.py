"""Share cards served beside their pages: /p/<slug>/card.png and the others."""

from __future__ import annotations

import pytest

from clarion.petitions.models import Petition

pytestmark = pytest.mark.django_db


def test_a_card_answers_with_an_etag_and_304_when_unchanged(client, petition):
    response = client.get(f"/p/{petition.slug}/card.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    again = client.get(f"/p/{petition.slug}/card.png", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]


def test_a_new_title_makes_a_new_card_at_the_same_address(client, petition):
    before = client.get(f"/p/{petition.slug}/card.png")
    Petition.objects.filter(pk=petition.pk).update(title="Clean the Severn")
    after = client.get(f"/p/{petition.slug}/card.png", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content


def test_no_card_for_what_has_no_public_page(client, make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    assert client.get(f"/p/{draft.slug}/card.png").status_code == 404
    assert client.get("/p/no-such-petition/card.png").status_code == 404
    assert client.get("/letters/no-such-letter/card.png").status_code == 404
    assert client.get("/news/stories/999999/card.png").status_code == 404
    assert client.post("/card.png").status_code == 405
