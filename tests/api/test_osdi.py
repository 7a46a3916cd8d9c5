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


def _osdi_error(response, status: int) -> list[dict]:
    """The error descriptions of an OSDI error answer (osdi-docs errors.md)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == HAL
    error = response.json()["osdi:error"]
    assert error["request_type"] == "atomic"
    assert error["response_code"] == status
    [resource] = error["resource_status"]
    assert resource["response_code"] == status
    return resource["error_descriptions"]


def test_it_answers_missing_and_malformed_requests_with_osdi_errors(client, make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    for path in (f"petitions/{draft.pk}", f"petitions/{draft.pk}/signatures", "petitions/999"):
        [problem] = _osdi_error(client.get(AEP + path), 404)
        assert problem["error_code"] == "NOT_FOUND"
    public = make_petition()
    huge = "9" * 30  # no id is that big: a 404, not a crash
    for path in (
        f"petitions/{huge}",
        f"petitions/{huge}/signatures",
        f"petitions/{public.pk}/signatures/{huge}",
    ):
        _osdi_error(client.get(AEP + path), 404)
    post = client.post(
        f"{AEP}petitions/{huge}/record_signature_helper", {}, content_type="application/json"
    )
    _osdi_error(post, 404)
    [problem] = _osdi_error(client.get(AEP + "petitions?page=zero"), 400)
    assert problem["properties"] == ["page", "per_page"]
    _osdi_error(client.get(AEP + "petitions?per_page=0"), 400)


def test_a_page_bigger_than_the_maximum_is_cut_to_it_not_refused(client, make_petition):
    for _ in range(3):
        make_petition()
    page = _get(client, f"http://testserver{AEP}petitions?per_page=1000")
    assert page["per_page"] == _get(client, "http://testserver" + AEP)["max_pagesize"] == 100
    assert len(page["_embedded"]["osdi:petitions"]) == 3
    assert "per_page=100" in page["_links"]["self"]["href"]


def test_every_error_is_json_even_for_a_wrong_method_or_address(client, petition, sign):
    from django.test import Client

    signature = sign(petition, "a@example.org")
    strict = Client(enforce_csrf_checks=True)  # a form POST must not get the CSRF page
    for method, path in (
        ("post", "petitions"),
        ("delete", f"petitions/{petition.pk}"),
        ("put", f"petitions/{petition.pk}/signatures/{signature.pk}"),
        ("get", f"petitions/{petition.pk}/record_signature_helper"),
    ):
        response = getattr(strict, method)(AEP + path)
        [problem] = _osdi_error(response, 405)
        assert problem["error_code"] == "METHOD_NOT_ALLOWED", path
        assert response["Allow"]
    for path in ("people", "petitions/abc", f"petitions/{petition.pk}/nothing"):
        [problem] = _osdi_error(strict.get(AEP + path), 404)
        assert AEP in problem["description"]
    # A body that is not JSON: the API's one rule for every write, in JSON.
    response = strict.post(f"{AEP}petitions/{petition.pk}/record_signature_helper", {"person": "x"})
    assert response.status_code == 415
    assert "JSON" in response.json()["detail"]


def test_a_crash_is_an_osdi_error_too(client, petition, monkeypatch):
    from clarion.api import osdi

    def broken(_petition):
        raise RuntimeError("boom")

    monkeypatch.setattr(osdi, "petition_resource", broken)
    [problem] = _osdi_error(client.get(f"{AEP}petitions/{petition.pk}"), 500)
    assert problem["error_code"] == "SERVER_ERROR"
    assert "boom" not in problem["description"]


def test_each_signature_has_a_self_address_that_answers(client, petition, sign, make_petition):
    shown = sign(petition, "a@example.org", full_name="Ana Shown", show_name=True)
    sign(petition, "b@example.org", full_name="Pending", confirm=False)
    collection = _get(client, f"http://testserver{AEP}petitions/{petition.pk}/signatures")
    [item] = collection["_embedded"]["osdi:signatures"]
    href = item["_links"]["self"]["href"]
    assert "#" not in href
    assert href.endswith(f"/petitions/{petition.pk}/signatures/{shown.pk}")
    assert _get(client, href) == item
    pending = petition.signatures.get(full_name="Pending")
    other = make_petition()
    for path in (
        f"petitions/{petition.pk}/signatures/{pending.pk}",  # not confirmed: not public
        f"petitions/{other.pk}/signatures/{shown.pk}",  # another petition's
        f"petitions/{petition.pk}/signatures/99999",
    ):
        _osdi_error(client.get(AEP + path), 404)


def test_the_link_to_the_page_before_is_named_previous(client, make_petition):
    for _ in range(3):
        make_petition()
    first = _get(client, f"http://testserver{AEP}petitions?per_page=1")
    second = _get(client, first["_links"]["next"]["href"])
    assert "prev" not in second["_links"]
    assert _get(client, second["_links"]["previous"]["href"]) == first
    assert "previous" not in first["_links"]


def _ids(page: dict, rel: str) -> set[str]:
    return {item["identifiers"][0] for item in page["_embedded"][rel]}


def test_modified_date_filters_give_an_incremental_sync(client, make_petition, sign):
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    old = make_petition(updated_at=now - timedelta(days=30))
    edited = make_petition(updated_at=now - timedelta(hours=2))
    signed = make_petition(updated_at=now - timedelta(days=30))
    sign(signed, "a@example.org")  # its count moved today: a sync must see it again
    since = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = f"http://testserver{AEP}petitions"
    recent = _get(client, f"{base}?filter=modified_date gt '{since}'")
    assert _ids(recent, "osdi:petitions") == {f"clarion:{edited.pk}", f"clarion:{signed.pk}"}
    assert recent["total_records"] == 2
    for petition in recent["_embedded"]["osdi:petitions"]:
        assert petition["modified_date"] > since
    before = _get(client, f"{base}?filter=modified_date lt '{since}'")
    assert _ids(before, "osdi:petitions") == {f"clarion:{old.pk}"}
    window = (now - timedelta(hours=3)).date().isoformat()
    both = f"modified_date gt '{window}' and modified_date lt '{since}'"
    assert _get(client, f"{base}?filter={both}")["total_records"] == 0
    # The filter survives paging: the next page is the next page of the same slice.
    paged = _get(client, f"{base}?per_page=1&filter=modified_date gt '{since}'")
    following = _get(client, paged["_links"]["next"]["href"])
    assert _ids(paged, "osdi:petitions") | _ids(following, "osdi:petitions") == _ids(
        recent, "osdi:petitions"
    )
    # Signatures are filtered by when they were confirmed (when they became public).
    signatures = f"{base}/{signed.pk}/signatures"
    assert _get(client, f"{signatures}?filter=modified_date gt '{since}'")["total_records"] == 1
    assert _get(client, f"{signatures}?$filter=modified_date lt '{since}'")["total_records"] == 0


def test_a_filter_it_cannot_apply_is_refused_not_ignored(client, make_petition):
    make_petition()
    for text, code in (
        ("email eq 'a@example.org'", "FILTER_NOT_SUPPORTED"),
        ("modified_date eq '2026-01-01'", "FILTER_NOT_SUPPORTED"),
        ("modified_date gt 'yesterday'", "INVALID_FILTER"),
        ("modified_date gt", "INVALID_FILTER"),
        ("modified_date gt '2026-01-01' or modified_date lt '2025-01-01'", "INVALID_FILTER"),
    ):
        [problem] = _osdi_error(client.get(f"{AEP}petitions", {"filter": text}), 400)
        assert problem["error_code"] == code, text
        assert problem["properties"] == ["filter"]
        assert "modified_date gt" in problem["hint"]


# --- the record signature helper ---------------------------------------------------------

PERSON = {
    "person": {
        "given_name": "Bea",
        "family_name": "Signer",
        "email_addresses": [
            {"address": "old@example.org"},
            {"address": "bea@example.org", "primary": True, "status": "subscribed"},
        ],
        "postal_addresses": [{"postal_code": "75001", "country": "fr", "primary": True}],
        "languages_spoken": ["es"],
        "custom_fields": {"show_name": "true"},
    },
    "comments": "For the river.",
}


def _helper(client, petition, body=PERSON, **extra):
    resource = _get(client, f"http://testserver{AEP}petitions/{petition.pk}")
    href = resource["_links"]["osdi:record_signature_helper"]["href"]
    return client.post(
        href.removeprefix("http://testserver"), body, content_type="application/json", **extra
    )


def test_the_helper_records_a_signature_the_signer_confirms_by_email(client, petition):
    from clarion.confirmations.services import confirm as confirm_link
    from clarion.core.models import OutboxMessage
    from tests.conftest import confirm_token_from, fold, written

    response = _helper(client, petition)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == HAL
    assert "email" in response.json()["notice"]
    assert "bea@example.org" not in response.content.decode()
    signature = petition.signatures.get()
    assert (signature.full_name, signature.email, signature.country.code) == (
        "Bea Signer",
        "bea@example.org",
        "FR",
    )
    assert (signature.postcode, signature.comment) == ("75001", "For the river.")
    assert signature.show_name and signature.wants_updates
    assert signature.confirmed_at is None
    message = written(OutboxMessage.objects.get(to="bea@example.org"))
    assert "/es/" in message.body  # the language the person speaks, which the site does
    confirm_link("signature", confirm_token_from(message.body))
    fold()
    petition.refresh_from_db()
    assert petition.signature_count == 1
    # The same answer for an address that has signed: nothing tells who has.
    again = _helper(client, petition)
    assert (again.status_code, again.json()) == (response.status_code, response.json())


def test_the_helper_refuses_what_the_form_refuses_naming_the_osdi_fields(client, petition):
    from clarion.core.models import OutboxMessage

    body = {
        "person": {"given_name": "<b>", "email_addresses": [{"address": "nope"}]},
        "comments": "Mail me at x@example.com",
    }
    problems = _osdi_error(_helper(client, petition, body), 400)
    by_code = {p["error_code"]: p for p in problems}
    assert set(by_code) == {
        "INVALID_FULL_NAME",
        "INVALID_EMAIL",
        "INVALID_COUNTRY",
        "INVALID_COMMENT",
    }
    assert by_code["INVALID_EMAIL"]["properties"] == ["person.email_addresses"]
    assert by_code["INVALID_COUNTRY"]["properties"] == ["person.postal_addresses.country"]
    assert by_code["INVALID_COMMENT"]["properties"] == ["comments"]
    for bad in ("[1, 2]", "{not json"):
        response = client.post(
            f"{AEP}petitions/{petition.pk}/record_signature_helper",
            bad,
            content_type="application/json",
        )
        assert _osdi_error(response, 400)[0]["error_code"] == "INVALID_JSON"
    huge = client.post(
        f"{AEP}petitions/{petition.pk}/record_signature_helper",
        {"comments": "x" * 3_000_000},
        content_type="application/json",
    )
    # Refused before any view runs, by the site's own 400 for the API: JSON too.
    assert huge.status_code == 400
    assert "too large" in huge.json()["detail"]
    assert not petition.signatures.exists()
    assert not OutboxMessage.objects.exists()


def test_the_helper_is_offered_only_where_signing_is_open(client, make_petition):
    closed = make_petition(status=Petition.Status.CLOSED)
    resource = _get(client, f"http://testserver{AEP}petitions/{closed.pk}")
    assert "osdi:record_signature_helper" not in resource["_links"]
    url = f"{AEP}petitions/{closed.pk}/record_signature_helper"
    response = client.post(url, PERSON, content_type="application/json")
    assert _osdi_error(response, 409)[0]["error_code"] == "PETITION_CLOSED"
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    url = f"{AEP}petitions/{draft.pk}/record_signature_helper"
    _osdi_error(client.post(url, PERSON, content_type="application/json"), 404)
    assert not closed.signatures.exists() and not draft.signatures.exists()


def test_the_helper_shares_the_api_signing_limit(client, petition, settings):
    settings.CLARION_SIGN_API_PER_HOUR = 2
    api_body = {"full_name": "Al", "email": "al@example.org", "country": "FR"}
    api = client.post(
        f"/api/v1/petitions/{petition.slug}/signatures", api_body, content_type="application/json"
    )
    assert api.status_code == 202
    assert _helper(client, petition).status_code == 200
    response = _helper(client, petition)
    [problem] = _osdi_error(response, 429)
    assert problem["error_code"] == "TOO_MANY_REQUESTS"
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert petition.signatures.count() == 2
