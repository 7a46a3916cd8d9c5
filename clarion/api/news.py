"""/api/v1/articles and /api/v1/stories: what the news desk has read and grouped."""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from clarion.api.common import CountryCode, Id, Text, absolute, category_ref
from clarion.api.news_schemas import (
    ArticleDetailOut,
    ArticleOut,
    StoryOut,
)
from clarion.api.pagination import PageNumbersWithSize, Rendered
from clarion.api.schemas import ErrorOut, ValidationErrorOut
from clarion.news.models import Article, Story
from clarion.petitions.models import Petition

articles_router = Router(tags=["articles"])
stories_router = Router(tags=["stories"])

_PUBLIC = (Petition.Status.PUBLISHED, Petition.Status.CLOSED)


class ArticleFilters(Schema):
    category: Text = None
    country: CountryCode = None
    story: Id | None = None
    language: Text = None


class StoryFilters(Schema):
    category: Text = None
    country: CountryCode = None


def _categories(item: Article | Story) -> list[dict]:
    return [category_ref(c) for c in item.categories.all()]


def article_to_dict(article: Article, *, with_text: bool = False) -> dict:
    data = {
        "id": article.pk,
        "url": absolute(article.get_absolute_url()),
        "original_url": article.url,
        "headline": article.headline,
        "outlet": {"name": article.outlet_name, "domain": article.outlet_domain},
        "author": article.author,
        "published_at": article.published_local,
        "published_is_fetch_time": article.published_is_fetch_time,
        "language": article.language,
        "summary": article.summary,
        "categories": _categories(article),
        "countries": [str(code) for code in article.countries],
        "story": article.story_id,
    }
    if with_text:
        data["text"] = article.text
    return data


def story_to_dict(story: Story, *, staff: bool) -> dict:
    petition = story.petition
    visible = petition is not None and (
        petition.status in _PUBLIC or (staff and petition.status == Petition.Status.DRAFT)
    )
    return {
        "id": story.pk,
        "url": absolute(story.get_absolute_url()),
        "title": story.title,
        "language": story.language,
        "article_count": story.article_count,
        "outlet_count": story.outlet_count,
        "first_published_at": story.first_published_at,
        "last_published_at": story.last_published_at,
        "categories": _categories(story),
        "countries": [str(code) for code in story.countries],
        "articles": [
            {
                "id": a.pk,
                "headline": a.headline,
                "outlet": a.outlet_name,
                "url": a.url,
                "published_at": a.published_local,
            }
            for a in story.articles.all()
        ],
        "petition": petition.slug if visible else None,
    }


def _articles() -> QuerySet[Article]:
    return Article.objects.prefetch_related("categories").order_by("-published_at", "-id")


def _stories() -> QuerySet[Story]:
    return (
        Story.objects.select_related("petition")
        .prefetch_related(
            "categories",
            Prefetch("articles", queryset=Article.objects.order_by("published_at", "id")),
        )
        .order_by("-last_published_at", "-id")
    )


@articles_router.get("", response={200: list[ArticleOut], 400: ErrorOut, 422: ValidationErrorOut})
@paginate(PageNumbersWithSize)
def list_articles(request: HttpRequest, filters: Query[ArticleFilters]):
    """Stored articles, newest first; times are given in each outlet's own UTC offset."""
    qs = _articles()
    if filters.category:
        qs = qs.filter(categories__slug=filters.category)
    if filters.country:
        qs = qs.filter(countries__contains=filters.country.upper())
    if filters.story is not None:
        qs = qs.filter(story_id=filters.story)
    if filters.language:
        qs = qs.filter(language=filters.language.lower())
    return Rendered(qs.distinct(), article_to_dict)


@articles_router.get(
    "/{article_id}",
    response={200: ArticleDetailOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def get_article(request: HttpRequest, article_id: Id):
    article = _articles().filter(pk=article_id).first()
    if article is None:
        raise HttpError(404, f"No article with id {article_id}.")
    return article_to_dict(article, with_text=True)


@stories_router.get("", response={200: list[StoryOut], 400: ErrorOut, 422: ValidationErrorOut})
@paginate(PageNumbersWithSize)
def list_stories(request: HttpRequest, filters: Query[StoryFilters]):
    """Stories, most recently covered first, each with its articles and its petition.

    The petition's slug appears once it is published; staff also see drafts.
    """
    qs = _stories()
    if filters.category:
        qs = qs.filter(categories__slug=filters.category)
    if filters.country:
        qs = qs.filter(countries__contains=filters.country.upper())
    staff = request.user.is_staff
    return Rendered(qs.distinct(), lambda story: story_to_dict(story, staff=staff))


@stories_router.get(
    "/{story_id}", response={200: StoryOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
)
def get_story(request: HttpRequest, story_id: Id):
    story = _stories().filter(pk=story_id).first()
    if story is None:
        raise HttpError(404, f"No story with id {story_id}.")
    return story_to_dict(story, staff=request.user.is_staff)
