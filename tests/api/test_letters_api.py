"""/api/v1/letters: public letters and their public signatories, nothing private."""

from __future__ import annotations

import pytest

from clarion.letters.models import Letter

pytestmark = pytest.mark.django_db


def test_it_lists_public_letters_with_filters(client, make_letter, endorse, category):
    climate = category
    open_letter = make_letter(title="Open one", countries=["MX"])
    open_letter.categories.add(climate)
    endorse(open_letter, "Agua Viva")
    make_letter(title="Closed one", status=Letter.Status.CLOSED, countries=["FR"])
    make_letter(title="Draft one", status=Letter.Status.DRAFT, published_at=None)

    data = client.get("/api/v1/letters").json()
    assert data["count"] == 2
    assert {item["title"] for item in data["results"]} == {"Open one", "Closed one"}

    only_open = client.get("/api/v1/letters?status=open").json()["results"]
    assert [item["title"] for item in only_open] == ["Open one"]
    assert only_open[0]["organisation_count"] == 1
    assert [
        item["title"] for item in client.get("/api/v1/letters?country=fr").json()["results"]
    ] == ["Closed one"]
    by_category = client.get("/api/v1/letters?category=climate").json()["results"]
    assert [item["title"] for item in by_category] == ["Open one"]
    assert client.get("/api/v1/letters?status=draft").status_code == 422
    assert client.get("/api/v1/letters?country=MEX").status_code == 422


def test_it_pages_the_list(client, make_letter):
    for _ in range(3):
        make_letter()
    data = client.get("/api/v1/letters?per_page=2").json()
    assert data["pages"] == 2 and len(data["results"]) == 2 and data["next"]


def test_one_letter_has_its_public_signatories_only(client, letter, endorse, sign_letter):
    endorse(
        letter,
        "Riverwatch Alliance",
        acronym="RWA",
        name_other_language="Alianza Vigilancia de Ríos",
        website="https://riverwatch.example.org",
        country="US",
        email="private.contact@riverwatch.example.org",
        contact_name="Private Contact",
    )
    endorse(letter, "Waiting Org", status="confirmed")
    sign_letter(letter, "Ana Person", affiliation="hydrologist", email="ana@example.net")
    response = client.get(f"/api/v1/letters/{letter.slug}")
    assert response.status_code == 200
    data = response.json()
    assert data["addressees"][0] == {
        "name": "Rosa Quintero",
        "title": "Minister of Water",
        "country": "MX",
        "translations": [],
    }
    assert data["translations"][0]["language"] == "es"
    assert data["organisations"] == [
        {
            "name": "Riverwatch Alliance",
            "acronym": "RWA",
            "name_other_language": "Alianza Vigilancia de Ríos",
            "country": "US",
            "website": "https://riverwatch.example.org",
        }
    ]
    assert data["individuals"] == [
        {"name": "Ana Person", "affiliation": "hydrologist", "country": "GT"}
    ]
    body = response.content.decode()
    assert "private.contact" not in body and "Private Contact" not in body
    assert "ana@example.net" not in body


def test_a_draft_letter_is_not_in_the_api(client, make_letter):
    draft = make_letter(status=Letter.Status.DRAFT, published_at=None)
    assert client.get(f"/api/v1/letters/{draft.slug}").status_code == 404
