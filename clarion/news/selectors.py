"""Reads for the public news pages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from clarion.news.models import Article, Story
from clarion.taxonomy import countries


def latest_stories(language: str = "") -> QuerySet[Story]:
    """Stories, latest first; only those written in ``language`` when one is given."""
    stories = Story.objects.filter(language=language) if language else Story.objects.all()
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


def story_languages() -> list[str]:
    """The languages the news desk has stories in, for the index's filter."""
    return sorted(Story.objects.exclude(language="").values_list("language", flat=True).distinct())


def article_for_page(pk: int) -> Article | None:
    return (
        Article.objects.select_related("story", "story__petition")
        .prefetch_related("categories")
        .filter(pk=pk)
        .first()
    )


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
