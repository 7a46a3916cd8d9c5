"""Public pages of the news desk: latest stories, one story, one article."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clarion.core.text import truncate_at_sentence
from clarion.news import selectors

EXTRACT_CHARS = 600


def index(request: HttpRequest) -> HttpResponse:
    languages = selectors.story_languages()
    # ?language=es shows the Spanish-language stories only; an unknown code shows all.
    language = request.GET.get("language", "")
    if language not in languages:
        language = ""
    page = Paginator(selectors.latest_stories(language), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "news/index.html",
        {
            "page": page,
            "languages": languages,
            "language": language,
            "page_query": f"language={language}&" if language else "",
        },
    )


def story(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.story_for_page(pk)
    if found is None:
        raise Http404(_("There is no story at this address."))
    staff = request.user.is_staff
    return render(
        request,
        "news/story.html",
        {"story": found, "petition": selectors.story_petition(found, include_drafts=staff)},
    )


def article(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    found = selectors.article_for_page(pk)
    if found is None:
        raise Http404(_("There is no article at this address."))
    if slug != (slugify(found.headline)[:80] or "article"):
        return redirect(found, permanent=True)
    return render(
        request,
        "news/article.html",
        {
            "article": found,
            "extract": truncate_at_sentence(found.text or found.summary, EXTRACT_CHARS),
            "coverage": selectors.other_coverage(found),
            "petitions": selectors.petitions_about(found, include_drafts=request.user.is_staff),
        },
    )
