"""OSDI 1.2: petitions and their signatures as HAL+JSON, for tools built for Action
Network and other OSDI systems (https://opensupporter.github.io/osdi-docs/).

Public, with no API key. The API entry point (AEP) at /api/osdi/v1/ links to the
``osdi:petitions`` collection; each petition links to its ``osdi:signatures`` and, while
it takes signatures, to its ``osdi:record_signature_helper``.

A signature is public data only: when it was confirmed, the signer's country, and,
only if the signer chose to show their name, that name and their comment. There is no
``osdi:person`` link (Clarion publishes no people) and never an email address: the
person is embedded with nothing but the country and, when shown, the display name in
``custom_fields`` (splitting one "full name" into given and family names would guess).

Collections take OSDI's OData ``filter`` for incremental sync: ``modified_date gt
'2026-01-01'``, ``lt``, or both joined with ``and``. Anything else is refused with an
OSDI error rather than ignored, which would hand a syncing client everything while it
believes it got a slice. Every error, whatever went wrong, is an ``osdi:error`` in JSON.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from clarion.api.common import MAX_PER_PAGE, absolute, json_body
from clarion.core.http import client_ip
from clarion.core.text import hide_emails, render_markdown
from clarion.petitions import selectors
from clarion.petitions.forms import SignForm
from clarion.petitions.models import Demand, Petition, Signature
from clarion.petitions.services import SignatureError, sign_rate_limit, signature_create

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/hal+json"
DEFAULT_PER_PAGE = 25
MAX_PAGE = 100_000
ORIGIN_SYSTEM = "Clarion"
OSDI_DOCS = "https://opensupporter.github.io/osdi-docs/{rel}"
OSDI_VERSION = "1.2"


def _hal(data: dict, status: int = 200) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)


@dataclass(frozen=True)
class Problem:
    """One OSDI ErrorDescription: what went wrong, in words and as a code."""

    code: str
    description: str
    properties: tuple[str, ...] = ()
    hint: str = ""

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"error_code": self.code, "description": self.description}
        if self.properties:
            found["properties"] = list(self.properties)
        if self.hint:
            found["hint"] = self.hint
        return found


def _error(status: int, *problems: Problem, resource: str = "osdi:petition") -> HttpResponse:
    """An OSDI error (osdi-docs errors.md): an atomic request, one resource's status."""
    return _hal(
        {
            "osdi:error": {
                "request_type": "atomic",
                "response_code": status,
                "resource_status": [
                    {
                        "resource": resource,
                        "response_code": status,
                        "error_descriptions": [p.as_dict() for p in problems],
                    }
                ],
            }
        },
        status=status,
    )


def _not_found(what: str, pk: object) -> HttpResponse:
    return _error(
        404,
        Problem("NOT_FOUND", f"No public {what.removeprefix('osdi:')} with id {pk}."),
        resource=what,
    )


ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def osdi_view(*methods: str) -> Callable:
    """Every OSDI answer is JSON: a wrong method, a crash, anything.

    No view reads a cookie or a session, so CSRF has nothing to protect (a form POST
    would otherwise get the CSRF failure page, in HTML); the one that writes takes JSON
    bodies only (``json_body``), which no other site's page can make a browser send.
    """

    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = _error(
                    405,
                    Problem(
                        "METHOD_NOT_ALLOWED",
                        f"This address answers {' or '.join(sorted(allowed))} only.",
                    ),
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return view(request, *args, **kwargs)
            except Exception:
                logger.exception("OSDI request failed: %s %s", request.method, request.path)
                return _error(
                    500, Problem("SERVER_ERROR", "Unexpected server error; it has been logged.")
                )

        return answer

    return decorate


def _href(name: str, *args: object) -> dict[str, str]:
    return {"href": absolute(reverse(name, args=args))}


def _curies() -> list[dict]:
    return [{"name": "osdi", "href": OSDI_DOCS, "templated": True}]


def _date(value: datetime | None) -> str | None:
    # OSDI's examples give UTC with a Z.
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- paging and filtering ------------------------------------------------------------------


def _paging(request: HttpRequest) -> tuple[int, int] | Problem:
    try:
        page = int(request.GET.get("page", "1"))
        per_page = int(request.GET.get("per_page", str(DEFAULT_PER_PAGE)))
    except ValueError:
        return Problem(
            "INVALID_PAGING", "page and per_page must be whole numbers.", ("page", "per_page")
        )
    if not 1 <= page <= MAX_PAGE:
        return Problem("INVALID_PAGING", f"page must be between 1 and {MAX_PAGE}.", ("page",))
    if per_page < 1:
        return Problem("INVALID_PAGING", "per_page must be at least 1.", ("per_page",))
    # Asking for more than the most a page holds is not a mistake: the AEP's
    # max_pagesize says how many come, and the answer's per_page says it again.
    return page, min(per_page, MAX_PER_PAGE)


FILTER_HINT = "modified_date gt '2026-01-01T00:00:00Z' and modified_date lt '2026-02-01'"
_CONDITION = re.compile(
    r"""^\s*(?P<field>[A-Za-z_.]+)\s+(?P<op>[A-Za-z]+)\s+(?P<quote>['"]?)(?P<value>[^'"]*)(?P=quote)\s*$"""
)
_OPERATORS = {"gt": "gt", "lt": "lt"}


def _filter_value(raw: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    # A date or time without a zone is UTC, the zone every OSDI date here is given in.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_filter(text: str) -> list[tuple[str, datetime]] | Problem:
    """``modified_date gt '...'`` / ``lt``, joined with ``and``: [(operator, moment)]."""
    conditions: list[tuple[str, datetime]] = []
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        match = _CONDITION.match(part)
        if match is None:
            return Problem(
                "INVALID_FILTER",
                f"Could not read the filter condition {part!r}.",
                ("filter",),
                FILTER_HINT,
            )
        field, op = match["field"], match["op"].lower()
        if field != "modified_date" or op not in _OPERATORS:
            return Problem(
                "FILTER_NOT_SUPPORTED",
                f"Filtering on {field} {op} is not supported: only modified_date gt and "
                "modified_date lt, joined with and.",
                ("filter",),
                FILTER_HINT,
            )
        moment = _filter_value(match["value"])
        if moment is None:
            return Problem(
                "INVALID_FILTER",
                f"{match['value']!r} is not a date or time such as 2026-01-01 or "
                "2026-01-01T12:00:00Z.",
                ("filter",),
                FILTER_HINT,
            )
        conditions.append((_OPERATORS[op], moment))
    return conditions


def _modified_filter(request: HttpRequest, field: str) -> Q | Problem:
    text = request.GET.get("filter", request.GET.get("$filter", ""))
    if not text.strip():
        return Q()
    parsed = parse_filter(text)
    if isinstance(parsed, Problem):
        return parsed
    condition = Q()
    for op, moment in parsed:
        condition &= Q(**{f"{field}__{op}": moment})
    return condition


def _collection(
    request: HttpRequest,
    *,
    rel: str,
    queryset: QuerySet,
    render: Callable[[Any], dict],
    modified_field: str,
    extra_links: dict | None = None,
) -> HttpResponse:
    """One page of an OSDI collection: paging fields, links to neighbours, embedded items."""
    paging = _paging(request)
    if isinstance(paging, Problem):
        return _error(400, paging, resource=rel)
    page, per_page = paging
    condition = _modified_filter(request, modified_field)
    if isinstance(condition, Problem):
        return _error(400, condition, resource=rel)
    queryset = queryset.filter(condition)
    total = queryset.count()
    pages = max(1, -(-total // per_page))
    offset = (page - 1) * per_page
    items = [render(item) for item in queryset[offset : offset + per_page]]
    kept = {key: request.GET[key] for key in ("filter", "$filter") if key in request.GET}

    def link(number: int) -> dict[str, str]:
        query = urlencode({**kept, "page": number, "per_page": per_page})
        return {"href": absolute(f"{request.path}?{query}")}

    links: dict = {"self": link(page), "curies": _curies(), **(extra_links or {})}
    if page < pages:
        links["next"] = link(page + 1)
    if page > 1:
        # OSDI's name for it (not HAL's usual "prev"): clients look for "previous".
        links["previous"] = link(page - 1)
    links[rel] = [item["_links"]["self"] for item in items]
    return _hal(
        {
            "total_pages": pages,
            "per_page": per_page,
            "page": page,
            "total_records": total,
            "_links": links,
            "_embedded": {rel: items},
        }
    )


# --- petitions ------------------------------------------------------------------------------


def _petitions() -> QuerySet[Petition]:
    """Public petitions, with ``modified``: the later of the last edit and the last
    counted signature, so an incremental sync also picks up a petition whose count
    moved (each count follows its signatures within about a second)."""
    latest_signature = (
        selectors.counted_signatures()
        .filter(petition=OuterRef("pk"))
        .order_by("-confirmed_at")
        .values("confirmed_at")[:1]
    )
    return (
        selectors.with_card_data(selectors.public_petitions())
        .prefetch_related(Prefetch("demands", queryset=Demand.objects.order_by("position", "id")))
        .annotate(
            modified=Greatest(
                F("updated_at"), Coalesce(Subquery(latest_signature), F("updated_at"))
            )
        )
        .order_by("-published_at", "-id")
    )


def _petition_text(petition: Petition) -> str:
    """The letter to the target: whom it addresses, the goal, the demands."""
    targets = "; ".join(t.name for t in petition.targets.all())
    lines = [f"To: {targets}" if targets else "", petition.goal]
    lines += [f"{n}. {d.text}" for n, d in enumerate(petition.demands.all(), start=1)]
    return "\n\n".join(line for line in lines if line)


def petition_resource(petition: Petition) -> dict:
    links = {
        "self": _href("osdi:petition", petition.pk),
        "osdi:signatures": _href("osdi:signatures", petition.pk),
    }
    if petition.status == Petition.Status.PUBLISHED:
        links["osdi:record_signature_helper"] = _href("osdi:record_signature", petition.pk)
    return {
        "identifiers": [f"clarion:{petition.pk}", f"clarion_slug:{petition.slug}"],
        "origin_system": ORIGIN_SYSTEM,
        "created_date": _date(petition.published_at or petition.created_at),
        "modified_date": _date(getattr(petition, "modified", None) or petition.updated_at),
        "title": petition.title,
        "name": petition.title,
        "summary": petition.goal,
        # OSDI's description is HTML: the narrative rendered and sanitised as on the
        # page, so no markup a feed or an editor slipped in reaches a client raw.
        "description": str(render_markdown(petition.narrative)),
        "petition_text": _petition_text(petition),
        "browser_url": absolute(petition.get_absolute_url()),
        "total_signatures": petition.signature_count,
        "target": [{"name": t.name} for t in petition.targets.all()],
        # Clarion's own: OSDI has no field for whether a petition still takes signatures.
        "status": petition.status,
        "_links": links,
    }


# --- signatures ------------------------------------------------------------------------------


def _person(signature: Signature) -> dict:
    person: dict = {"postal_addresses": [{"country": signature.country.code}]}
    if signature.show_name:
        person["custom_fields"] = {"display_name": signature.full_name}
    return person


def signature_resource(signature: Signature) -> dict:
    resource = {
        "identifiers": [f"clarion:signature-{signature.pk}"],
        "origin_system": ORIGIN_SYSTEM,
        "created_date": _date(signature.confirmed_at),
        "modified_date": _date(signature.confirmed_at),
        "action_date": _date(signature.confirmed_at),
        "_links": {
            "self": _href("osdi:signature", signature.petition_id, signature.pk),
            "osdi:petition": _href("osdi:petition", signature.petition_id),
        },
        "_embedded": {"osdi:person": _person(signature)},
    }
    # A comment is public only beside a shown name, as on the petition page, and with
    # anything shaped like an address blanked, as there.
    if signature.show_name and signature.comment:
        resource["comments"] = hide_emails(signature.comment)
    return resource


def _public_signatures(petition_id: int) -> QuerySet[Signature]:
    # Only fields a public page may show are read: never the address.
    return (
        selectors.counted_signatures(petition_id)
        .order_by("-confirmed_at", "-id")
        .only("pk", "petition_id", "full_name", "show_name", "country", "comment", "confirmed_at")
    )


# Ids fit a 64-bit column; a bigger number names nothing (and SQLite's driver can't
# even pass it along), so it is a 404 like any other id that names nothing.
MAX_ID = 2**63 - 1


def _is_public_petition(pk: int) -> bool:
    return pk <= MAX_ID and selectors.public_petitions().filter(pk=pk).exists()


# --- views -----------------------------------------------------------------------------------


@osdi_view("GET")
def entry_point(request: HttpRequest) -> HttpResponse:
    return _hal(
        {
            "motd": f"{settings.CLARION_SITE_NAME}: petitions that answer the news.",
            "vendor_name": "Clarion",
            "product_name": "Clarion",
            "osdi_version": OSDI_VERSION,
            "max_pagesize": MAX_PER_PAGE,
            "namespace": "clarion",
            "_links": {
                "self": _href("osdi:aep"),
                "curies": _curies(),
                "osdi:petitions": {
                    "href": absolute(reverse("osdi:petitions")),
                    "title": "The collection of public petitions",
                },
            },
        }
    )


@osdi_view("GET")
def petitions(request: HttpRequest) -> HttpResponse:
    return _collection(
        request,
        rel="osdi:petitions",
        queryset=_petitions(),
        render=petition_resource,
        modified_field="modified",
    )


@osdi_view("GET")
def petition(request: HttpRequest, pk: int) -> HttpResponse:
    found = _petitions().filter(pk=pk).first() if pk <= MAX_ID else None
    if found is None:
        return _not_found("osdi:petition", pk)
    return _hal(petition_resource(found))


@osdi_view("GET")
def signatures(request: HttpRequest, pk: int) -> HttpResponse:
    if not _is_public_petition(pk):
        return _not_found("osdi:petition", pk)
    return _collection(
        request,
        rel="osdi:signatures",
        queryset=_public_signatures(pk),
        render=signature_resource,
        # A signature is public (and so, here, created) when it is confirmed.
        modified_field="confirmed_at",
        extra_links={"osdi:petition": _href("osdi:petition", pk)},
    )


@osdi_view("GET")
def signature(request: HttpRequest, pk: int, signature_pk: int) -> HttpResponse:
    if not (_is_public_petition(pk) and signature_pk <= MAX_ID):
        return _not_found("osdi:signature", signature_pk)
    # Pending, held or invalidated signatures are not public.
    found = _public_signatures(pk).filter(pk=signature_pk).first()
    if found is None:
        return _not_found("osdi:signature", signature_pk)
    return _hal(signature_resource(found))


@osdi_view(*ALL_METHODS)
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return _error(
        404,
        Problem("NOT_FOUND", f"Nothing here: start from {absolute(reverse('osdi:aep'))}."),
        resource="osdi:aep",
    )


# --- the record signature helper -------------------------------------------------------------

# Where each sign-form field comes from in an OSDI body, to name it in an error.
FIELD_PROPERTIES = {
    "full_name": ("person.given_name", "person.family_name"),
    "email": ("person.email_addresses",),
    "country": ("person.postal_addresses.country",),
    "postcode": ("person.postal_addresses.postal_code",),
    "comment": ("comments",),
    "show_name": ("person.custom_fields.show_name",),
    "wants_updates": ("person.email_addresses.status",),
}
_TRUE = {"true", "1", "yes", "on"}


def _first(items: object) -> dict:
    """The entry marked primary in an OSDI list, else the first; {} if there is none."""
    if not isinstance(items, list):
        return {}
    entries = [item for item in items if isinstance(item, dict)]
    return next((e for e in entries if e.get("primary") is True), entries[0] if entries else {})


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def sign_form_data(body: dict) -> dict[str, str]:
    """The OSDI body as the petition page's form would have posted it."""
    person = body.get("person") if isinstance(body.get("person"), dict) else {}
    name = [_text(person.get(key)) for key in ("given_name", "additional_name", "family_name")]
    email = _first(person.get("email_addresses"))
    address = _first(person.get("postal_addresses"))
    custom = person.get("custom_fields") if isinstance(person.get("custom_fields"), dict) else {}
    data = {
        "full_name": " ".join(part for part in name if part),
        "email": _text(email.get("address")),
        "country": _text(address.get("country")).upper(),
        "postcode": _text(address.get("postal_code")),
        "comment": _text(body.get("comments")),
    }
    # Checkboxes: present when ticked, absent otherwise, as a browser sends them. OSDI
    # has no field for showing a name, so Clarion reads one from the person's custom
    # fields; an email address "subscribed" asks for updates, as OSDI means it.
    if custom.get("show_name") is True or _text(custom.get("show_name")).lower() in _TRUE:
        data["show_name"] = "on"
    if _text(email.get("status")).lower() == "subscribed":
        data["wants_updates"] = "on"
    return data


def _language(body: dict) -> str:
    """The confirmation email's language: the first the person speaks that the site does."""
    person = body.get("person") if isinstance(body.get("person"), dict) else {}
    spoken = person.get("languages_spoken")
    interface = {code for code, _name in settings.LANGUAGES}
    for code in spoken if isinstance(spoken, list) else []:
        if isinstance(code, str) and code.lower()[:2] in interface:
            return code.lower()[:2]
    return settings.LANGUAGE_CODE


@osdi_view("POST")
@json_body
def record_signature(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign a petition, as its page's form does: the signer gets an email to confirm.

    OSDI's helper, called without an API key, answers success with a plain JSON
    object rather than the signature; here that is also what keeps the answer the same
    whether or not the address had signed before, so it reveals nothing about who
    signed. The same checks as the page's form and the same limit per address as the
    JSON API's signing apply.
    """
    resource = "osdi:signature"
    wait = sign_rate_limit(client_ip(request), "api")
    if wait:
        response = _error(
            429,
            Problem("TOO_MANY_REQUESTS", "Too many signatures from this address; try later."),
            resource=resource,
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        problem = Problem("INVALID_JSON", "The body is not valid JSON.")
        return _error(400, problem, resource=resource)
    if not isinstance(body, dict):
        return _error(
            400, Problem("INVALID_JSON", "The body must be a JSON object."), resource=resource
        )
    public = selectors.public_petitions().filter(pk=pk) if pk <= MAX_ID else None
    slug = public.values_list("slug", flat=True).first() if public is not None else None
    if slug is None:
        return _not_found("osdi:petition", pk)
    # The form's messages (in errors) are in English, as every answer here.
    form = SignForm(sign_form_data(body))
    if not form.is_valid():
        problems = [
            Problem(
                "INVALID_" + field.upper() if field != "__all__" else "INVALID",
                " ".join(str(e) for e in errors),
                FIELD_PROPERTIES.get(field, ()),
            )
            for field, errors in form.errors.items()
        ]
        return _error(400, *problems, resource=resource)
    language = _language(body)
    # The confirmation email, the petition's words in it and the pages it links to are
    # in the person's language, as if they had signed on that language's page.
    with translation.override(language):
        petition = selectors.petition_to_sign(slug)
        if petition is None:  # deleted or unpublished a moment ago
            return _not_found("osdi:petition", pk)
        try:
            signature_create(
                petition=petition,
                data=form.to_input(),
                ip=client_ip(request),
                language=language,
            )
        except SignatureError:
            # Said here, in English, rather than in the person's language as raised.
            problem = Problem("PETITION_CLOSED", "This petition is closed to new signatures.")
            return _error(409, problem, resource=resource)
    # The API answers in English, as every OSDI answer here; the email speaks the person's.
    return _hal({"notice": _("Check your email: we sent a link to confirm the signature.")})
