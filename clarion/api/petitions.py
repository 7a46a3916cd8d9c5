"""/api/v1/petitions: list, filter, search and fetch petitions."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from clarion.api.common import CountryCode, Page, PerPage, Text, absolute, page_of
from clarion.api.schemas import ErrorOut, PetitionOut, PetitionPage, ValidationErrorOut
from clarion.core import locale
from clarion.petitions import search, selectors
from clarion.petitions.models import Demand, Petition

router = Router(tags=["petitions"])


class PetitionFilters(Schema):
    q: Text = None
    category: Text = None
    country: CountryCode = None
    status: Literal["published", "closed", "draft"] | None = None
    page: Page = 1
    per_page: PerPage = 20


def _translations(petition: Petition) -> list[dict]:
    """The petition's other versions: the API itself answers in English (the original's
    words are the top-level fields), so a client picks the version it wants."""
    interface = {code for code, _name in settings.LANGUAGES}
    path = petition.get_absolute_url()
    return [
        {
            "language": t.language,
            "url": absolute(locale.path_in(t.language, path)) if t.language in interface else None,
            "title": t.title,
            "goal": t.goal,
            "narrative": t.narrative,
            "demands": t.demand_list(),
        }
        for t in petition.translations.all()
    ]


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
        "url": absolute(petition.get_absolute_url()),
        "title": petition.title,
        "goal": petition.goal,
        "narrative": petition.narrative,
        "language": petition.language,
        "translations": _translations(petition),
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


# 422 is Ninja's own answer to a malformed parameter (page=two, status=secret); it is
# listed so the document describes every answer a client can get.
@router.get(
    "",
    response={200: PetitionPage, 400: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
)
def list_petitions(request: HttpRequest, filters: Query[PetitionFilters]):
    """Public petitions, newest first, or ranked by relevance when `q` is given."""
    qs = _scope(request, filters)
    offset = (filters.page - 1) * filters.per_page
    if filters.q and filters.q.strip():
        # Unfiltered, the scope is all public petitions: the index filters them itself.
        public = not (filters.status or filters.category or filters.country)
        found = search.search(filters.q, qs, offset=offset, limit=filters.per_page, public=public)
        total, items = found.total, [hit.petition for hit in found.hits]
    else:
        ordered = qs.order_by("-published_at", "-created_at").distinct()
        total = ordered.count()
        items = list(ordered[offset : offset + filters.per_page])
    return page_of(
        request,
        total=total,
        page=filters.page,
        per_page=filters.per_page,
        results=[petition_to_dict(p) for p in items],
    )


@router.get("/{slug}", response={200: PetitionOut, 400: ErrorOut, 404: ErrorOut})
def get_petition(request: HttpRequest, slug: str):
    petition = selectors.petition_for_page(slug, include_drafts=request.user.is_staff)
    if petition is None:
        raise HttpError(404, f"No petition with slug {slug!r}.")
    return petition_to_dict(petition)
