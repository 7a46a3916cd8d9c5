"""/api/v1/petitions: list, filter, search and fetch petitions."""

from typing import Literal

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import paginate

from clarion.api.common import (
    CountryCode,
    Text,
    absolute,
    category_ref,
    json_body,
    target_ref,
)
from clarion.api.pagination import PageNumbers, Rendered
from clarion.api.schemas import (
    AcceptedOut,
    CountryCountsOut,
    ErrorOut,
    PetitionOut,
    SignErrorOut,
    SignIn,
    ValidationErrorOut,
)
from clarion.core import locale
from clarion.core.http import client_ip
from clarion.petitions import search, selectors
from clarion.petitions.forms import SignForm
from clarion.petitions.models import Demand, Petition
from clarion.petitions.services import SignatureError, sign_rate_limit, signature_create

router = Router(tags=["petitions"])


class PetitionFilters(Schema):
    q: Text = None
    category: Text = None
    country: CountryCode = None
    status: Literal["published", "closed", "draft"] | None = None


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
        "targets": [target_ref(t) for t in petition.targets.all()],
        "demands": [d.text for d in petition.demands.all()],
        "categories": [category_ref(c) for c in petition.categories.all()],
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
    response={200: list[PetitionOut], 400: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
)
@paginate(PageNumbers)
def list_petitions(request: HttpRequest, filters: Query[PetitionFilters]):
    """Public petitions, newest first, or ranked by relevance when `q` is given."""
    qs = _scope(request, filters)
    if filters.q and filters.q.strip():
        # Unfiltered, the scope is all public petitions: the index filters them itself.
        public = not (filters.status or filters.category or filters.country)
        return Rendered(SearchWindow(filters.q, qs, public=public), petition_to_dict)
    ordered = qs.order_by("-published_at", "-created_at").distinct()
    return Rendered(ordered, petition_to_dict)


class SearchWindow:
    """The petitions matching ``query``, ranked, a page at a time; its total comes from
    the page's own search, so the paginator asks for the page first."""

    def __init__(self, query: str, scope, *, public: bool) -> None:
        self.query, self.scope, self.public = query, scope, public
        self.total = 0

    def __getitem__(self, window: slice) -> list[Petition]:
        found = search.search(
            self.query,
            self.scope,
            offset=window.start,
            limit=window.stop - window.start,
            public=self.public,
        )
        self.total = found.total
        return [hit.petition for hit in found.hits]

    def count(self) -> int:
        return self.total


@router.get("/{slug}", response={200: PetitionOut, 400: ErrorOut, 404: ErrorOut})
def get_petition(request: HttpRequest, slug: str):
    petition = selectors.petition_for_page(slug, include_drafts=request.user.is_staff)
    if petition is None:
        raise HttpError(404, f"No petition with slug {slug!r}.")
    return petition_to_dict(petition)


# --- signing -----------------------------------------------------------------------


def sign_form_data(body: SignIn) -> dict[str, str]:
    """The JSON body as the petition page's form would have posted it."""
    data = {
        "full_name": body.full_name,
        "email": body.email,
        "country": body.country.upper(),
        "postcode": body.postcode,
        "comment": body.comment,
    }
    # Checkboxes: present when ticked, absent otherwise, as a browser sends them.
    if body.show_name:
        data["show_name"] = "on"
    if body.wants_updates:
        data["wants_updates"] = "on"
    return data


@router.post(
    "/{slug}/signatures",
    response={
        202: AcceptedOut,
        400: SignErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
)
@decorate_view(json_body)
def sign_petition(request: HttpRequest, response: HttpResponse, slug: str, body: SignIn):
    """Sign a petition, as its page's form does: the signer gets an email to confirm.

    The answer is 202 whether or not the address had signed before, so it reveals
    nothing about who signed. The same checks as the form apply (a field that fails
    is named in `errors`). No cookie is read, so no CSRF token is needed; each address
    may try `CLARION_SIGN_API_PER_HOUR` times an hour, then gets 429 with Retry-After.
    """
    wait = sign_rate_limit(client_ip(request), "api")
    if wait:
        response["Retry-After"] = str(wait)
        return Status(429, {"detail": _("Too many signatures from this address; try again later.")})
    # Drafts are never signable here, whoever sends the request.
    petition = selectors.petition_to_sign(slug)
    if petition is None:
        raise HttpError(404, f"No petition with slug {slug!r}.")
    form = SignForm(sign_form_data(body))
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return Status(
            400, {"detail": _("Please correct the fields named in errors."), "errors": errors}
        )
    try:
        signature_create(
            petition=petition,
            data=form.to_input(),
            ip=client_ip(request),
            language=get_language() or "en",
        )
    except SignatureError as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    return Status(202, {"detail": _("Check your email: we sent a link to confirm the signature.")})


@router.get("/{slug}/countries", response={200: CountryCountsOut, 400: ErrorOut, 404: ErrorOut})
def petition_countries(request: HttpRequest, slug: str):
    """Confirmed signatures by the signer's country, most first.

    Counts of a large petition (1,000 signatures or more) may lag by a few minutes.
    """
    version = selectors.petition_page_version(slug)
    if version is None:
        raise HttpError(404, f"No petition with slug {slug!r}.")
    petition_id, count, _updated = version
    stats = selectors.signature_stats(petition_id, count)
    return {
        "petition": slug,
        "total": sum(n for _code, n in stats.countries),
        "results": [
            {"country": code, "name": countries.name(code) or code, "count": n}
            for code, n in stats.countries
        ],
    }
