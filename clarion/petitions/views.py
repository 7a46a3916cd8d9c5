"""Public petition pages. Views stay thin: read, validate, call a service, redirect."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import set_response_etag
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from clarion.appeals.selectors import appeal_for
from clarion.core import formtoken
from clarion.core.http import (
    anonymous,
    client_ip,
    is_staff,
    private_page,
    public_page,
    share_with_caches,
)
from clarion.core.pdf import pdf_response
from clarion.petitions import charts, selectors
from clarion.petitions.forms import SearchForm, SignForm, sign_token_scope
from clarion.petitions.models import Petition
from clarion.petitions.pdf import petition_document
from clarion.petitions.services import (
    SignatureError,
    signature_create,
)
from clarion.taxonomy.models import Category

PAGE_SIZE = 12


@require_safe
@public_page
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
    petition = selectors.petition_for_page(slug, include_drafts=is_staff(request))
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
    pending: bool = False,
) -> HttpResponse:
    """``pending``: the petition's count includes the confirmations not folded in yet."""
    context = {
        "petition": petition,
        "form": form,
        # The same for every visitor, so the page can be cached and shared.
        "form_token": formtoken.issue(sign_token_scope(petition)),
        "signatures": selectors.public_signatures(petition),
        "share_url": request.build_absolute_uri(petition.get_absolute_url()),
        # Rendered into the cached page; the figures themselves are cached too.
        "charts": charts.for_petition(petition, pending=pending),
    }
    return render(request, "petitions/detail.html", context, status=status)


def _cached_petition_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The petition page from the shared cache, rendered at most once per version and TTL.

    The cache is keyed by the petition's current count and last edit, read fresh, so the
    count shown is the stored one and never goes back; only what the key can't see (the
    relative times of the latest signatures, a story's coverage) may lag, by at most
    CLARION_PAGE_CACHE_SECONDS. The page holds nothing of the visitor's, so it is served
    as it was stored, with the ETag computed when it was rendered. In front of this, each
    process serves the page it answered in the last second again without coming here
    (clarion.core.microcache).
    """
    version = selectors.petition_page_version(slug)
    if version is None:
        return _unpublished_or_404(request, slug)
    petition_id, count, updated_at = version
    variant = f"{count}|{updated_at}|{get_language()}|{request.scheme}|{request.get_host()}"
    # Hashed: the parts hold spaces and colons, which some cache backends refuse.
    digest = hashlib.blake2b(variant.encode(), digest_size=16).hexdigest()
    key = f"petition-page:{petition_id}:{digest}"
    entry = cache.get(key)
    if entry is None:
        petition = selectors.petition_for_page(slug)
        if petition is None:
            raise Http404(_("There is no petition at this address."))
        response = _render_petition(request, petition, SignForm())
        set_response_etag(response)
        entry = (response.content, response["ETag"])
        cache.set(key, entry, settings.CLARION_PAGE_CACHE_SECONDS)
    content, etag = entry
    response = HttpResponse(content)
    response["ETag"] = etag
    return response


@require_safe
@public_page
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    if anonymous(request) and settings.CLARION_PAGE_CACHE_SECONDS > 0:
        return _cached_petition_page(request, slug)
    petition = selectors.petition_for_page(slug, include_drafts=is_staff(request))
    if petition is None or petition.is_unpublished_start:
        # Staff see a started petition as the public does; the admin has the rest.
        return _unpublished_or_404(request, slug)
    # A personal page (a signer who has just confirmed, a moderator): the count
    # includes the confirmations the worker has not folded in yet, theirs among them.
    petition.signature_count = selectors.count_now(petition.pk)
    return _render_petition(request, petition, SignForm(), pending=True)


@require_safe
def count(request: HttpRequest, slug: str) -> HttpResponse:
    """The count as JSON, for the page's script to keep a cached page's count fresh.

    Tiny and the same for everyone, so caches may keep it for a few seconds
    (CLARION_COUNT_MAX_AGE). The words come in the page's language, ready to show.
    """
    petition = selectors.petition_count(slug)
    if petition is None:
        return JsonResponse({"error": _("There is no petition at this address.")}, status=404)
    number = petition.signature_count
    body = {
        "count": number,
        "goal": petition.signature_goal,
        "count_text": intcomma(number),
        "label": ngettext("signature", "signatures", number),
        "percent": petition.progress_percent,
        "progress_label": _("%(percent)s%% of the goal") % {"percent": petition.progress_percent},
    }
    response = JsonResponse(body)
    return share_with_caches(request, response, max_age=settings.CLARION_COUNT_MAX_AGE)


@csrf_exempt  # a signed form token instead of the CSRF cookie: see clarion.core.formtoken
@private_page
@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    # Only the petition row is needed to take a signature; the page's extras (targets,
    # demands, categories, story) are read only when the form has to be shown again.
    petition = selectors.petition_to_sign(slug, include_drafts=is_staff(request))
    if petition is None:
        raise Http404(_("There is no petition at this address."))
    form = SignForm(request.POST)
    if not formtoken.token_accepted(request, sign_token_scope(petition)):
        form.is_valid()  # keep what was typed, and its errors, on the form shown again
        form.add_error(None, _("This form was open too long. Please send it again."))
        return _render_petition(request, _petition_or_404(request, slug), form, status=400)
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
@public_page
def category_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "petitions/category_index.html",
        {"categories": selectors.categories_with_counts()},
    )


@require_safe
@public_page
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    page = _page(request, selectors.petitions_in_category(category))
    return render(request, "petitions/category_detail.html", {"category": category, "page": page})


@require_safe
def pdf(request: HttpRequest, slug: str) -> HttpResponse:
    return pdf_response(*petition_document(_petition_or_404(request, slug)))
