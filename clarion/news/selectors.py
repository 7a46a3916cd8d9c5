"""Reads for the public news pages."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from clarion.core.text import query_words
from clarion.news.models import Article, Story
from clarion.taxonomy import countries


def primary_language(code: str) -> str:
    """ "es" for es, es-ES, es_ES or ES: the filter lists each language once."""
    return code.strip().replace("_", "-").split("-")[0].lower()


def latest_stories(language: str = "") -> QuerySet[Story]:
    """Stories, latest first; only those written in ``language`` (any regional form
    of it: es, es-ES, es-MX) when one is given."""
    stories = Story.objects.all()
    if language:
        stories = stories.filter(
            Q(language__iexact=language)
            | Q(language__istartswith=f"{language}-")
            | Q(language__istartswith=f"{language}_")
        )
    return (
        stories.select_related("petition")
        .prefetch_related(
            "categories",
            Prefetch(
                "articles",
                queryset=Article.objects.order_by("published_at", "id").only(
                    "id", "headline", "outlet_name", "story_id", "published_at"
                ),
            ),
        )
        .order_by("-last_published_at", "-id")
    )


# Characters of a first report's text read when it has no summary: enough for a few
# sentences, without reading whole articles for a list.
LEAD_OPENING_CHARS = 2000


def with_lead_text(stories: QuerySet[Story]) -> QuerySet[Story]:
    """Stories with what their first report said: ``lead_summary`` (the feed item's
    summary) and ``lead_opening`` (the start of its text), read in the same query."""
    first = Article.objects.filter(story=OuterRef("pk")).order_by("published_at", "id")
    return stories.annotate(
        lead_summary=Subquery(first.values("summary")[:1]),
        lead_opening=Subquery(
            first.annotate(opening=Substr("text", 1, LEAD_OPENING_CHARS)).values("opening")[:1]
        ),
    )


def story_languages() -> list[str]:
    """The languages the news desk has stories in, each once, for the index's filter."""
    codes = Story.objects.exclude(language="").values_list("language", flat=True).distinct()
    return sorted({primary_language(code) for code in codes} - {""})


def article_for_page(pk: int) -> Article | None:
    return (
        Article.objects.select_related("story", "story__petition")
        .prefetch_related("categories")
        .filter(pk=pk)
        .first()
    )


def search_stories(query: str, limit: int) -> list[Story]:
    """Stories whose title holds every word of ``query``, latest first.

    A plain case-insensitive match of each word, over the indexed order of the latest
    stories: enough for the few stories a search lists beside the petitions.
    """
    words = query_words(query)
    if not words:
        return []
    # Only what a search lists of each (title, link, date): the story pages' related
    # rows would cost more than the search of them.
    stories = Story.objects.only("id", "title", "last_published_at")
    for word in words:
        stories = stories.filter(title__icontains=word)
    return list(stories.order_by("-last_published_at", "-id")[:limit])


def story_for_page(pk: int) -> Story | None:
    return latest_stories().filter(pk=pk).first()


def other_coverage(article: Article) -> list[Article]:
    if article.story_id is None:
        return []
    return list(
        Article.objects.filter(story_id=article.story_id)
        .exclude(pk=article.pk)
        .order_by("published_at", "id")
    )


def stories_in_countries(codes: list[str] | tuple[str, ...]) -> QuerySet[Story]:
    """Stories about any of these countries, latest first."""
    return (
        Story.objects.filter(countries.any_of(codes))
        .prefetch_related("categories")
        .order_by("-last_published_at")
    )
