"""PostgreSQL: the public petitions ranked in this machine's copy of the search index.

Committed rows only reach the copy, so these tests commit (``transaction=True``); each
keeps its copy in a folder of its own (tests/conftest.py). They run in the PostgreSQL
pass and skip on SQLite, whose index is the database's own.
"""

from __future__ import annotations

import io
import logging
import sqlite3
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from clarion.core import kept
from clarion.petitions import replica, search, selectors
from clarion.petitions.models import Petition
from clarion.petitions.services import petition_delete, petition_reindex

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _empty_search_table():
    # The search table is not a model, so the flush after each test leaves its rows.
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search.TABLE}")  # noqa: S608
        # Nor its generation row, which one test deletes.
        cursor.execute(
            "INSERT INTO petitions_search_state SELECT gen_random_uuid() "
            "WHERE NOT EXISTS (SELECT 1 FROM petitions_search_state)"
        )


@pytest.fixture
def postgres_ranks(monkeypatch) -> list[str]:
    """The searches PostgreSQL ranked itself (the rest came from the copy)."""
    asked: list[str] = []
    original = search._search_postgres

    def spy(tsquery, *args):
        asked.append(tsquery)
        return original(tsquery, *args)

    monkeypatch.setattr(search, "_search_postgres", spy)
    return asked


def _found(query: str) -> list[int]:
    page = search.search(query, selectors.public_petitions(), offset=0, limit=50, public=True)
    return [hit.petition.pk for hit in page.hits]


def _copied_ids() -> set[int]:
    where = replica.path()
    assert where is not None
    with sqlite3.connect(where) as db:
        return {row[0] for row in db.execute("SELECT rowid FROM petitions_search")}


def test_public_searches_are_ranked_in_the_copy_as_on_sqlite(
    make_petition, category, postgres_ranks
):
    in_body = make_petition(title="A", goal="B", narrative="Tell the aquifer board.")
    in_names = make_petition(title="C", goal="D", related_headline="Aquifer runs dry")
    in_goal = make_petition(title="E", goal="Refill the aquifer.")
    in_title = make_petition(title="Aquifer now", goal="F")
    _found("aquifer")  # the first search builds the copy (PostgreSQL answers it)
    postgres_ranks.clear()
    assert _found("aquifer") == [in_title.pk, in_goal.pk, in_names.pk, in_body.pk]
    assert _found("aqui") == [in_title.pk, in_goal.pk, in_names.pk, in_body.pk]
    assert postgres_ranks == []


def test_changes_reach_the_copy_before_the_next_search(make_petition, postgres_ranks):
    kept_one = make_petition(title="Orchard rescue")
    assert _found("orchard") == [kept_one.pk]
    postgres_ranks.clear()

    added = make_petition(title="Orchard fund")
    assert sorted(_found("orchard")) == sorted([kept_one.pk, added.pk])

    added.title = "Meadow fund"
    added.save()
    petition_reindex(added)
    assert _found("orchard") == [kept_one.pk]
    assert _found("meadow") == [added.pk]

    added.status = Petition.Status.DRAFT
    added.save()
    petition_reindex(added)
    assert _found("meadow") == []

    petition_delete(kept_one)
    assert _found("orchard") == []
    assert kept_one.pk not in _copied_ids()
    assert postgres_ranks == []


def test_a_transaction_that_commits_late_is_not_missed(make_petition):
    first = make_petition(title="Lantern walk")
    assert _found("lantern") == [first.pk]
    late = make_petition(title="Placeholder")
    written, go_on = threading.Event(), threading.Event()

    def slow_edit() -> None:
        try:
            with transaction.atomic():
                row = Petition.objects.get(pk=late.pk)
                row.title = "Lantern repair"
                row.save()
                petition_reindex(row)
                written.set()
                go_on.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_edit)
    thread.start()
    assert written.wait(10)
    # Committed after the slow transaction began (a higher transaction id), searched
    # while it is still open: the copy's watermark must not pass the open one.
    newer = make_petition(title="Lantern festival")
    assert sorted(_found("lantern")) == sorted([first.pk, newer.pk])
    go_on.set()
    thread.join(10)
    assert sorted(_found("lantern")) == sorted([first.pk, late.pk, newer.pk])


def test_uncommitted_words_are_ranked_by_postgresql_and_never_copied(make_petition, postgres_ranks):
    make_petition(title="Harbour lights")
    _found("harbour")

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        pending = make_petition(title="Harbour wall")
        assert pending.pk in _found("harbour")
        assert postgres_ranks  # only PostgreSQL sees this transaction's words
        raise Undo
    assert pending.pk not in _copied_ids()
    assert pending.pk not in _found("harbour")


def test_search_rebuild_builds_the_copy_again(make_petition, postgres_ranks):
    petition = make_petition(title="Tidal pool")
    assert _found("tidal") == [petition.pk]
    with connection.cursor() as cursor:
        # Behind the index's back, as a restore of an older dump could: only a rebuild
        # tells the copies.
        cursor.execute(f"DELETE FROM {search.TABLE}")  # noqa: S608
    assert _found("tidal") == [petition.pk]  # the copy still has it
    call_command("search_rebuild", stdout=io.StringIO())
    Petition.objects.filter(pk=petition.pk).update(title="Rock pool")
    petition_reindex(Petition.objects.get(pk=petition.pk))
    postgres_ranks.clear()
    assert _found("tidal") == []
    assert _found("rock") == [petition.pk]
    assert postgres_ranks == []


def test_a_big_table_is_copied_in_the_background(make_petition, monkeypatch, postgres_ranks):
    monkeypatch.setattr(replica, "BUILD_IN_REQUEST", 0)
    monkeypatch.setattr(replica, "BUILD_BATCH", 2)  # several batches
    petitions = [make_petition(title=f"Beacon {n}") for n in range(5)]
    built = threading.Event()
    original = replica._build_apart

    def watched(where):
        original(where)
        built.set()

    monkeypatch.setattr(replica, "_build_apart", watched)
    assert len(_found("beacon")) == 5  # PostgreSQL, while the copy is made
    assert built.wait(20)
    postgres_ranks.clear()
    assert sorted(_found("beacon")) == sorted(p.pk for p in petitions)
    assert postgres_ranks == []


def test_serve_builds_the_copy_before_its_workers_start(make_petition):
    make_petition(title="Quarry")
    kept.warm_up()
    assert replica.path().exists()
    assert len(_copied_ids()) == 1


def test_a_damaged_copy_costs_only_speed_and_is_built_again(make_petition, caplog, postgres_ranks):
    petition = make_petition(title="Glasshouse")
    _found("glasshouse")
    replica.close()
    replica.path().write_bytes(b"not a database at all" * 100)
    with caplog.at_level(logging.WARNING, logger="clarion"):
        assert _found("glasshouse") == [petition.pk]
    assert postgres_ranks
    assert "is damaged" in caplog.text
    _found("glasshouse")  # finds no copy, so builds one (PostgreSQL answers)
    postgres_ranks.clear()
    assert _found("glasshouse") == [petition.pk]
    assert postgres_ranks == []


def test_serve_builds_a_damaged_copy_again(make_petition):
    make_petition(title="Quarry")
    kept.warm_up()
    replica.path().write_bytes(b"not a database at all" * 100)
    kept.warm_up()
    assert len(_copied_ids()) == 1


def test_it_can_be_turned_off(make_petition, settings, postgres_ranks):
    settings.CLARION_SEARCH_REPLICA_DIR = ""
    petition = make_petition(title="Lighthouse")
    assert _found("lighthouse") == [petition.pk]
    assert _found("lighthouse") == [petition.pk]
    assert len(postgres_ranks) == 2


def test_a_lost_generation_row_is_written_again_by_search_rebuild(make_petition, postgres_ranks):
    petition = make_petition(title="Signal box")
    _found("signal")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM petitions_search_state")
    postgres_ranks.clear()
    assert _found("signal") == [petition.pk]
    assert postgres_ranks  # without a generation the copy can't tell it is current
    call_command("search_rebuild", stdout=io.StringIO())
    postgres_ranks.clear()
    assert _found("signal") == [petition.pk]
    assert postgres_ranks == []


def test_a_bulk_change_builds_the_copy_afresh(make_petition, monkeypatch, postgres_ranks):
    monkeypatch.setattr(replica, "CATCH_UP_MOST", 2)
    first = make_petition(title="Ferry timetable")
    _found("ferry")
    more = [make_petition(title=f"Ferry route {n}") for n in range(3)]  # three changes
    postgres_ranks.clear()
    assert len(_found("ferry")) == 4  # PostgreSQL, while the copy is built again
    assert postgres_ranks
    postgres_ranks.clear()
    assert sorted(_found("ferry")) == sorted([first.pk, *(p.pk for p in more)])
    assert postgres_ranks == []


def test_a_new_build_is_read_whole_while_an_old_one_is_still_open(make_petition, postgres_ranks):
    # Another thread keeps the old copy open with pages in its write-ahead log (the
    # catch-up below writes them there). SQLite finds that log by the file's name, so a
    # build that took the old file's name would be read through the old log: the old
    # generation's pages, and the search would go to PostgreSQL for good.
    make_petition(title="Harbour wall")
    opened, finished = threading.Event(), threading.Event()

    def reader() -> None:
        _found("harbour")  # builds the copy
        make_petition(title="Harbour light")
        _found("harbour")  # copies the new row: its pages stay in this thread's log
        opened.set()
        finished.wait(20)
        replica.close()
        connection.close()  # this thread's own

    other = threading.Thread(target=reader)
    other.start()
    try:
        assert opened.wait(20)
        call_command("search_rebuild", stdout=io.StringIO())  # a new generation, a new file
        third = make_petition(title="Harbour steps")
        postgres_ranks.clear()
        assert third.pk in _found("harbour")
        assert len(_found("harbour")) == 3
        assert postgres_ranks == []
    finally:
        finished.set()
        other.join(20)


def test_builds_leave_one_file_behind_and_tidy_what_an_interrupted_one_left(make_petition):
    make_petition(title="Lock gate")
    where = replica.path()
    where.parent.mkdir(parents=True, exist_ok=True)
    # Left by builds stopped half-way: this version's, and the earlier versions'.
    left = [
        where.with_name(f"{where.stem}.{replica.BUILD_MARK}cut-short.sqlite3"),
        where.with_name(f"{where.stem}.{replica.BUILD_MARK}cut-short.sqlite3-wal"),
        where.with_name(f"{where.name}.4242-139999"),
        where.with_name(f"{where.name}.4242-139999-wal"),
    ]
    for file in left:
        file.write_bytes(b"x" * 1000)
    kept.warm_up()  # builds the copy
    first = where.resolve()
    call_command("search_rebuild", stdout=io.StringIO())  # builds it again
    assert where.resolve() != first
    files = sorted(f.name for f in where.parent.iterdir())
    assert files == sorted([where.name, where.name + ".lock", where.resolve().name])
    assert len(_copied_ids()) == 1


def test_a_build_that_fails_leaves_nothing_behind(make_petition, monkeypatch):
    make_petition(title="Weir")
    original = replica._fill

    def fails(fresh):
        original(fresh)
        raise OSError("No space left on device")

    monkeypatch.setattr(replica, "_fill", fails)
    with pytest.raises(OSError):
        replica.build(replica.path())
    assert list(replica.path().parent.iterdir()) == [
        replica.path().with_name(replica.path().name + ".lock")
    ]
