"""/api/v1/petitions: list, filter, search and fetch petitions."""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from clarion.api.schemas import ErrorOut, PetitionOut, PetitionPage, ValidationErrorOut
from clarion.petitions import search, selectors
from clarion.petitions.models import Demand, Petition

router = Router(tags=["petitions"])

# Countries are stored as "DE,FR" text and matched as a substring, so anything but two
# letters (such as "E," in "DE,FR") could match across codes.
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")


class PetitionFilters(Schema):
    q: str | None = None
    category: str | None = None
    country: str | None = None
    status: Literal["published", "closed", "draft"] | None = None
    page: int = 1
    per_page: int = 20


def _absolute(path: str) -> str:
    return f"{settings.CLARION_BASE_URL}{path}"


def petition_to_dict(petition: Petition) -> dict:
    related = None
    if petition.related_headline or petition.related_url:
        local = petition.related_published_local
        related = {
            "headline": petition.related_headline,
            "outlet": petition.related_outlet,
            "url": petition.related_url,
            "published_at": local,
            "time_zone": petition.related_time_zone or None,
        }
    return {
        "slug": petition.slug,
        "url": _absolute(petition.get_absolute_url()),
        "title": petition.title,
        "goal": petition.goal,
        "narrative": petition.narrative,
        "language": petition.language,
        "status": petition.status,
        "signature_count": petition.signature_count,
        "signature_goal": petition.signature_goal,
        "targets": [
            {"name": t.name, "kind": t.kind, "country": t.country.code or None}
            for t in petition.targets.all()
        ],
        "demands": [d.text for d in petition.demands.all()],
        "categories": [{"slug": c.slug, "name": c.name} for c in petition.categories.all()],
        "countries": [c.code for c in petition.countries],
        "related_article": related,
        "created_at": petition.created_at,
        "published_at": petition.published_at,
        "updated_at": petition.updated_at,
        "closed_at": petition.closed_at,
    }


def _scope(request: HttpRequest, filters: PetitionFilters):
    if filters.status == "draft" and not request.user.is_staff:
        raise HttpError(403, "Only staff can list draft petitions.")
    qs = Petition.objects.all() if filters.status == "draft" else selectors.public_petitions()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(categories__slug=filters.category)
    if filters.country:
        qs = qs.filter(countries__contains=filters.country.upper())
    return selectors.with_card_data(qs).prefetch_related(
        Prefetch("demands", queryset=Demand.objects.order_by("position", "id"))
    )


def _page_link(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return _absolute(f"{request.path}?{urlencode(sorted(params.items()))}")


# 422 is Ninja's own answer to a malformed parameter (page=two, status=secret); it is
# listed so the document describes every answer a client can get.
@router.get(
    "",
    response={200: PetitionPage, 400: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
)
def list_petitions(request: HttpRequest, filters: Query[PetitionFilters]):
    """Public petitions, newest first, or ranked by relevance when `q` is given."""
    if filters.page < 1 or not 1 <= filters.per_page <= 100:
        raise HttpError(400, "page must be 1 or more and per_page between 1 and 100.")
    if filters.country is not None and not _COUNTRY_CODE.fullmatch(filters.country):
        raise HttpError(400, "country must be a two-letter ISO 3166-1 code, such as MX.")
    qs = _scope(request, filters)
    offset = (filters.page - 1) * filters.per_page
    if filters.q and filters.q.strip():
        found = search.search(filters.q, qs, offset=offset, limit=filters.per_page)
        total, items = found.total, [hit.petition for hit in found.hits]
    else:
        ordered = qs.order_by("-published_at", "-created_at").distinct()
        total = ordered.count()
        items = list(ordered[offset : offset + filters.per_page])
    pages = max(1, -(-total // filters.per_page))
    return {
        "count": total,
        "page": filters.page,
        "pages": pages,
        "next": _page_link(request, filters.page + 1) if filters.page < pages else None,
        "previous": _page_link(request, filters.page - 1) if filters.page > 1 else None,
        "results": [petition_to_dict(p) for p in items],
    }


@router.get("/{slug}", response={200: PetitionOut, 404: ErrorOut})
def get_petition(request: HttpRequest, slug: str):
    petition = selectors.petition_for_page(slug, include_drafts=request.user.is_staff)
    if petition is None:
        raise HttpError(404, f"No petition with slug {slug!r}.")
    return petition_to_dict(petition)
