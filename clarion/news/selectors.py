"""Reads for the public news pages."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from clarion.core.text import LIKE_CONTAINS, contains_pattern, query_words
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
    """Stories whose title holds every word of ``query`` (in any case), latest first.

    Only what a search lists of each is loaded (title, link, date): the story pages'
    related rows would cost more than the search of them. In SQL: the ORM took longer
    to build these statements (about 0.4 ms each) than SQLite took to run them.
    """
    words = query_words(query)
    if not words:
        return []
    table = Story._meta.db_table
    matches = " AND ".join([LIKE_CONTAINS.format("s.title")] * len(words))
    patterns = [contains_pattern(word) for word in words]
    if connection.vendor == "sqlite" and _sqlite_title_index():
        found = list(
            Story.objects.raw(_newest(table, matches), [NEWEST_FIRST - 1, *patterns, limit])
        )
        if len(found) == limit:
            return found
        # The trigram index answers LIKE itself for runs of three letters or more. Only
        # those are asked of it, and no "_" (a one-letter wildcard there): SQLite 3.40
        # crashes (a segfault) on "title LIKE '%de%' AND title LIKE '%abc%'", or on
        # "'%a_bcd%'", in that index. Its answer holds every match and perhaps a few
        # more ("port" for "por_t"); ``matches`` keeps the exact ones.
        indexed = [run for word in words for run in word.split("_") if len(run) >= TRIGRAM]
        if not indexed:
            return _every(table, matches, patterns, limit)
        index = " AND ".join(["title LIKE %s"] * len(indexed))
        rarer = (
            f"SELECT {_COLUMNS} FROM {table} s WHERE s.id IN (SELECT rowid "  # noqa: S608
            f"FROM {TITLE_INDEX} WHERE {index}) AND {matches} {_ORDER} LIMIT %s"
        )
        return list(Story.objects.raw(rarer, [*(f"%{w}%" for w in indexed), *patterns, limit]))
    # PostgreSQL weighs the trigram index on UPPER(title) (migration news 0010) against
    # walking the dates by itself: 0.8 to 1.5 ms at 50,000 stories, for common words and
    # for words no story has (53 to 88 ms for those without the index). A SQLite without
    # its index reads every title.
    return _every(table, matches, patterns, limit)


def _every(table: str, matches: str, patterns: list[str], limit: int) -> list[Story]:
    every = f"SELECT {_COLUMNS} FROM {table} s WHERE {matches} {_ORDER} LIMIT %s"  # noqa: S608
    return list(Story.objects.raw(every, [*patterns, limit]))


_COLUMNS = "s.id, s.title, s.last_published_at"
_ORDER = "ORDER BY s.last_published_at DESC, s.id DESC"

# SQLite reads the newest stories by date first, this many at most: a word in more than
# one title in NEWEST_FIRST / limit (one in 200 for five stories) is found among them
# after a few rows. A rarer one is looked up in the title index, where it has few
# matches. Checking every title in date order read them all for a word no story has:
# 13 to 19 ms a search at 50,000 stories, 0.8 to 1.1 ms this way (0.2 to 0.6 ms for
# common words, as before).
NEWEST_FIRST = 1000


def _newest(table: str, matches: str) -> str:
    """The stories that ``matches`` (on alias s) among the newest NEWEST_FIRST (all when
    there are fewer), walked in the date index's order (which ends in the id)."""
    return (
        f"SELECT {_COLUMNS} FROM {table} s WHERE s.last_published_at >= COALESCE(("  # noqa: S608
        f"SELECT last_published_at FROM {table} ORDER BY last_published_at DESC "
        f"LIMIT 1 OFFSET %s), (SELECT min(last_published_at) FROM {table})) "
        f"AND {matches} {_ORDER} LIMIT %s"
    )


# SQLite's index of story titles (FTS5, trigram tokenizer: SQLite 3.34 and later),
# kept by triggers on the story table (migration news 0010).
TITLE_INDEX = "news_story_title"
# The shortest word the trigram index can look up.
TRIGRAM = 3


@functools.cache
def _sqlite_title_index() -> bool:
    # Absent where SQLite is older than 3.34 (the migration skips it): titles are then
    # checked one by one, as before it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [TITLE_INDEX])
        return cursor.fetchone() is not None


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
