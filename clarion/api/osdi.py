"""OSDI 1.x: petitions and their signatures as HAL+JSON, for tools built for Action
Network and other OSDI systems (https://opensupporter.github.io/osdi-docs/).

Read-only and public. The API entry point (AEP) at /api/osdi/v1/ links to the
``osdi:petitions`` collection; each petition links to its ``osdi:signatures``.

A signature is public data only: when it was confirmed, the signer's country, and,
only if the signer chose to show their name, that name and their comment. There is no
``osdi:person`` link (Clarion publishes no people) and never an email address: the
person is embedded with nothing but the country and, when shown, the display name in
``custom_fields`` (splitting one "full name" into given and family names would guess).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from clarion.api.common import MAX_PER_PAGE, absolute
from clarion.core.text import hide_emails, render_markdown
from clarion.petitions import selectors
from clarion.petitions.models import Demand, Petition, Signature

CONTENT_TYPE = "application/hal+json"
DEFAULT_PER_PAGE = 25
MAX_PAGE = 100_000
ORIGIN_SYSTEM = "Clarion"
OSDI_DOCS = "https://opensupporter.github.io/osdi-docs/{rel}"


def _hal(data: dict, status: int = 200) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)


def _error(message: str, status: int) -> HttpResponse:
    return _hal({"detail": message}, status=status)


def _href(name: str, *args: object) -> dict[str, str]:
    return {"href": absolute(reverse(name, args=args))}


def _curies() -> list[dict]:
    return [{"name": "osdi", "href": OSDI_DOCS, "templated": True}]


def _date(value: datetime | None) -> str | None:
    # OSDI's examples give UTC with a Z.
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _BadPaging(ValueError):
    pass


def _paging(request: HttpRequest) -> tuple[int, int]:
    try:
        page = int(request.GET.get("page", "1"))
        per_page = int(request.GET.get("per_page", str(DEFAULT_PER_PAGE)))
    except ValueError:
        raise _BadPaging("page and per_page must be whole numbers.") from None
    if not 1 <= page <= MAX_PAGE:
        raise _BadPaging(f"page must be between 1 and {MAX_PAGE}.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise _BadPaging(f"per_page must be between 1 and {MAX_PER_PAGE}.")
    return page, per_page


def _collection(
    request: HttpRequest,
    *,
    rel: str,
    queryset: QuerySet,
    render,
    total: int | None = None,
    extra_links: dict | None = None,
) -> HttpResponse:
    """One page of an OSDI collection: paging fields, links to neighbours, embedded items."""
    try:
        page, per_page = _paging(request)
    except _BadPaging as exc:
        return _error(str(exc), 400)
    total = queryset.count() if total is None else total
    pages = max(1, -(-total // per_page))
    offset = (page - 1) * per_page
    items = [render(item) for item in queryset[offset : offset + per_page]]

    def link(number: int) -> dict[str, str]:
        query = urlencode({"page": number, "per_page": per_page})
        return {"href": absolute(f"{request.path}?{query}")}

    links: dict = {"self": link(page), "curies": _curies(), **(extra_links or {})}
    if page < pages:
        links["next"] = link(page + 1)
    if page > 1:
        links["prev"] = link(page - 1)
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


def _petitions() -> QuerySet[Petition]:
    return (
        selectors.with_card_data(selectors.public_petitions())
        .prefetch_related(Prefetch("demands", queryset=Demand.objects.order_by("position", "id")))
        .order_by("-published_at", "-id")
    )


def _petition_text(petition: Petition) -> str:
    """The letter to the target: whom it addresses, the goal, the demands."""
    targets = "; ".join(t.name for t in petition.targets.all())
    lines = [f"To: {targets}" if targets else "", petition.goal]
    lines += [f"{n}. {d.text}" for n, d in enumerate(petition.demands.all(), start=1)]
    return "\n\n".join(line for line in lines if line)


def petition_resource(petition: Petition) -> dict:
    return {
        "identifiers": [f"clarion:{petition.pk}", f"clarion_slug:{petition.slug}"],
        "origin_system": ORIGIN_SYSTEM,
        "created_date": _date(petition.published_at or petition.created_at),
        "modified_date": _date(petition.updated_at),
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
        "_links": {
            "self": _href("osdi:petition", petition.pk),
            "osdi:signatures": _href("osdi:signatures", petition.pk),
        },
    }


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
            "self": {
                "href": absolute(
                    reverse("osdi:signatures", args=[signature.petition_id])
                    + f"#signature-{signature.pk}"
                )
            },
            "osdi:petition": _href("osdi:petition", signature.petition_id),
        },
        "_embedded": {"osdi:person": _person(signature)},
    }
    # A comment is public only beside a shown name, as on the petition page, and with
    # anything shaped like an address blanked, as there.
    if signature.show_name and signature.comment:
        resource["comments"] = hide_emails(signature.comment)
    return resource


@require_safe
def entry_point(request: HttpRequest) -> HttpResponse:
    return _hal(
        {
            "motd": f"{settings.CLARION_SITE_NAME}: petitions that answer the news.",
            "vendor_name": "Clarion",
            "product_name": "Clarion",
            "osdi_version": "1.0",
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


@require_safe
def petitions(request: HttpRequest) -> HttpResponse:
    return _collection(
        request, rel="osdi:petitions", queryset=_petitions(), render=petition_resource
    )


@require_safe
def petition(request: HttpRequest, pk: int) -> HttpResponse:
    found = _petitions().filter(pk=pk).first()
    if found is None:
        return _error(f"No public petition with id {pk}.", 404)
    return _hal(petition_resource(found))


@require_safe
def signatures(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.public_petitions().filter(pk=pk).only("pk").first()
    if found is None:
        return _error(f"No public petition with id {pk}.", 404)
    # Only fields a public page may show are read: never the address.
    queryset = (
        selectors.counted_signatures(pk)
        .order_by("-confirmed_at", "-id")
        .only("pk", "petition_id", "full_name", "show_name", "country", "comment", "confirmed_at")
    )
    return _collection(
        request,
        rel="osdi:signatures",
        queryset=queryset,
        render=signature_resource,
        extra_links={"osdi:petition": _href("osdi:petition", pk)},
    )
