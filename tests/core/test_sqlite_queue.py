"""The SQLite backend's queue of writers (clarion/core/sqlite)."""

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from clarion.core.sqlite import base
from clarion.core.sqlite.base import DatabaseWrapper, WriteQueue


@pytest.fixture
def database(tmp_path: Path) -> str:
    return str(tmp_path / "queue.sqlite3")


def _locked_by_someone(path: str) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_it_lets_one_writer_in_and_the_next_after_it_leaves(database):
    first, second = WriteQueue(database), WriteQueue(database)
    order: list[str] = []
    assert first.acquire()

    def later() -> None:
        assert second.acquire()
        order.append("second in")
        second.release()

    thread = threading.Thread(target=later)
    thread.start()
    thread.join(0.2)
    order.append("first leaves")
    first.release()
    thread.join(10)

    assert order == ["first leaves", "second in"]
    first.close()
    second.close()


def test_it_gives_up_after_its_timeout_so_sqlite_decides(database):
    first, second = WriteQueue(database), WriteQueue(database)
    assert first.acquire()

    assert second.acquire(timeout=0.05) is False
    assert not second.held
    first.close()
    assert second.acquire(timeout=1)
    second.close()


def test_it_queues_writers_of_other_processes_and_survives_their_death(database):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, fcntl, os\n"
            f"fd = os.open({database + '-writers'!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        queue = WriteQueue(database)
        assert queue.acquire(timeout=0.05) is False  # the other process has it

        os.kill(holder.pid, signal.SIGKILL)  # dies mid-transaction
        holder.wait(10)

        assert queue.acquire(timeout=10)
        assert _locked_by_someone(database + "-writers")
        queue.close()
        assert not _locked_by_someone(database + "-writers")
    finally:
        if holder.poll() is None:
            holder.kill()


def test_it_holds_the_queue_for_exactly_one_write_transaction(database, django_db_blocker):
    # A connection of its own, so this runs in the PostgreSQL pass too.
    with django_db_blocker.unblock():
        connection = DatabaseWrapper(
            {
                **settings.DATABASES["default"],
                "ENGINE": "clarion.core.sqlite",
                "NAME": database,
                "OPTIONS": {"transaction_mode": "IMMEDIATE"},
                "TEST": {},
            },
            alias="queue-test",
        )
        try:
            connection.ensure_connection()
            connection._start_transaction_under_autocommit()
            assert connection.write_queue.held
            connection.commit()
            assert not connection.write_queue.held
            connection._start_transaction_under_autocommit()
            connection.rollback()
            assert not connection.write_queue.held
        finally:
            connection.close()


def _connection(database: str) -> DatabaseWrapper:
    return DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "ENGINE": "clarion.core.sqlite",
            "NAME": database,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL"},
            "TEST": {},
        },
        alias="checkpoint-test",
    )


def test_a_thread_checkpoints_the_log_so_commits_need_not(database, django_db_blocker, settings):
    settings.CLARION_SQLITE_CHECKPOINT_SECONDS = 1
    with django_db_blocker.unblock():
        connection = _connection(database)
        try:
            with connection.cursor() as cursor:
                # Commits checkpoint only as a backstop, far past SQLite's 1,000 pages.
                cursor.execute("PRAGMA wal_autocheckpoint")
                assert cursor.fetchone()[0] == base.BACKSTOP_PAGES
                cursor.execute("CREATE TABLE t (data BLOB)")
                cursor.execute("INSERT INTO t VALUES (zeroblob(400000))")
            # In WAL mode new pages reach the database file only at a checkpoint: the
            # file grows past the row once the thread has run, with no commit since.
            deadline = time.monotonic() + 10
            while os.path.getsize(database) < 400_000 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert os.path.getsize(database) >= 400_000
        finally:
            connection.close()


def test_checkpoints_can_be_left_to_sqlite(database, django_db_blocker, settings):
    settings.CLARION_SQLITE_CHECKPOINT_SECONDS = 0
    with django_db_blocker.unblock():
        connection = _connection(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_autocheckpoint")
                assert cursor.fetchone()[0] == 1000  # SQLite's own default
        finally:
            connection.close()
