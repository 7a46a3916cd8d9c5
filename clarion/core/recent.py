"""A process-local copy of the newest answers, each reused for a second or so.

For the hottest public page (a petition that went viral), even the shared cache costs
two round trips per view: the petition's version from the database and the page from
Redis. Readers then far outnumber signers, and the page already tells every cache in
front of Clarion that it may be a minute old, so each server process may as well keep
the page it served last for a second: then a thousand reads a second cost that process
one database and cache round trip a second. Bounded in size; cleared whole when full
(the entries are a second old at most, so nothing of value is lost).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

# Every Recent of the process, so tests can empty them between tests.
_ALL: list[Recent] = []


class Recent(Generic[V]):
    """At most ``size`` entries, and at most ``max_bytes`` in all when the caller says
    what each entry weighs (``put(..., nbytes=...)``)."""

    def __init__(self, size: int = 1024, max_bytes: int | None = None) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: Hashable, seconds: float) -> V | None:
        """The value kept for ``key`` if it is younger than ``seconds``."""
        entry = self._entries.get(key)
        if entry is None or seconds <= 0 or clock() - entry[0] >= seconds:
            return None
        return entry[1]

    def put(self, key: Hashable, value: V, nbytes: int = 0) -> None:
        with self._lock:
            full = len(self._entries) >= self.size
            if full or (self.max_bytes is not None and self._bytes + nbytes > self.max_bytes):
                self._entries.clear()
                self._bytes = 0
            self._entries[key] = (clock(), value)
            # A replaced entry's bytes stay counted until the next clear: an overcount,
            # so the bound holds.
            self._bytes += nbytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def clock() -> float:
    return time.monotonic()


def forget_all() -> None:
    """Empty every Recent of this process (tests: no test sees another's pages)."""
    for recent in _ALL:
        recent.clear()
