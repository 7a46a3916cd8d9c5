"""The OpenAPI document describes what the API really answers."""

from __future__ import annotations

import json
import zoneinfo
from datetime import datetime
from typing import Any

import pytest

from clarion.petitions.models import Petition

pytestmark = pytest.mark.django_db

SPEC = "/api/v1/openapi.json"
LIST = "/api/v1/petitions"
DETAIL = "/api/v1/petitions/{slug}"
LIST_PARAMETERS = {"q", "category", "country", "status", "page", "per_page"}

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


@pytest.fixture
def spec(client, db) -> dict[str, Any]:
    response = client.get(SPEC)
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        prefix = "#/components/schemas/"
        assert schema["$ref"].startswith(prefix), schema["$ref"]
        schema = spec["components"]["schemas"][schema["$ref"].removeprefix(prefix)]
    return schema


def _type_errors(value: Any, kind: str, where: str) -> list[str]:
    # bool is an int in Python, but not an integer in JSON.
    if isinstance(value, bool) and kind in ("integer", "number"):
        return [f"{where}: {value!r} is not {kind}"]
    if not isinstance(value, _TYPES[kind]):
        return [f"{where}: {value!r} is not {kind}"]
    return []


def _format_errors(value: str, fmt: str, where: str) -> list[str]:
    if fmt != "date-time":
        return []
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return [f"{where}: {value!r} is not a date-time"]
    # RFC 3339 date-times carry an offset.
    return [] if parsed.tzinfo is not None else [f"{where}: {value!r} has no offset"]


def _object_errors(value: dict, schema: dict, spec: dict, where: str) -> list[str]:
    properties = schema.get("properties", {})
    errors = [f"{where}: missing {key!r}" for key in schema.get("required", []) if key not in value]
    # Stricter than JSON Schema's default: unless a schema says it is a free-form map,
    # an undocumented key is how a private field would slip out unnoticed.
    extra = schema.get("additionalProperties", False)
    for key, item in value.items():
        if key in properties:
            errors += _errors(item, properties[key], spec, f"{where}.{key}")
        elif extra is False:
            errors.append(f"{where}: undocumented {key!r}")
        elif isinstance(extra, dict):
            errors += _errors(item, extra, spec, f"{where}.{key}")
    return errors


def _errors(value: Any, schema: dict[str, Any], spec: dict[str, Any], where: str) -> list[str]:
    """Why ``value`` doesn't fit ``schema``: an empty list when it does."""
    schema = _resolve(schema, spec)
    if "anyOf" in schema:
        options = [_errors(value, option, spec, where) for option in schema["anyOf"]]
        if any(not found for found in options):
            return []
        return [f"{where}: fits no option of anyOf: {options}"]
    errors = []
    for part in schema.get("allOf", []):
        errors += _errors(value, part, spec, where)
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    kind = schema.get("type")
    if kind is None:
        return errors
    type_errors = _type_errors(value, kind, where)
    if type_errors:
        return errors + type_errors
    if kind == "string" and "format" in schema:
        errors += _format_errors(value, schema["format"], where)
    if kind == "array":
        for index, item in enumerate(value):
            errors += _errors(item, schema.get("items", {}), spec, f"{where}[{index}]")
    if kind == "object":
        errors += _object_errors(value, schema, spec, where)
    return errors


def _documented_schema(spec: dict[str, Any], path: str, status: int) -> dict[str, Any]:
    responses = spec["paths"][path]["get"]["responses"]
    assert str(status) in responses, f"{path} answers {status}, which is not documented"
    return responses[str(status)]["content"]["application/json"]["schema"]


def _assert_fits(spec: dict[str, Any], path: str, response) -> None:
    assert response["Content-Type"].startswith("application/json")
    schema = _documented_schema(spec, path, response.status_code)
    assert _errors(response.json(), schema, spec, "$") == []


def test_it_is_valid_json(client, db):
    response = client.get(SPEC)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(json.loads(response.content), dict)


def test_it_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]


def test_it_documents_the_list_and_detail_paths(spec):
    assert {LIST, DETAIL} <= set(spec["paths"])
    assert set(spec["paths"][LIST]) == {"get"}
    assert set(spec["paths"][DETAIL]) == {"get"}
    assert "200" in spec["paths"][LIST]["get"]["responses"]
    assert {"200", "404"} <= set(spec["paths"][DETAIL]["get"]["responses"])


def test_it_documents_the_list_query_parameters(spec):
    parameters = {p["name"]: p for p in spec["paths"][LIST]["get"]["parameters"]}
    assert set(parameters) >= LIST_PARAMETERS
    for name in LIST_PARAMETERS:
        assert parameters[name]["in"] == "query"
        assert not parameters[name].get("required", False), name
    assert parameters["page"]["schema"]["type"] == "integer"
    assert parameters["per_page"]["schema"]["type"] == "integer"
    statuses = {
        value
        for option in parameters["status"]["schema"]["anyOf"]
        for value in option.get("enum", [])
    }
    assert statuses == {"published", "closed", "draft"}


def test_it_documents_the_detail_slug(spec):
    (slug,) = spec["paths"][DETAIL]["get"]["parameters"]
    assert (slug["name"], slug["in"], slug["required"]) == ("slug", "path", True)


def _referenced(node: Any, spec: dict[str, Any], seen: set[str]) -> None:
    """The names of every component schema ``node`` refers to, however deeply."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        name = ref.removeprefix("#/components/schemas/")
        if ref and name not in seen:
            seen.add(name)
            _referenced(spec["components"]["schemas"][name], spec, seen)
        for value in node.values():
            _referenced(value, spec, seen)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, spec, seen)


def test_it_documents_no_email_field_in_any_answer(spec):
    answers: set[str] = set()
    bodies: set[str] = set()
    for operations in spec["paths"].values():
        for operation in operations.values():
            _referenced(operation["responses"], spec, answers)
            _referenced(operation.get("requestBody", {}), spec, bodies)
    assert answers and "PetitionOut" in answers
    for name in answers:
        assert "email" not in json.dumps(spec["components"]["schemas"][name]).lower(), name
    # The one place an address goes is in, to sign; it never comes back out.
    assert "email" in spec["components"]["schemas"]["SignIn"]["properties"]
    assert "SignIn" not in answers


def test_the_validator_catches_what_does_not_fit(spec):
    schema = _documented_schema(spec, LIST, 200)
    assert _errors({"count": "3"}, schema, spec, "$")
    good = {"count": 0, "page": 1, "pages": 1, "next": None, "previous": None, "results": []}
    assert _errors(good, schema, spec, "$") == []
    assert _errors({**good, "email": "a@example.org"}, schema, spec, "$")
    assert _errors({**good, "results": [{"slug": "x"}]}, schema, spec, "$")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"per_page": 1},
        {"per_page": 1, "page": 2},
        {"page": 50},
        {"q": "drought"},
        {"q": "nothing-matches-this"},
        {"category": "climate"},
        {"country": "mx"},
        {"status": "closed"},
        {"status": "published", "q": "river"},
    ],
)
def test_it_answers_the_list_as_documented(client, spec, make_petition, category, sign, params):
    petition = make_petition(
        title="Drought relief",
        categories=[category],
        countries=["MX", "US"],
        related_headline="Wells run dry",
        related_outlet="The Ledger",
        related_url="https://ledger.example/wells",
        related_published_at=datetime(2025, 11, 17, 15, 0, tzinfo=zoneinfo.ZoneInfo("UTC")),
        related_time_zone="America/New_York",
    )
    make_petition(status=Petition.Status.CLOSED, closed_at=petition.published_at)
    make_petition(related_headline="Headline only")
    sign(petition, "ana@example.org")
    response = client.get(LIST, params)
    assert response.status_code == 200
    _assert_fits(spec, LIST, response)


def test_it_answers_drafts_to_staff_as_documented(client, spec, make_petition, moderator):
    make_petition(status=Petition.Status.DRAFT, published_at=None)
    client.force_login(moderator)
    response = client.get(LIST, {"status": "draft"})
    assert response.status_code == 200
    assert response.json()["results"][0]["published_at"] is None
    _assert_fits(spec, LIST, response)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"per_page": 0}, 422),
        ({"per_page": 101}, 422),
        ({"page": 0}, 422),
        ({"country": "MEX"}, 422),
        ({"status": "draft"}, 403),
        ({"page": "two"}, 422),
        ({"status": "secret"}, 422),
    ],
)
def test_it_answers_list_errors_as_documented(client, spec, petition, params, status):
    response = client.get(LIST, params)
    assert response.status_code == status
    _assert_fits(spec, LIST, response)


def test_it_answers_the_detail_as_documented(client, spec, make_petition, sign):
    petition = make_petition(
        related_headline="Wells run dry",
        related_url="https://ledger.example/wells",
        related_published_at=datetime(2025, 11, 17, 15, 0, tzinfo=zoneinfo.ZoneInfo("UTC")),
    )
    sign(petition, "ana@example.org")
    _assert_fits(spec, DETAIL, client.get(f"{LIST}/{petition.slug}"))
    missing = client.get(f"{LIST}/no-such-petition")
    assert missing.status_code == 404
    _assert_fits(spec, DETAIL, missing)
