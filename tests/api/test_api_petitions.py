from __future__ import annotations

import zoneinfo
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clarion.petitions.models import Category, Petition

pytestmark = pytest.mark.django_db

LIST = "/api/v1/petitions"


def test_it_lists_public_petitions_newest_first(client, make_petition):
    utc = zoneinfo.ZoneInfo("UTC")
    older = make_petition(title="Older", published_at=datetime(2026, 1, 1, tzinfo=utc))
    newer = make_petition(title="Newer", published_at=datetime(2026, 3, 1, tzinfo=utc))
    closed = make_petition(
        title="Closed one",
        status=Petition.Status.CLOSED,
        published_at=datetime(2026, 2, 1, tzinfo=utc),
    )
    make_petition(title="Draft one", status=Petition.Status.DRAFT, published_at=None)
    data = client.get(LIST).json()
    assert data["count"] == 3
    assert [p["slug"] for p in data["results"]] == [newer.slug, closed.slug, older.slug]


def test_it_shows_drafts_to_staff_only(client, make_petition, moderator, outsider):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    response = client.get(LIST, {"status": "draft"})
    assert response.status_code == 403
    assert "staff" in response.json()["detail"]
    client.force_login(outsider)
    assert client.get(LIST, {"status": "draft"}).status_code == 403
    assert client.get(f"{LIST}/{draft.slug}").status_code == 404
    client.force_login(moderator)
    data = client.get(LIST, {"status": "draft"}).json()
    assert [p["slug"] for p in data["results"]] == [draft.slug]
    assert client.get(f"{LIST}/{draft.slug}").status_code == 200


def test_it_paginates_with_links(client, make_petition, settings):
    for n in range(5):
        make_petition(title=f"P{n}")
    first = client.get(LIST, {"per_page": 2}).json()
    assert (first["count"], first["page"], first["pages"]) == (5, 1, 3)
    assert first["previous"] is None
    assert first["next"].startswith(settings.CLARION_BASE_URL + "/api/v1/petitions?")
    assert "page=2" in first["next"] and "per_page=2" in first["next"]
    last = client.get(LIST, {"per_page": 2, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None and "page=2" in last["previous"]


@pytest.mark.parametrize(
    "params",
    [{"per_page": 0}, {"per_page": 101}, {"page": 0}, {"country": "MEX"}],
)
def test_it_refuses_bad_parameters_clearly(client, db, params):
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("params", [{"page": "two"}, {"status": "secret"}])
def test_it_refuses_malformed_parameters(client, db, params):
    response = client.get(LIST, params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_it_searches_with_ranking_and_filters(client, make_petition, category):
    housing = Category.objects.create(name="Housing", slug="housing")
    body_only = make_petition(
        title="Open the pools", narrative="The drought is here.", categories=[category]
    )
    in_title = make_petition(title="Drought relief now", categories=[category])
    make_petition(title="Drought housing", categories=[housing], countries=["MX"])
    data = client.get(LIST, {"q": "drought", "category": "climate"}).json()
    assert [p["slug"] for p in data["results"]] == [in_title.slug, body_only.slug]
    assert data["count"] == 2
    mx = client.get(LIST, {"q": "drought", "country": "mx"}).json()
    assert [p["title"] for p in mx["results"]] == ["Drought housing"]


def test_it_filters_by_category_country_and_status(client, make_petition, category):
    a = make_petition(categories=[category], countries=["FR"])
    b = make_petition(countries=["FR", "DE"], status=Petition.Status.CLOSED)
    make_petition(countries=["GB"])
    assert [p["slug"] for p in client.get(LIST, {"category": "climate"}).json()["results"]] == [
        a.slug
    ]
    assert {p["slug"] for p in client.get(LIST, {"country": "FR"}).json()["results"]} == {
        a.slug,
        b.slug,
    }
    assert [p["slug"] for p in client.get(LIST, {"status": "closed"}).json()["results"]] == [b.slug]


def test_it_describes_a_petition_fully(client, make_petition, category, sign, settings):
    petition = make_petition(
        categories=[category],
        countries=["US", "MX"],
        related_headline="Heat deaths rise",
        related_outlet="The Valley Ledger",
        related_url="https://valleyledger.example/heat",
        related_published_at=datetime(2026, 11, 17, 16, 15, tzinfo=zoneinfo.ZoneInfo("UTC")),
        related_time_zone="America/Los_Angeles",
    )
    sign(petition, "a@example.org")
    sign(petition, "b@example.org", confirm=False)
    data = client.get(f"{LIST}/{petition.slug}").json()
    assert data["url"] == f"{settings.CLARION_BASE_URL}/p/{petition.slug}/"
    assert data["signature_count"] == 1
    assert data["signature_goal"] == 100
    assert data["targets"] == [{"name": "Ministry of Water", "kind": "body", "country": "GB"}]
    assert data["demands"] == ["Fund the plan.", "Publish the data.", "Report yearly."]
    assert data["categories"] == [{"slug": "climate", "name": "Climate"}]
    assert sorted(data["countries"]) == ["MX", "US"]
    article = data["related_article"]
    assert article["published_at"] == "2026-11-17T08:15:00-08:00"
    assert article["time_zone"] == "America/Los_Angeles"
    assert article["outlet"] == "The Valley Ledger"


def test_a_petition_without_article_has_null(client, petition):
    assert client.get(f"{LIST}/{petition.slug}").json()["related_article"] is None


def test_unknown_slug_is_a_json_404(client, db):
    response = client.get(f"{LIST}/nothing-here")
    assert response.status_code == 404
    assert "nothing-here" in response.json()["detail"]


def test_it_is_read_only(client, petition):
    for method in (client.post, client.put, client.delete):
        assert method(f"{LIST}/{petition.slug}").status_code == 405
    assert client.post(LIST).status_code == 405


def test_no_signer_email_ever_appears(client, make_petition, sign):
    petition = make_petition(title="Water for all")
    sign(petition, "zed.secret-signer@example.org", full_name="Zed Public")
    sign(petition, "pending.person@example.org", confirm=False)
    for url in (LIST, f"{LIST}/{petition.slug}", f"{LIST}?q=water"):
        body = client.get(url).content.decode()
        assert "secret-signer" not in body and "pending.person" not in body
        assert "@example.org" not in body


def test_list_queries_do_not_grow_with_petitions(client, make_petition):
    for _ in range(3):
        make_petition()
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(9):
        make_petition()
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(LIST).json()["results"]) == 12
    assert len(many) == len(few)


def test_openapi_documents_the_endpoints(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/petitions", "/api/v1/petitions/{slug}"} <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/v1/petitions"]["get"]["parameters"]}
    assert {"q", "category", "country", "status", "page", "per_page"} <= params
    item = spec["components"]["schemas"]["PetitionOut"]
    assert "email" not in str(item).lower()
    assert {"url", "signature_count", "signature_goal", "related_article"} <= set(
        item["properties"]
    )
