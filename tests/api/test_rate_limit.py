"""The API's per-IP rate limit: 429 with Retry-After, documented for every operation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_answers_429_with_retry_after_past_the_limit(client, settings, petition):
    settings.CLARION_API_RATE_LIMIT = 2

    answers = [client.get("/api/v1/petitions", REMOTE_ADDR="203.0.113.8") for _ in range(3)]
    other = client.get(f"/api/v1/petitions/{petition.slug}", REMOTE_ADDR="203.0.113.9")

    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert refused["Content-Type"].startswith("application/json")
    assert refused.json() == {"detail": "Too many requests."}
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert other.status_code == 200  # counted per address


def test_it_counts_every_endpoint_together(client, settings, petition):
    settings.CLARION_API_RATE_LIMIT = 2

    client.get("/api/v1/petitions")
    client.get("/api/v1/stories")

    assert client.get(f"/api/v1/petitions/{petition.slug}").status_code == 429


def test_zero_turns_the_limit_off(client, settings):
    settings.CLARION_API_RATE_LIMIT = 0

    assert {client.get("/api/v1/articles").status_code for _ in range(5)} == {200}


def test_every_operation_documents_the_429(client):
    document = client.get("/api/v1/openapi.json").json()

    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) >= 6
    for operation in operations:
        answer = operation["responses"]["429"]
        assert "Retry-After" in answer["headers"]
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }
