"""Search on PostgreSQL: what its tsvector branch does that SQLite's FTS5 doesn't show.

These run in the PostgreSQL pass (`make test-postgres`) and skip on SQLite.
"""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection

from clarion.petitions import search
from clarion.petitions.models import Petition, PetitionTranslation
from clarion.petitions.services import petition_reindex
from tests.conftest import require

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _search(query: str, **kwargs) -> search.SearchPage:
    return search.search(
        query, Petition.objects.all(), offset=kwargs.get("offset", 0), limit=kwargs.get("limit", 50)
    )


def _found(query: str) -> list[int]:
    return [hit.petition.pk for hit in _search(query).hits]


@pytest.fixture
def accents_folded(db) -> None:
    if not search.ignores_accents():
        require(
            "CLARION_REQUIRE_POSTGRES",
            "this PostgreSQL has no unaccent extension, so its search keeps accents",
        )


def _column(name: str) -> tuple[str, str, str]:
    """(generated?, type, storage) of one column of the search table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attgenerated, format_type(a.atttypid, a.atttypmod), a.attstorage "
            "FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attname = %s",
            [search.TABLE, name],
        )
        return cursor.fetchone()


def test_the_index_is_a_generated_gin_indexed_tsvector(db):
    assert _column("document")[:2] == ("s", "tsvector")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [search.TABLE])
        definitions = " ".join(row[0] for row in cursor.fetchall())
    assert "USING gin (document)" in definitions


def test_ranks_come_from_a_head_vector_kept_in_the_row(db):
    # Ranking reads ``head`` (title, goal, names) from the row the range query visits;
    # STORAGE MAIN keeps it there rather than in TOAST, where ``document`` goes.
    assert _column("head") == ("s", "tsvector", "m")


def test_body_matches_rank_after_head_matches_newest_first(make_petition):
    older_body = make_petition(title="A", goal="B", narrative="The aquifer is dry.")
    in_title = make_petition(title="Aquifer now", goal="C")
    newer_body = make_petition(title="D", goal="E", narrative="Aquifer aquifer aquifer.")
    in_goal = make_petition(title="F", goal="Refill the aquifer.")
    assert _found("aquifer") == [in_title.pk, in_goal.pk, newer_body.pk, older_body.pk]


def test_it_ranks_title_then_goal_then_names_then_body(make_petition, category):
    in_body = make_petition(title="A", goal="B", narrative="Tell the aquifer board.")
    in_names = make_petition(title="C", goal="D", related_headline="Aquifer runs dry")
    in_goal = make_petition(title="E", goal="Refill the aquifer.")
    in_title = make_petition(title="Aquifer now", goal="F")
    assert _found("aquifer") == [in_title.pk, in_goal.pk, in_names.pk, in_body.pk]


def test_more_of_the_words_rank_higher(make_petition):
    one = make_petition(title="Buses for the valley")
    both = make_petition(title="Night buses for the valley towns")
    assert _found("night buses") == [both.pk]
    assert sorted(_found("buses valley")) == sorted([one.pk, both.pk])
    repeated = make_petition(title="Buses, buses, buses")
    assert _found("buses")[0] == repeated.pk


def test_it_matches_prefixes_and_stems_only_what_finds_nothing(make_petition):
    petition = make_petition(title="Rivers of the north", narrative="Reforestation plans.")
    assert _found("river") == [petition.pk]
    assert _found("refor") == [petition.pk]
    # 'simple' keeps words as written, in every language alike; a word that matches
    # nothing as typed is tried again without its ending ("rivering": "river").
    page = _search("rivering")
    assert [hit.petition.pk for hit in page.hits] == [petition.pk]
    assert page.relaxed == "river"
    # A word found as written is not stemmed: only what has it comes back.
    festival = make_petition(title="Rivering festival")
    assert _found("rivering") == [festival.pk]


def test_it_finds_spanish_and_english_petitions_alike(make_petition):
    spanish = make_petition(
        title="Agua potable para Valparaíso",
        goal="Pedimos al Ministerio de Obras Públicas que garantice el suministro.",
        narrative="Los cortes de agua duran doce horas.",
        language="es",
        targets=[],
    )
    english = make_petition(
        title="Drinking water for Valparaíso",
        goal="We ask the Ministry of Public Works to guarantee supply.",
        language="en",
        targets=[],
    )
    assert _found("agua") == [spanish.pk]
    assert _found("water") == [english.pk]
    assert sorted(_found("valparaíso")) == sorted([spanish.pk, english.pk])
    # Spanish stop words are words like any other: "de" is searchable, not dropped.
    assert _found("obras de") == [spanish.pk]


def test_it_folds_accents_both_ways_and_keeps_them_in_snippets(make_petition, accents_folded):
    petition = make_petition(title="Protección del río Mapocho", narrative="Niños y pingüinos.")
    for query in ("rio", "RÍO", "proteccion", "protección", "ninos", "pinguinos"):
        assert _found(query) == [petition.pk], query
    unaccented = make_petition(title="Proteccion del rio Maipo")
    assert sorted(_found("río")) == sorted([petition.pk, unaccented.pk])
    [hit] = _search("mapocho rio").hits
    assert "<mark>río</mark>" in hit.snippet
    assert "<mark>Mapocho</mark>" in hit.snippet


def test_a_long_text_gets_a_snippet_around_the_match_with_ellipses(make_petition):
    words = " ".join(f"word{n}" for n in range(80))
    make_petition(title="Library hours", narrative=f"{words} extend the opening hours {words}")
    [hit] = _search("opening").hits
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert "<mark>opening</mark>" in hit.snippet
    assert len(hit.snippet.split()) <= search.SNIPPET_WORDS + 2


def test_a_short_text_is_its_own_snippet(make_petition):
    make_petition(title="Fish & chips <3 for all", goal="G")
    [hit] = _search("chips").hits
    assert str(hit.snippet) == "Fish &amp; <mark>chips</mark> &lt;3 for all"


def test_query_text_is_never_tsquery_syntax(make_petition):
    petition = make_petition(title="Safe crossings")
    for query in (
        "safe & !crossings",
        "safe | nothing",
        "'safe':*A",
        "safe <-> x",
        "_ safe",
        "\\'",
    ):
        page = _search(query)
        assert page.total == len(page.hits), query
    assert _found("safe & !crossings") == [petition.pk]
    assert _found("'safe'") == [petition.pk]
    assert _search("_").total == 0


def test_pages_of_equal_rank_never_overlap(make_petition):
    ids = {make_petition(title=f"Bench {n}").pk for n in range(7)}
    seen = []
    for offset in range(0, 7, 3):
        seen += [hit.petition.pk for hit in _search("bench", offset=offset, limit=3).hits]
    assert sorted(seen) == sorted(ids)


def test_search_rebuild_takes_up_unaccent_when_it_arrives(make_petition, accents_folded):
    from django.core.management import call_command

    petition = make_petition(title="Puente sobre el río")
    # As if migration 0004 had found no unaccent: the config keeps accents. DDL is
    # transactional on PostgreSQL, so the test's rollback puts the config back.
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {search.PG_CONFIG} "
            f"ALTER MAPPING FOR {search._PG_WORD_TYPES} WITH simple"
        )
        cursor.execute(f"UPDATE {search.TABLE} SET title = title")  # noqa: S608
    assert not search.ignores_accents()
    # Without unaccent, search still works; it just tells "rio" and "río" apart.
    assert _found("rio") == []
    assert _found("río") == [petition.pk]
    assert "<mark>río</mark>" in _search("río").hits[0].snippet
    call_command("search_rebuild", stdout=io.StringIO())
    assert search.ignores_accents()
    assert _found("rio") == [petition.pk]


def test_it_finds_a_petition_by_its_translation_too(make_petition, accents_folded):
    petition = make_petition(title="Clean water for Oaxaca", slug="clean-water-oaxaca")
    PetitionTranslation.objects.create(
        petition=petition,
        language="es",
        title="Agua limpia para Oaxaca",
        goal="Pedimos a la Comisión del Agua que repare la red.",
        demands="Reparar las tuberías de la sierra.",
    )
    petition_reindex(petition)
    make_petition(title="Protect the moorland", slug="moorland")
    for query in ("limpia", "comision", "tuberías", "clean water"):
        assert _found(query) == [petition.pk], query
    # The Spanish title ranks as a title; on a Spanish page the snippet is cut from it.
    from django.utils import translation

    with translation.override("es"):
        hit = _search("limpia").hits[0]
    assert "<mark>limpia</mark>" in hit.snippet.lower()


def test_the_newest_matches_are_found_range_by_range(make_petition, monkeypatch):
    # Ranges of one id, then wider: matches far apart are all found, newest first.
    monkeypatch.setattr(search, "PG_FIRST_RANGE", 1)
    matching = []
    for n in range(6):
        matching.append(make_petition(title=f"Harbour wall number {n}"))
        for _ in range(n):
            make_petition(title="Something else entirely")
    hidden = make_petition(title="Harbour wall draft", status=Petition.Status.DRAFT)
    public = search.search("harbour", Petition.objects.all(), offset=0, limit=10, public=True)
    assert {hit.petition.pk for hit in public.hits} == {p.pk for p in matching}
    assert hidden.pk not in {hit.petition.pk for hit in public.hits}
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    newest = search.search("harbour", Petition.objects.all(), offset=0, limit=10, public=True)
    assert newest.capped and {hit.petition.pk for hit in newest.hits} == {
        p.pk for p in matching[-3:]
    }


def test_the_planner_settings_of_a_search_do_not_outlive_it(make_petition):
    from django.db import transaction

    make_petition(title="Harbour wall")
    with transaction.atomic(), connection.cursor() as cursor:
        assert _found("harbour")
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


def test_a_range_after_the_first_matches_is_sized_from_them(make_petition, monkeypatch):
    # Half of the newest ids match: once the first range found some, the next asks for
    # about what is missing (a range far wider would read and sort every match in it).
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(search, "PG_FIRST_RANGE", 10)
    monkeypatch.setattr(search, "RANK_WINDOW", 8)
    matching = []
    for n in range(15):
        matching.append(make_petition(title=f"Harbour wall number {n}"))
        make_petition(title="Something else entirely")
    with CaptureQueriesContext(connection) as queries:
        page = search.search("harbour", Petition.objects.all(), offset=0, limit=20, public=True)
    assert page.capped and {hit.petition.pk for hit in page.hits} == {p.pk for p in matching[-8:]}
    spans = [high - low for low, high in _ranges(queries)]
    # 10 ids hold 5 matches; 4 more are wanted: 4 * 10 / 5 * 1.5 = 12 ids, not 40.
    assert spans == [10, 12]


def _ranges(queries) -> list[tuple[int, int]]:
    return [
        tuple(map(int, found))
        for q in queries
        for found in re.findall(r"petition_id > (\d+) AND s\.petition_id <= (\d+)", q["sql"])
    ]


def test_the_first_range_is_sized_from_the_planners_estimate(make_petition, monkeypatch):
    # Every range reads the word index again: sized from the estimate of the matches,
    # the first range holds the whole window, so one range query is enough.
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(search, "RANK_WINDOW", 8)
    matching = []
    for n in range(20):
        matching.append(make_petition(title=f"Harbour wall number {n}"))
        make_petition(title="Something else entirely")
    # The planner's own guess, whatever it is here (a table this small has few
    # statistics), is a positive number of rows.
    with connection.cursor() as cursor:
        assert search._pg_estimate(cursor, "'harbour':*", "s.public", ()) >= 1
    # As the planner estimates a large table well: half of the ids match (ids count
    # from 1 on a real site; here they go on from earlier tests).
    top = max(p.pk for p in matching) + 1
    monkeypatch.setattr(search, "_pg_estimate", lambda *args: top // 2)
    with CaptureQueriesContext(connection) as queries:
        page = search.search("harbour", Petition.objects.all(), offset=0, limit=20, public=True)
    assert page.capped and {hit.petition.pk for hit in page.hits} == {p.pk for p in matching[-8:]}
    # Half of the ids match: 8 * 1.2 / 0.5 = 19 ids, one range, not the whole table.
    assert [high - low for low, high in _ranges(queries)] == [19]
