"""OSDI petitions and signatures (HAL+JSON), read as an OSDI client would: from the
entry point, following links only."""

from __future__ import annotations

import pytest

from clarion.petitions.models import Petition

pytestmark = pytest.mark.django_db

AEP = "/api/osdi/v1/"
HAL = "application/hal+json"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.CLARION_BASE_URL = "http://testserver"


def _get(client, href: str) -> dict:
    assert href.startswith("http://testserver/"), href
    response = client.get(href.removeprefix("http://testserver"))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == HAL
    return response.json()


def _walk(client, href: str, rel: str) -> list[dict]:
    """Every embedded item of a paged collection, following next links."""
    items: list[dict] = []
    while href:
        page = _get(client, href)
        assert page["total_pages"] >= page["page"] >= 1
        assert len(page["_embedded"][rel]) <= page["per_page"]
        assert [link["href"] for link in page["_links"][rel]] == [
            item["_links"]["self"]["href"] for item in page["_embedded"][rel]
        ]
        items += page["_embedded"][rel]
        href = page["_links"].get("next", {}).get("href")
    return items


def test_a_client_finds_every_public_petition_from_the_entry_point(client, make_petition, sign):
    petitions = [make_petition() for _ in range(5)]
    make_petition(title="Hidden draft", status=Petition.Status.DRAFT, published_at=None)
    closed = make_petition(status=Petition.Status.CLOSED)
    sign(petitions[0], "one@example.org")
    aep = _get(client, "http://testserver" + AEP)
    assert aep["osdi_version"].startswith("1.")
    assert aep["_links"]["curies"][0]["name"] == "osdi"
    collection = aep["_links"]["osdi:petitions"]["href"] + "?per_page=2"
    first = _get(client, collection)
    assert (first["total_records"], first["total_pages"], first["page"]) == (6, 3, 1)
    assert "prev" not in first["_links"]
    found = _walk(client, collection, "osdi:petitions")
    assert len(found) == 6
    assert {p["title"] for p in found} == {p.title for p in [*petitions, closed]}
    assert "Hidden draft" not in str(found)
    signed = next(p for p in found if p["identifiers"][0] == f"clarion:{petitions[0].pk}")
    assert signed["total_signatures"] == 1
    assert signed["browser_url"] == f"http://testserver/p/{petitions[0].slug}/"
    assert signed["target"] == [{"name": "Ministry of Water"}]
    assert "Fund the plan." in signed["petition_text"]
    assert signed["created_date"].endswith("Z")
    # The petition's own link gives the same resource.
    assert _get(client, signed["_links"]["self"]["href"]) == signed


def test_signatures_show_only_what_the_petition_page_shows(client, petition, sign):
    sign(
        petition,
        "shown@example.org",
        full_name="Shown Person",
        show_name=True,
        comment="Write to me: shown@example.org",
        country="FR",
    )
    sign(petition, "hidden@example.org", full_name="Hidden Person", comment="Secret words")
    sign(petition, "pending@example.org", full_name="Pending Person", confirm=False)
    resource = _get(client, f"http://testserver{AEP}petitions/{petition.pk}")
    signatures = _walk(client, resource["_links"]["osdi:signatures"]["href"], "osdi:signatures")
    assert len(signatures) == 2
    text = str(signatures)
    assert "@" not in text
    assert "Hidden Person" not in text and "Secret words" not in text
    assert "Pending Person" not in text
    shown = next(s for s in signatures if "comments" in s)
    assert shown["_embedded"]["osdi:person"]["custom_fields"] == {"display_name": "Shown Person"}
    assert shown["_embedded"]["osdi:person"]["postal_addresses"] == [{"country": "FR"}]
    assert "email_addresses" not in shown["_embedded"]["osdi:person"]
    assert shown["comments"] == "Write to me: [email hidden]"
    back = shown["_links"]["osdi:petition"]["href"]
    assert _get(client, back)["title"] == petition.title


def test_it_answers_missing_and_malformed_requests_plainly(client, make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    for path in (f"petitions/{draft.pk}", f"petitions/{draft.pk}/signatures", "petitions/999"):
        response = client.get(AEP + path)
        assert response.status_code == 404
        assert response["Content-Type"] == HAL
    assert client.get(AEP + "petitions?page=zero").status_code == 400
    assert client.get(AEP + "petitions?per_page=1000").status_code == 400
