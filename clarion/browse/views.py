"""Pages that gather what several apps hold: the news desk's stories and articles with
the petitions that answer them, and each country's and region's petitions, letters and
stories. Views stay thin: the reads are each app's selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_countries import countries

from clarion.core.http import is_staff, public_page
from clarion.core.text import truncate_at_sentence
from clarion.letters import selectors as letter_selectors
from clarion.news import selectors as news_selectors
from clarion.petitions import search as petition_search
from clarion.petitions import selectors as petition_selectors
from clarion.petitions.forms import SearchForm
from clarion.taxonomy import regions

PAGE_SIZE = 12
SEARCH_PAGE_SIZE = 10
# Letters and stories listed beside the petitions a search finds.
MATCHES_SHOWN = 5


def _page(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


# --- search ---------------------------------------------------------------------------


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Petitions ranked by the full-text index, then the open letters and news stories
    whose words match (few, and listed plainly)."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "petitions/search.html", {"form": form}, status=400)
    query = form.cleaned_data["q"]
    page_number = form.cleaned_data["page"] or 1
    results = petition_search.search(
        query,
        petition_selectors.public_petitions(),
        offset=(page_number - 1) * SEARCH_PAGE_SIZE,
        limit=SEARCH_PAGE_SIZE,
        public=True,
        # Plain rows of what the page shows, not model instances with their relations.
        load=petition_selectors.search_results,
    )
    pages = max(1, -(-results.total // SEARCH_PAGE_SIZE))
    first_page = page_number == 1 and bool(query)
    context = {
        "form": form,
        "query": query,
        "results": results,
        "page_number": page_number,
        "first_rank": (page_number - 1) * SEARCH_PAGE_SIZE + 1,
        "pages": pages,
        "has_previous": page_number > 1,
        "has_next": page_number < pages,
        # Letters and stories are few: the ones that match are listed on the first page.
        "letters": letter_selectors.search_letters(query, MATCHES_SHOWN) if first_page else [],
        "stories": news_selectors.search_stories(query, MATCHES_SHOWN) if first_page else [],
    }
    if not query or not results.total:
        # Somewhere to go from an empty search box or an empty answer: a likelier
        # spelling, the categories, and what people are signing now.
        context["suggestion"] = petition_search.suggest(query) if query else ""
        context["browse_categories"] = [
            c for c in petition_selectors.categories_with_counts() if c.petition_count
        ]
        # What the home page found trending in the last minute, if it is at hand: worked
        # out afresh, it would cost an empty search far more than the search itself.
        trending = petition_selectors.trending(4, compute=False)
        context["browse_petitions"] = trending or petition_selectors.newest(4)
    return render(request, "petitions/search.html", context)


# --- the news desk ---------------------------------------------------------------------

EXTRACT_CHARS = 600


@require_safe
@public_page
def news_index(request: HttpRequest) -> HttpResponse:
    languages = news_selectors.story_languages()
    # ?language=es shows the Spanish-language stories only; an unknown code shows all.
    language = request.GET.get("language", "")
    if language not in languages:
        language = ""
    page = Paginator(news_selectors.latest_stories(language), 20).get_page(request.GET.get("page"))
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


@require_safe
@public_page
def news_story(request: HttpRequest, pk: int) -> HttpResponse:
    found = news_selectors.story_for_page(pk)
    if found is None:
        raise Http404(_("There is no story at this address."))
    staff = is_staff(request)
    return render(
        request,
        "news/story.html",
        {
            "story": found,
            "petition": petition_selectors.visible(found.petition, include_drafts=staff),
        },
    )


@require_safe
@public_page
def news_article(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    found = news_selectors.article_for_page(pk)
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
            "coverage": news_selectors.other_coverage(found),
            "petitions": petition_selectors.petitions_about(
                url=found.url, story_id=found.story_id, include_drafts=is_staff(request)
            ),
        },
    )


# --- countries ----------------------------------------------------------------------


@require_safe
@public_page
def country_index(request: HttpRequest) -> HttpResponse:
    rows = [
        (code, countries.name(code), n) for code, n in petition_selectors.countries_with_counts()
    ]
    rows.sort(key=lambda row: row[1])
    return render(request, "browse/country_index.html", {"countries": rows})


@require_safe
@public_page
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    code = code.upper()
    if code not in countries:
        raise Http404(_("There is no country with that code."))
    page = _page(request, petition_selectors.petitions_in_countries([code]))
    return render(
        request,
        "browse/country_detail.html",
        {
            "country_code": code,
            "country_name": countries.name(code),
            "page": page,
            # The country's letters, stories and regions.
            **country_extras(code),
        },
    )


# --- regions ---------------------------------------------------------------------------


@require_safe
@public_page
def region_index(request: HttpRequest) -> HttpResponse:
    rows = [
        (region, sorted((countries.name(code), code) for code in region.countries))
        for region in regions.all_regions()
    ]
    return render(request, "browse/region_index.html", {"rows": rows})


@require_safe
@public_page
def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = regions.region(slug)
    if region is None:
        raise Http404(_("There is no region at this address."))
    codes = list(region.countries)
    petitions = petition_selectors.petitions_in_countries(codes)
    return render(
        request,
        "browse/region_detail.html",
        {
            "region": region,
            "country_list": sorted((countries.name(code), code) for code in codes),
            "page": Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page")),
            "letters": list(letter_selectors.letters_in_countries(codes)[:PAGE_SIZE]),
            "stories": list(news_selectors.stories_in_countries(codes)[:PAGE_SIZE]),
        },
    )


def country_extras(code: str) -> dict:
    """What a country page shows beside its petitions: letters, stories, regions."""
    return {
        "country_letters": list(letter_selectors.letters_in_countries([code])[:PAGE_SIZE]),
        "country_stories": list(news_selectors.stories_in_countries([code])[:PAGE_SIZE]),
        "country_regions": regions.regions_of(code),
    }
