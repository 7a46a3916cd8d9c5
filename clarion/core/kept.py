"""Costly, slow-changing answers, rebuilt ahead of need rather than when they expire.

A few answers cost far more to work out than a request may spend (the spelling
vocabulary of the newest petitions, about 160 ms at 100,000 petitions; every category's
count of public petitions, about 135 ms) and change slowly. Kept in a cache entry that
expires, each expiry makes one unlucky visitor pay the whole cost, in every process:
that visitor was the search page's p99. A ``Kept`` value instead remembers when it was
built. Older than ``fresh`` seconds it is still served, and one background thread
rebuilds it; only a process that has never had it builds it in the request. And
``clarion serve`` builds every kept value once in the master before forking its workers
(``warm_up``), so no worker starts without them.

``shared=True`` keeps the value in Django's cache (in Redis when there is one, so every
process and machine shares one copy and one rebuild); ``shared=False`` keeps it in the
process, for values that cost more to unpickle on every read than to hold.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import connection

V = TypeVar("V")
log = logging.getLogger("clarion")

# Every Kept of the process: tests empty them between tests, `serve` warms them.
_ALL: list[Kept] = []


def clock() -> float:
    return time.time()


class Kept(Generic[V]):
    def __init__(
        self, key: str, build: Callable[[], V], *, fresh: float, shared: bool = False
    ) -> None:
        self.key = key
        self.build = build
        self.fresh = fresh
        self.shared = shared
        self._local: tuple[float, V] | None = None
        self._lock = threading.Lock()
        self._rebuilding = False
        _ALL.append(self)

    def get(self) -> V:
        """The value: fresh, or stale while a background thread rebuilds it."""
        entry = self._read()
        if entry is None:
            return self._store(self.build())
        built_at, value = entry
        if clock() - built_at >= self.fresh:
            self._rebuild_in_background()
        return value

    def peek(self) -> V | None:
        """The value if one is at hand, stale or not (a stale one starts its rebuild);
        None, without building it, when there is none: for callers that can do without.
        """
        entry = self._read()
        if entry is None:
            return None
        if clock() - entry[0] >= self.fresh:
            self._rebuild_in_background()
        return entry[1]

    def warm(self) -> None:
        """Build the value now unless a fresh one is at hand."""
        entry = self._read()
        if entry is None or clock() - entry[0] >= self.fresh:
            self._store(self.build())

    def forget(self) -> None:
        with self._lock:
            self._local = None
        if self.shared:
            cache.delete(self.key)

    def _read(self) -> tuple[float, V] | None:
        if self.shared:
            return cache.get(self.key)
        return self._local

    def _store(self, value: V) -> V:
        entry = (clock(), value)
        if self.shared:
            # Kept well past its freshness so readers always have something to serve
            # while it is rebuilt; a site idle that long rebuilds on its next visit.
            cache.set(self.key, entry, int(self.fresh * 10))
        else:
            with self._lock:
                self._local = entry
        return value

    def _rebuild_in_background(self) -> None:
        with self._lock:
            if self._rebuilding:
                return
            self._rebuilding = True
        # With a shared cache, one process in the whole site rebuilds at a time.
        if self.shared and not cache.add(f"{self.key}:rebuilding", 1, 60):
            with self._lock:
                self._rebuilding = False
            return
        threading.Thread(target=self._rebuild, name=f"kept {self.key}", daemon=True).start()

    def _rebuild(self) -> None:
        try:
            self._store(self.build())
        except Exception:
            # The stale value goes on serving; the next stale read tries again.
            log.exception("rebuilding %s failed", self.key)
        finally:
            if self.shared:
                cache.delete(f"{self.key}:rebuilding")
            with self._lock:
                self._rebuilding = False
            connection.close()  # this thread's own connection


# Other things a server should have ready before it forks, each a function that makes
# it ready (this machine's copy of the search index on PostgreSQL).
_AHEAD: list[Callable[[], None]] = []


def also_warm(prepare: Callable[[], None]) -> Callable[[], None]:
    """Have ``warm_up`` call ``prepare`` too (a decorator)."""
    _AHEAD.append(prepare)
    return prepare


def warm_up() -> None:
    """Build every kept value of the process that is missing or stale, and whatever
    else was registered with ``also_warm``.

    Called by ``clarion serve`` before it forks, so each worker starts with them; a
    value that can't be built yet (a database not migrated) is built on first use.
    """
    steps = [(kept.key, kept.warm) for kept in _ALL]
    steps += [(f"{prepare.__module__}.{prepare.__name__}", prepare) for prepare in _AHEAD]
    for name, step in steps:
        try:
            step()
        except Exception as exc:
            log.warning("could not build %s ahead of use: %s", name, exc)


def forget_all() -> None:
    """Drop every kept value of this process (tests: no test sees another's)."""
    for kept in _ALL:
        kept.forget()
