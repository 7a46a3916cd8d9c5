"""Reads for the public news pages."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from clarion.news.models import Article, Story
from clarion.petitions.models import Petition

PUBLIC = (Petition.Status.PUBLISHED, Petition.Status.CLOSED)


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


def petitions_about(article: Article, *, include_drafts: bool = False) -> list[Petition]:
    """Petitions drafted from the article's story, or that cite the article itself."""
    about = Q(related_url=article.url)
    if article.story_id is not None:
        about |= Q(story__pk=article.story_id)
    statuses = (*PUBLIC, Petition.Status.DRAFT) if include_drafts else PUBLIC
    return list(
        Petition.objects.filter(about, status__in=statuses)
        .distinct()
        .prefetch_related("translations")
    )


def story_petition(story: Story, *, include_drafts: bool = False) -> Petition | None:
    petition = story.petition
    if petition is None:
        return None
    if petition.status in PUBLIC or (include_drafts and petition.status == Petition.Status.DRAFT):
        return petition
    return None
