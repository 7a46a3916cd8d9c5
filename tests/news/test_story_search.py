"""The search page's news stories: every word somewhere in the title, latest first, read
through the newest stories for common words and through the title index for rare ones."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clarion.core.text import LIKE_CONTAINS
from clarion.news import selectors
from clarion.news.models import Story

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(days=400)


def _stories(*titles: str) -> list[Story]:
    """Stories in the order given, each published a day after the one before."""
    return [
        Story.objects.create(
            title=title,
            first_published_at=START + timedelta(days=n),
            last_published_at=START + timedelta(days=n),
        )
        for n, title in enumerate(titles)
    ]


def _found(query: str, limit: int = 5) -> list[str]:
    return [story.title for story in selectors.search_stories(query, limit)]


def _expected(query: str, limit: int = 5) -> list[str]:
    """The answer by the plain definition: every word in the title, in any case."""
    stories = Story.objects.all()
    for word in query.split():
        stories = stories.filter(title__icontains=word)
    return [s.title for s in stories.order_by("-last_published_at", "-id")[:limit]]


@pytest.fixture
def archive(monkeypatch) -> list[Story]:
    # Few stories read by date, so that a rare word is looked up in the index.
    monkeypatch.setattr(selectors, "NEWEST_FIRST", 3)
    return _stories(
        "Dam on the Kalomi river approved",  # old: beyond the newest three
        "Water rates rise in the capital",
        "Wetlands drained for a new port",
        "Teachers strike over water in schools",
        "Port workers strike",
        "WATER shortages spread",
        "Rename the a_b fund",
        "Rename the axb fund",
    )


def test_rare_and_common_words_are_found_latest_first(archive):
    assert _found("kalomi") == ["Dam on the Kalomi river approved"]  # only in an old one
    assert _found("water") == [
        "WATER shortages spread",
        "Teachers strike over water in schools",
        "Water rates rise in the capital",
    ]
    assert _found("water", limit=1) == ["WATER shortages spread"]
    assert _found("strike port") == ["Port workers strike"]
    assert _found("nothing like it") == []


@pytest.mark.parametrize(
    "query",
    ["kalomi", "KALOMI river", "water", "strike", "port", "a_b", "rename", "dam water", "ort"],
)
def test_the_answer_is_the_plain_definitions(archive, query):
    assert _found(query) == _expected(query)
    assert _found(query, limit=2) == _expected(query, limit=2)


def test_short_words_beside_long_ones_are_found_and_crash_nothing(archive):
    # Short words can't be looked up by trigrams; asking the index with one before a
    # longer one crashed the whole process (SQLite 3.40).
    _stories("Port of Limón: strike on the docks", "Strike in the EU ports")
    queries = ["of limón", "on strike docks", "eu ports", "and or not", "de abc", "eu"]
    # "_" is a word's letter, and a one-letter wildcard to the index.
    queries += ["a_b", "a_b fund", "the_a_b", "a_b_fund", "por_t strike", "x_docks", "_"]
    for query in queries:
        assert _found(query) == _expected(query), query


def test_random_queries_find_what_the_plain_definition_finds(archive):
    # Letters, digits, accents and underscores in every arrangement the search box lets
    # through: each answer is the plain definition's, and none crashes the process.
    _stories("Ñandú sighted near the a_b_c dam", "Ünïcode ÇÀ report 1977", "Cbd_e road")
    rng = random.Random(17)
    for _ in range(300):
        words = ["".join(rng.choice("abcdeorñü_1") for _ in range(rng.randint(1, 7)))]
        words += [
            rng.choice(["dam", "port", "strike", "road", "río"]) for _ in range(rng.randint(0, 2))
        ]
        rng.shuffle(words)
        query = " ".join(words)
        assert _found(query) == _expected(query), query


def test_an_underscore_matches_only_itself(archive):
    assert _found("a_b") == ["Rename the a_b fund"]


def test_retitled_and_deleted_stories_are_found_as_they_are_now(archive):
    old = archive[0]
    old.title = "Dam on the Tarcoles river approved"
    old.save(update_fields=["title"])
    assert _found("kalomi") == []
    assert _found("tarcoles") == ["Dam on the Tarcoles river approved"]
    Story.objects.filter(pk=old.pk).update(title="Quarry on the Tarcoles")  # a bulk write
    assert _found("dam tarcoles") == []
    assert _found("quarry") == ["Quarry on the Tarcoles"]
    Story.objects.filter(pk=old.pk).delete()
    assert _found("quarry") == []


def test_a_short_archive_is_read_whole(monkeypatch):
    monkeypatch.setattr(selectors, "NEWEST_FIRST", 10)
    _stories("Rail fares rise", "Bus fares fall", "Tram line opens")
    assert _found("fares") == ["Bus fares fall", "Rail fares rise"]
    assert _found("fares", limit=1) == ["Bus fares fall"]
    assert _found("ferry") == []


def test_the_title_index_is_in_place_and_serves_rare_words(archive):
    # Fails if a later migration remade the story table without its triggers (SQLite),
    # or the index is gone (PostgreSQL).
    with CaptureQueriesContext(connection) as queries:
        assert _found("kalomi") == ["Dam on the Kalomi river approved"]
    assert _index_in_place()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + queries.captured_queries[-1]["sql"])
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "news_story_title VIRTUAL TABLE INDEX" in plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            where = LIKE_CONTAINS.format("s.title")
            cursor.execute(f"EXPLAIN SELECT id FROM news_story s WHERE {where}", ["%kalomi%"])  # noqa: S608
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "news_story_title_trgm" in plan


def _index_in_place() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            names = {row[0] for row in cursor.fetchall()}
            return {
                f"news_story_title{part}" for part in ("", "_insert", "_update", "_delete")
            } <= names
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'news_story_title_trgm'")
        return cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_the_stories_there_and_can_be_undone(monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(selectors, "NEWEST_FIRST", 1)
    try:
        call_command("migrate", "news", "0009", verbosity=0)
        selectors._sqlite_title_index.cache_clear()
        assert not _index_in_place()
        _stories("Dam on the Kalomi river approved", "Port workers strike")
        assert _found("kalomi") == ["Dam on the Kalomi river approved"]  # read one by one
    finally:
        call_command("migrate", verbosity=0)
        selectors._sqlite_title_index.cache_clear()
    assert _index_in_place()
    assert _found("kalomi") == ["Dam on the Kalomi river approved"]  # through the index
