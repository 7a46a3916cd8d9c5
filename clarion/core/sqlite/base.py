"""SQLite, with writers queued in the operating system instead of SQLite's busy handler.

SQLite admits one writer at a time. A writer that finds the lock taken sleeps in
SQLite's busy handler, for 1, 2, 5, 10… milliseconds, whatever the holder's
transaction costs (a signature: well under one). Under concurrent signing most of the
time went to those sleeps. Here each write transaction first takes a lock that wakes
the next writer as soon as it is free: a ``threading.Lock`` among the threads of one
process, then an exclusive ``flock`` on a file beside the database among processes
(the kernel drops it if the process dies). SQLite's own lock and busy_timeout still
guard correctness: a writer that gives up waiting here simply goes on to BEGIN.

Checkpoints are moved off that path too. In WAL mode SQLite copies the log back into
the database file (and syncs it) inside whichever commit crosses its threshold, every
thousand pages, about every hundred signatures: that commit took 10 to 25 ms while
every other writer waited behind it, and a fifth of the CPU stood idle under signing
load. With CLARION_SQLITE_CHECKPOINT_SECONDS (1 by default) one thread per process
checkpoints every second on a connection of its own (PASSIVE: it never waits for, nor
blocks, a reader or a writer), and commits only checkpoint as a backstop, should the
log reach BACKSTOP_PAGES. Signing on SQLite went from 308 to 356 submissions/s with
this alone (`make bench`, 2 cores), and with the shorter waits below to 424/s.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
from typing import Any

from django.conf import settings
from django.db.backends.sqlite3 import base

log = logging.getLogger("clarion")

# Longer than any write transaction should take; after it a writer stops queueing here
# and lets SQLite's busy_timeout decide.
QUEUE_TIMEOUT = 20.0
# Commits checkpoint only when the log reaches this many pages (40 MB): the checkpoint
# thread keeps it far below, unless it has stopped.
BACKSTOP_PAGES = 10_000
_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(path: str) -> threading.Lock:
    with _thread_locks_guard:
        return _thread_locks.setdefault(path, threading.Lock())


class WriteQueue:
    """One connection's place in the queue of writers to one database file."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}-writers"
        self.thread_lock = _thread_lock(self.path)
        self.fd: int | None = None
        self.held = False

    def acquire(self, timeout: float | None = None) -> bool:
        """Wait for this writer's turn; False if it did not come within ``timeout``."""
        timeout = QUEUE_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + timeout
        if not self.thread_lock.acquire(timeout=timeout):
            return False
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        # Other processes: flock can't wait with a time limit, so poll it, every 20 to
        # 200 microseconds (a signature's transaction takes a few tenths of a
        # millisecond). Pauses of 0.1 to 1 ms left the lock idle between writers; a
        # blocking flock (no time limit) signed no faster than this.
        pause = 0.00002
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self.thread_lock.release()
                    return False  # SQLite's busy_timeout takes over from here
                time.sleep(pause)
                pause = min(pause * 2, 0.0002)
        self.held = True
        return True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.thread_lock.release()

    def close(self) -> None:
        self.release()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Checkpointer:
    """The thread that checkpoints one database file for this process."""

    # database path -> the process whose thread checkpoints it (threads don't survive a
    # fork: a forked server worker starts its own).
    _running: dict[str, int] = {}
    _guard = threading.Lock()

    @classmethod
    def ensure(cls, database: str, seconds: int) -> None:
        with cls._guard:
            if cls._running.get(database) == os.getpid():
                return
            cls._running[database] = os.getpid()
        thread = threading.Thread(
            target=cls._run, args=(database, seconds), name="sqlite checkpoints", daemon=True
        )
        thread.start()

    @staticmethod
    def _run(database: str, seconds: int) -> None:
        while True:
            time.sleep(seconds)
            # A connection for each round, closed at once: one held open would keep
            # anything that needs the file to itself (changing the journal mode) waiting.
            try:
                connection = sqlite3.connect(database, timeout=seconds, isolation_level=None)
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                finally:
                    connection.close()
            except sqlite3.Error as exc:
                # Busy (another process checkpointing) or the file went away in a test:
                # the next round tries again, and commits keep the backstop.
                log.debug("checkpoint of %s skipped: %s", database, exc)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = str(self.settings_dict["NAME"])
        self.write_queue = None if self.is_in_memory_db() else WriteQueue(name)

    def get_new_connection(self, conn_params: dict) -> Any:
        connection = super().get_new_connection(conn_params)
        seconds = settings.CLARION_SQLITE_CHECKPOINT_SECONDS
        if self.write_queue is not None and seconds > 0:
            connection.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
            Checkpointer.ensure(str(self.settings_dict["NAME"]), seconds)
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        if self.write_queue is not None:
            self.write_queue.acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _leave_queue(self) -> None:
        if self.write_queue is not None:
            self.write_queue.release()

    def _commit(self) -> None:
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self) -> None:
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self) -> None:
        try:
            return super()._close()
        finally:
            if self.write_queue is not None:
                self.write_queue.close()
