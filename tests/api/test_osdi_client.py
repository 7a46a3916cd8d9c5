"""OSDI as a client reads it: the `osdi` client library (PyPI) walks the API over HTTP.

The library is the generic part of the Python client for Action Network's OSDI API:
it starts from a URL, follows each collection's `next` links until the last page, and
POSTs to helpers with a JSON body. A real server thread (pytest-django's live_server)
answers it, so the requests are real HTTP, headers and all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import osdi.base.service as osdi_service
import pytest

from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def service(live_server, settings, monkeypatch):
    settings.CLARION_BASE_URL = live_server.url
    # The library retries a failed request ten times with growing waits (minutes in
    # all); here a failure should fail the test at once.
    monkeypatch.setattr(osdi_service, "retry_with_backoff", lambda request: request())
    return osdi_service.OSDIService(f"{live_server.url}/api/osdi/v1", api_key="")


def test_the_client_library_walks_petitions_and_signatures_and_signs(service, make_petition, sign):
    petitions = [make_petition(title=f"Petition {n}") for n in range(5)]
    make_petition(title="Hidden draft", status=Petition.Status.DRAFT, published_at=None)
    for n in range(3):
        sign(petitions[0], f"s{n}@example.org", full_name=f"Signer {n}", show_name=True)

    aep = service._get_request("", is_full=False)
    assert aep["osdi_version"] == "1.2"
    collection = aep["_links"]["osdi:petitions"]["href"]
    # Two a page: the library follows `next` to the end and stops there.
    found = service.get_model_raw(
        collection, "osdi:petitions", params={"per_page": 2}, is_full=True
    )
    assert sorted(p["title"] for p in found) == sorted(p.title for p in petitions)

    first = next(p for p in found if p["identifiers"][0] == f"clarion:{petitions[0].pk}")
    assert first["total_signatures"] == 3
    assert first["description"].startswith("<")  # HTML, rendered from Markdown
    signatures = service.get_model_raw(
        first["_links"]["osdi:signatures"]["href"],
        "osdi:signatures",
        params={"per_page": 1},
        is_full=True,
    )
    assert len(signatures) == 3
    for signature in signatures:
        # Every self address answers with the signature itself.
        href = signature["_links"]["self"]["href"]
        assert service._get_request(href, is_full=True) == signature
        assert "@" not in str(signature)

    # An incremental sync: only what changed since the last one. The fixtures' petitions
    # were last edited a day ago; the first one's count moved just now.
    def changed_since(moment: datetime) -> list[dict]:
        since = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return service.get_model_raw(
            collection,
            "osdi:petitions",
            params={"filter": f"modified_date gt '{since}'", "per_page": 2},
            is_full=True,
        )

    now = datetime.now(UTC)
    assert len(changed_since(now - timedelta(days=2))) == 5
    assert [p["title"] for p in changed_since(now - timedelta(hours=1))] == [petitions[0].title]
    assert changed_since(now + timedelta(hours=1)) == []
    with pytest.raises(osdi_service.ActionError, match="400"):
        service.get_model_raw(
            collection, "osdi:petitions", params={"filter": "title eq 'x'"}, is_full=True
        )

    # Signing through the record signature helper, as a partner's tool would.
    target = next(p for p in found if p["identifiers"][0] == f"clarion:{petitions[1].pk}")
    helper = target["_links"]["osdi:record_signature_helper"]["href"]
    answer = service._post_request(
        helper,
        {
            "person": {
                "given_name": "Dana",
                "family_name": "Partner",
                "email_addresses": [{"address": "dana@example.org"}],
                "postal_addresses": [{"country": "MX"}],
            },
            "comments": "From our list.",
        },
        is_full=True,
    )
    assert "email" in answer["notice"]
    signature = petitions[1].signatures.get()
    assert (signature.full_name, signature.country.code) == ("Dana Partner", "MX")
    assert signature.confirmed_at is None  # counted once the signer confirms
    assert OutboxMessage.objects.filter(to="dana@example.org").exists()
