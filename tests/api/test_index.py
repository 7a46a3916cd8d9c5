"""/api/v1/ answers with an index of the API, not a 404."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.CLARION_BASE_URL = "http://testserver"


def test_the_root_links_the_docs_the_openapi_document_and_every_list(client, petition):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    index = response.json()
    assert index["docs"] == "http://testserver/api/v1/docs"
    assert index["openapi"] == "http://testserver/api/v1/openapi.json"
    assert index["osdi"] == "http://testserver/api/osdi/v1/"
    assert set(index["endpoints"]) == {"petitions", "letters", "categories", "stories", "articles"}
    for href in [index["docs"], index["openapi"], index["osdi"], *index["endpoints"].values()]:
        assert client.get(href.removeprefix("http://testserver")).status_code == 200, href
    petitions = client.get(index["endpoints"]["petitions"].removeprefix("http://testserver"))
    assert petitions.json()["results"][0]["slug"] == petition.slug


def test_the_index_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/" in spec["paths"]
