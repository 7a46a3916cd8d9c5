"""On PostgreSQL, the public petitions ranked in a local SQLite copy of the search index.

Why: PostgreSQL's word index (GIN) hands back every match of a word before anything can
be ranked or cut: 27,000 rows for "water" at 100,000 petitions, then the heap page of
each of the newest 5,000 to rank them, 15 to 45 ms a search however the ranges are cut
(docs/performance.md). SQLite's FTS5 walks a word's matches newest first and stops, and
ranks them with bm25 in 2 to 10 ms. So each machine keeps the search table's rows in an
FTS5 file of its own (CLARION_SEARCH_REPLICA_DIR, about 3.6 KB a petition) and ranks
the public petitions there, exactly as a SQLite site does; PostgreSQL stays the record,
and answers every other search (a scope other than "public") itself.

How the copy stays right, without a process of its own:

- Every write to ``petitions_search`` stamps the row with the id of its transaction
  (``changed``, migration 0020); a deleted petition's row is emptied and stamped, not
  deleted (``search.remove_petition``).
- Before ranking, a search asks PostgreSQL, in one statement, for the rows stamped at or
  after the copy's watermark, with the oldest transaction still running (its snapshot's
  xmin). Every transaction older than that has ended, so once those rows are in, the
  watermark moves up to it; one still running has an id at or above it, and its rows
  come with a later search. A search therefore sees every petition committed before it
  began, on any machine, at the cost of one round trip (0.3 ms with nothing new).
- Rows written by the asking transaction itself, not yet committed, are never copied:
  that search is answered by PostgreSQL, the only place that sees them.
- Each copied row keeps its stamp, and an older stamp never replaces a newer one, so
  two processes catching up at once can't undo each other.
- ``clarion search_rebuild`` gives the table a new generation; a copy of another
  generation (or of another database) is built again, in the request when the table is
  small, otherwise by one background thread per machine while PostgreSQL answers.
  ``clarion serve`` builds it before starting its workers.
- Each build is a file of its own, under a name never used again, and the copy's name
  (``path()``) is a symbolic link to the current one. A new file must never take the
  name of one that is open: SQLite finds a database's write-ahead log by the file's
  name, so a connection opening the new file would read the old file's log as its own
  (the old copy's pages, or a mix). An old file is unlinked once replaced; the
  processes still reading it go on until their next search sees the link moved.

Any failure of the copy (a full disk, a damaged file) costs only speed: the search goes
to PostgreSQL, and the next one tries the copy again.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import sqlite3
import threading
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from clarion.core import kept

log = logging.getLogger("clarion")

# A table with at most this many rows is copied in the request that needs it (a few
# milliseconds); a bigger one in the background (about 15 s at 100,000 petitions).
BUILD_IN_REQUEST = 5000
# Rows read from PostgreSQL at a time while building.
BUILD_BATCH = 2000
# More changed rows than this since the copy last looked (a bulk re-index) are not
# copied by a search: the copy is built afresh instead, while PostgreSQL answers.
CATCH_UP_MOST = 5000

_TABLE = "petitions_search"
_SCHEMA = (
    "CREATE TABLE meta (generation TEXT NOT NULL, watermark INTEGER NOT NULL)",
    "CREATE TABLE stamps (petition_id INTEGER PRIMARY KEY, changed INTEGER NOT NULL)",
)
# Where PostgreSQL stands: the table's generation, the oldest transaction still running
# (every older one has ended), and this transaction's own id if it has one.
_STANDING = (
    "st.generation::text, pg_snapshot_xmin(pg_current_snapshot())::text, "
    "pg_current_xact_id_if_assigned()::text"
)
# The news since a watermark (at most a limit of rows), each row with where PostgreSQL
# stands, in one statement; one row and no petition when nothing changed.
_NEWS = (
    f"SELECT {_STANDING}, s.petition_id, s.title, s.goal, s.body, s.names, s.public, "  # noqa: S608
    "s.changed::text FROM petitions_search_state st "
    "LEFT JOIN petitions_search s ON s.changed >= %s::xid8 LIMIT %s"
)


@dataclass
class _Open:
    """One thread's connection to one copy (one file: a rebuilt copy is a new one)."""

    path: Path
    pid: int
    db: sqlite3.Connection
    # The highest watermark this thread has caught this file up to: a search need not
    # write one to the file merely because time passed (only new rows are written).
    # Not shared with a newer file, which may be behind what this one had seen.
    seen: int = 0


_local = threading.local()
_building: set[Path] = set()
_guard = threading.Lock()


def path() -> Path | None:
    """This database's copy, or None where there is none to keep (SQLite, or off)."""
    folder = settings.CLARION_SEARCH_REPLICA_DIR
    if not folder or connection.vendor != "postgresql":
        return None
    db = connection.settings_dict
    # Named by the database it copies: two sites (or the tests) may share a folder.
    ident = f"{db.get('HOST') or ''}:{db.get('PORT') or ''}/{db.get('NAME')}"
    return Path(folder) / f"petitions-{hashlib.sha256(ident.encode()).hexdigest()[:16]}.sqlite3"


def ranked(match: str, offset: int, limit: int) -> tuple[int, list[int]] | None:
    """The count and page of the public petitions matching ``match`` (an FTS5 query),
    ranked in the local copy brought up to date first; None when the copy can't answer
    (none yet, being built, or this transaction has uncommitted changes to the index).
    """
    where = path()
    if where is None:
        return None
    try:
        current = _connection(where)
        if current is None:
            _build_soon(where)
            return None
        if not _catch_up(where, current):
            return None
        from clarion.petitions.search import fts_ranked

        def rows(sql: str, params: list) -> list[tuple]:
            return current.db.execute(sql.replace("%s", "?"), params).fetchall()

        return fts_ranked(rows, match, "", [], offset, limit)
    except (sqlite3.OperationalError, OSError) as exc:  # busy, disk full: try again next time
        log.warning("the local search index at %s failed (%s); PostgreSQL answers", where, exc)
        close()
        return None
    except sqlite3.DatabaseError as exc:  # damaged: put aside, so the next search builds anew
        log.warning("the local search index at %s is damaged (%s); building it again", where, exc)
        close()
        where.unlink(missing_ok=True)
        return None


@kept.also_warm
def prepare() -> None:
    """Build this database's copy now unless it is at hand and of the right generation
    (``clarion serve`` before its workers start, ``clarion search_rebuild``)."""
    where = path()
    if where is None:
        return
    try:
        current = _connection(where)
        ours = current.db.execute("SELECT generation FROM meta").fetchone() if current else None
    except sqlite3.DatabaseError:
        ours = None  # damaged: built again below
    finally:
        close()  # nothing opened here may outlive a fork
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation::text FROM petitions_search_state")
        if ours is not None and cursor.fetchone() == ours:
            with _builder(where) as alone:
                if alone:  # what a build cut short left behind
                    _tidy(where, keep=_current_file(where))
            return
    build(where)


def close() -> None:
    """Close this thread's copy (before a fork, or after a failure)."""
    current: _Open | None = getattr(_local, "open", None)
    _local.open = None
    if current is not None and current.pid == os.getpid():
        current.db.close()


# --- keeping up ---------------------------------------------------------------------------


def _current_file(where: Path) -> Path | None:
    """The build the copy's name points to; None when there is none, or when the name is
    a plain file (the single file of earlier versions, built again as a link)."""
    if not where.is_symlink():
        return None
    try:
        return where.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):  # gone, or a loop made by hand
        return None


def _connection(where: Path) -> _Open | None:
    """This thread's connection to the copy, opened again when a new build took its
    place; None when there is no copy."""
    target = _current_file(where)
    if target is None:
        close()
        return None
    current: _Open | None = getattr(_local, "open", None)
    if current is not None:
        # A build's name is never used again, so the name says whether it is this one.
        if current.pid == os.getpid() and current.path == target:
            return current
        close()  # another copy, a new build, or opened before this process forked
    # mode=rw: a build tidied away between the two lines above is an error (this search
    # goes to PostgreSQL), not a new empty file.
    uri = f"file:{urllib.parse.quote(str(target))}?mode=rw"
    db = sqlite3.connect(uri, uri=True, timeout=5, isolation_level=None)
    _local.open = _Open(target, os.getpid(), db)
    return _local.open


def _catch_up(where: Path, current: _Open) -> bool:
    """Copy what changed since the watermark; False when the copy can't answer now."""
    db = current.db
    generation, watermark = db.execute("SELECT generation, watermark FROM meta").fetchone()
    watermark = max(watermark, current.seen)
    with connection.cursor() as cursor:
        cursor.execute(_NEWS, [str(watermark), CATCH_UP_MOST + 1])
        news = cursor.fetchall()
    if not news:
        # No generation: the state row is gone (deleted by hand?). `search_rebuild`
        # writes a new one; until then PostgreSQL ranks.
        _warn_no_generation()
        return False
    oldest_running, own = int(news[0][1]), news[0][2]
    changes = [row[3:] for row in news if row[3] is not None]
    if news[0][0] != generation or len(changes) > CATCH_UP_MOST:
        # Another generation, or more news than a search should copy (a bulk
        # re-index): a fresh copy instead.
        close()
        _build_soon(where)
        return False
    if own is not None and any(row[6] == own for row in changes):
        return False  # this transaction's own, uncommitted words: PostgreSQL's to rank
    if changes:
        _apply(db, changes, oldest_running)
    current.seen = max(current.seen, oldest_running)
    return True


_warned = False


def _warn_no_generation() -> None:
    """Once per process: every search would say it again."""
    global _warned
    if not _warned:
        _warned = True
        log.warning("petitions_search_state has no row: run `clarion search_rebuild`")


def _apply(db: sqlite3.Connection, changes: list[tuple], watermark: int) -> None:
    # Read first, without the file's write lock: most news is already in (a row stays
    # news until the transactions older than it have ended).
    ids = [row[0] for row in changes]
    marks = ",".join("?" * len(ids))
    held = dict(
        db.execute(f"SELECT petition_id, changed FROM stamps WHERE petition_id IN ({marks})", ids)  # noqa: S608
    )
    newer = [row for row in changes if held.get(row[0], -1) < int(row[6])]
    if not newer:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for row in newer:
            _put(db, row)
        db.execute("UPDATE meta SET watermark = max(watermark, ?)", [watermark])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _put(db: sqlite3.Connection, row: tuple) -> None:
    """One row of PostgreSQL's table into the copy, unless the copy has a newer one."""
    petition_id, title, goal, body, names, public, changed = row
    stamp = int(changed)
    held = db.execute("SELECT changed FROM stamps WHERE petition_id = ?", [petition_id]).fetchone()
    if held is not None and held[0] >= stamp:
        return
    db.execute(f"DELETE FROM {_TABLE} WHERE rowid = ?", [petition_id])  # noqa: S608
    if title or goal or body or names:  # an emptied row is a deleted petition
        db.execute(
            f"INSERT INTO {_TABLE} (rowid, title, goal, body, names, visibility) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?, ?)",
            [petition_id, title, goal, body, names, "public" if public else "hidden"],
        )
    db.execute("INSERT OR REPLACE INTO stamps VALUES (?, ?)", [petition_id, stamp])


# --- building -----------------------------------------------------------------------------


def _build_soon(where: Path) -> None:
    """Build the copy in this request if the table is small, else in a thread."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {_TABLE} LIMIT %s) s",  # noqa: S608
            [BUILD_IN_REQUEST + 1],
        )
        small = cursor.fetchone()[0] <= BUILD_IN_REQUEST
    if small:
        build(where)
        return
    with _guard:
        if where in _building:
            return
        _building.add(where)
    threading.Thread(target=_build_apart, args=(where,), name="search copy", daemon=True).start()


def _build_apart(where: Path) -> None:
    try:
        build(where)
    except Exception:
        log.exception("building the local search index at %s failed", where)
    finally:
        with _guard:
            _building.discard(where)
        connection.close()  # this thread's own


def build(where: Path) -> bool:
    """Copy the whole table into a new file and point the copy's name at it; False if
    another process of this machine is building it already."""
    where.parent.mkdir(parents=True, exist_ok=True)
    with _builder(where) as alone:
        if not alone:
            return False
        fresh = where.with_name(f"{where.stem}.{BUILD_MARK}{uuid.uuid4().hex}.sqlite3")
        link = fresh.with_suffix(".link")
        try:
            _fill(fresh)
            link.symlink_to(fresh.name)  # relative: the folder may be moved whole
            # The name moves to the new file at once: readers of the old one go on with
            # it and open the new one at their next search (``_connection``).
            os.replace(link, where)
        except BaseException:
            _remove(fresh, link)
            raise
        _tidy(where, keep=fresh)
    return True


# What a build's file name carries after the copy's own stem, and before its random part.
BUILD_MARK = "b"
_SQLITE_SIDES = ("", "-wal", "-shm", "-journal")


@contextmanager
def _builder(where: Path) -> Iterator[bool]:
    """Whether this process may build (or tidy) the copy: one at a time per machine."""
    with open(where.with_name(where.name + ".lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def _remove(*files: Path) -> None:
    for file in files:
        for side in _SQLITE_SIDES:
            file.with_name(file.name + side).unlink(missing_ok=True)


def _tidy(where: Path, keep: Path | None) -> None:
    """Delete every build but ``keep``, with its log, and what a build cut short left
    (a process stopped mid-build leaves a file of a few hundred megabytes). Called while
    holding the build lock, so no build is under way. A process still reading an old
    build keeps its open file until its next search; a name is never reused, so no
    one opens those files again."""
    ours = {keep.name + side for side in _SQLITE_SIDES} if keep else set()
    builds = where.parent.glob(f"{where.stem}.{BUILD_MARK}*")
    # Earlier versions built into "<name>.<pid>-<thread>" beside a plain file.
    earlier = [where.with_name(where.name + side) for side in _SQLITE_SIDES[1:]]
    earlier += [f for f in where.parent.glob(f"{where.name}.*") if f.suffix != ".lock"]
    for file in [*builds, *earlier]:
        if file.name not in ours:
            file.unlink(missing_ok=True)


def _fill(fresh: Path) -> None:
    from clarion.petitions.search import create_index_sql

    fresh.unlink(missing_ok=True)
    with connection.cursor() as cursor:
        # Taken before anything is read: a transaction still running now may commit rows
        # the reads below miss, and its id is at or above this watermark.
        cursor.execute(f"SELECT {_STANDING} FROM petitions_search_state st")  # noqa: S608
        generation, watermark, own = cursor.fetchone()
    db = sqlite3.connect(fresh, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(create_index_sql(_TABLE))
        for statement in _SCHEMA:
            db.execute(statement)
        db.execute("BEGIN")
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT petition_id, title, goal, body, names, public, changed::text "  # noqa: S608
                    f"FROM {_TABLE} WHERE petition_id > %s "
                    # Never this transaction's own rows: they may yet be rolled back.
                    "AND changed IS DISTINCT FROM %s::xid8 ORDER BY petition_id LIMIT %s",
                    [last, own, BUILD_BATCH],
                )
                batch = cursor.fetchall()
            for row in batch:
                _put(db, row)
            if len(batch) < BUILD_BATCH:
                break
            last = batch[-1][0]
        db.execute("INSERT INTO meta VALUES (?, ?)", [generation, int(watermark)])
        db.execute("COMMIT")
        # One b-tree per index instead of many segments: fewer pages per query.
        db.execute(f"INSERT INTO {_TABLE}({_TABLE}) VALUES ('optimize')")  # noqa: S608
    finally:
        db.close()
