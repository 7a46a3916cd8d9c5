"""Public petition pages. Views stay thin: read, validate, call a service, redirect."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clarion.appeals.selectors import appeal_for
from clarion.core.http import client_ip, private_page
from clarion.core.pdf import pdf_response
from clarion.petitions import charts, search, selectors
from clarion.petitions.forms import SearchForm, SignForm
from clarion.petitions.models import Demand, Petition
from clarion.petitions.pdf import petition_document
from clarion.petitions.services import (
    SignatureError,
    signature_create,
)
from clarion.taxonomy.models import Category

PAGE_SIZE = 12
SEARCH_PAGE_SIZE = 10


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    sections = selectors.home_sections()
    return render(
        request,
        "petitions/home.html",
        {
            "newest": sections.newest,
            "trending": sections.trending,
            "updated": sections.updated,
            "last_updated": selectors.site_last_updated(),
            "search_form": SearchForm(),
        },
    )


def _petition_or_404(request: HttpRequest, slug: str) -> Petition:
    petition = selectors.petition_for_page(slug, include_drafts=request.user.is_staff)
    if petition is None:
        raise Http404(_("There is no petition at this address."))
    return petition


@private_page
def _unpublished_or_404(request: HttpRequest, slug: str) -> HttpResponse:
    """A started petition's page before (or instead of) publication.

    It says that the petition is not listed or searchable yet, or why it was rejected;
    a rejection for offensive content or personal data shows the title and the reason
    only. Not indexed, and never signable here: supporters sign through the private
    link its creator shares (clarion.campaigns).
    """
    petition = selectors.petition_unpublished(slug)
    if petition is None:
        raise Http404(_("There is no petition at this address."))
    reason = petition.rejection_reason.shown() if petition.rejection_reason else None
    return render(
        request,
        "petitions/unpublished.html",
        {
            "petition": petition,
            "reason": reason,
            "show_text": not (petition.rejection_reason and petition.rejection_reason.hides_text),
        },
    )


def _render_petition(
    request: HttpRequest,
    petition: Petition,
    form: SignForm,
    status: int = 200,
    *,
    csrf_token: str | None = None,
) -> HttpResponse:
    context = {
        "petition": petition,
        "form": form,
        "signatures": selectors.public_signatures(petition),
        "share_url": request.build_absolute_uri(petition.get_absolute_url()),
        # Rendered into the cached page; the figures themselves are cached too.
        "charts": charts.for_petition(petition),
    }
    if csrf_token is not None:
        # Overrides the context processor's token (see _cached_petition_page).
        context["csrf_token"] = csrf_token
    return render(request, "petitions/detail.html", context, status=status)


def _page_cacheable(request: HttpRequest) -> bool:
    """Whether this visitor sees the same page as every other anonymous visitor.

    A session (a logged-in moderator sees drafts) or pending flash messages make the
    page personal; only the CSRF token differs otherwise, and that is put in per request.
    """
    return settings.CLARION_PAGE_CACHE_SECONDS > 0 and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    )


def _cached_petition_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The petition page from the cache, rendered at most once per version and TTL.

    The key holds the petition's current count and last edit, read fresh on every
    view, so the count shown is always the stored one and never goes back; only
    what the key can't see (the relative times of the latest signatures, a story's
    coverage) may lag, by at most CLARION_PAGE_CACHE_SECONDS. The cache is per process
    (or Redis with REDIS_URL); either way the key, not sharing, keeps pages right.
    """
    version = selectors.petition_page_version(slug)
    if version is None:
        return _unpublished_or_404(request, slug)
    petition_id, count, updated_at = version
    variant = f"{count}|{updated_at}|{get_language()}|{request.scheme}://{request.get_host()}"
    # Hashed: the parts hold spaces and colons, which some cache backends refuse in keys.
    digest = hashlib.blake2b(variant.encode(), digest_size=16).hexdigest()
    key = f"petition-page:{petition_id}:{digest}"
    entry = cache.get(key)
    if entry is None:
        petition = selectors.petition_for_page(slug)
        if petition is None:
            raise Http404(_("There is no petition at this address."))
        # Render with a random stand-in for the CSRF token; each visitor gets their own.
        placeholder = secrets.token_urlsafe(24)
        response = _render_petition(request, petition, SignForm(), csrf_token=placeholder)
        entry = (placeholder, response.content.decode(response.charset))
        cache.set(key, entry, settings.CLARION_PAGE_CACHE_SECONDS)
    placeholder, html = entry
    # get_token also makes the CSRF middleware set the cookie the token belongs to.
    return HttpResponse(html.replace(placeholder, get_token(request), 1))


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    if _page_cacheable(request):
        return _cached_petition_page(request, slug)
    petition = selectors.petition_for_page(slug, include_drafts=request.user.is_staff)
    if petition is None or petition.is_unpublished_start:
        # Staff see a started petition as the public does; the admin has the rest.
        return _unpublished_or_404(request, slug)
    return _render_petition(request, petition, SignForm())


@private_page
@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    # Only the petition row is needed to take a signature; the page's extras (targets,
    # demands, categories, story) are read only when the form has to be shown again.
    petition = selectors.petition_to_sign(slug, include_drafts=request.user.is_staff)
    if petition is None:
        raise Http404(_("There is no petition at this address."))
    form = SignForm(request.POST)
    if not form.is_valid():
        return _render_petition(request, _petition_or_404(request, slug), form, status=400)
    try:
        signature_create(
            petition=petition,
            data=form.to_input(),
            ip=client_ip(request),
            language=get_language() or "en",
            from_form=True,
        )
    except SignatureError as exc:
        form.add_error(None, exc)
        return _render_petition(request, _petition_or_404(request, slug), form, status=409)
    return redirect("petitions:thanks", slug=petition.slug)


@private_page
@require_safe
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    petition = _petition_or_404(request, slug)
    appeal = appeal_for(petition.appeal_id, get_language() or settings.LANGUAGE_CODE)
    return render(request, "petitions/thanks.html", {"petition": petition, "appeal": appeal})


def _page(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


@require_safe
def category_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "petitions/category_index.html",
        {"categories": selectors.categories_with_counts()},
    )


@require_safe
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    page = _page(request, selectors.petitions_in_category(category))
    return render(request, "petitions/category_detail.html", {"category": category, "page": page})


@require_safe
def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "petitions/search.html", {"form": form}, status=400)
    query = form.cleaned_data["q"]
    page_number = form.cleaned_data["page"] or 1
    results = search.search(
        query,
        # Demands too: each hit's snippet is cut from its words in the page's language.
        selectors.with_card_data(selectors.public_petitions()).prefetch_related(
            Prefetch("demands", queryset=Demand.objects.order_by("position", "id"))
        ),
        offset=(page_number - 1) * SEARCH_PAGE_SIZE,
        limit=SEARCH_PAGE_SIZE,
        public=True,
    )
    pages = max(1, -(-results.total // SEARCH_PAGE_SIZE))
    context = {
        "form": form,
        "query": query,
        "results": results,
        "page_number": page_number,
        "first_rank": (page_number - 1) * SEARCH_PAGE_SIZE + 1,
        "pages": pages,
        "has_previous": page_number > 1,
        "has_next": page_number < pages,
    }
    if not query or not results.total:
        # Somewhere to go from an empty search box or an empty answer: a likelier
        # spelling, the categories, and what people are signing now.
        context["suggestion"] = search.suggest(query) if query else ""
        context["browse_categories"] = [
            c for c in selectors.categories_with_counts() if c.petition_count
        ]
        context["browse_petitions"] = selectors.trending(4) or selectors.newest(4)
    return render(request, "petitions/search.html", context)


@require_safe
def pdf(request: HttpRequest, slug: str) -> HttpResponse:
    return pdf_response(*petition_document(_petition_or_404(request, slug)))
