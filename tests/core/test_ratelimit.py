"""Rate limits: exactly ``limit`` hits get through per window, however many race for them."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections

from clarion.core import ratelimit
from clarion.core.models import RateLimitBucket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["database", "redis"])
def backend(request, settings) -> str:
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    else:
        settings.REDIS_URL = ""
    return request.param


def _hammer(key: str, limit: int, threads: int, hits_each: int) -> list[tuple[bool, int]]:
    barrier = threading.Barrier(threads)
    results: list[tuple[bool, int]] = []
    guard = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            mine = [ratelimit.hit(key, limit, 3600) for _ in range(hits_each)]
            with guard:
                results.extend(mine)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def test_concurrent_hits_let_exactly_the_limit_through(backend):
    results = _hammer("sign:203.0.113.9", limit=50, threads=8, hits_each=20)

    assert len(results) == 160
    assert sum(allowed for allowed, _retry in results) == 50
    refused = [retry for allowed, retry in results if not allowed]
    assert len(refused) == 110
    assert all(1 <= retry <= 3600 for retry in refused)
    if backend == "database":
        assert RateLimitBucket.objects.get(key="sign:203.0.113.9").hits == 160


def test_keys_are_counted_apart(backend):
    assert ratelimit.hit("a", 1, 60) == (True, 0)
    assert ratelimit.hit("b", 1, 60) == (True, 0)
    allowed, retry_after = ratelimit.hit("a", 1, 60)
    assert not allowed and 1 <= retry_after <= 60


def test_a_new_window_starts_from_zero(backend, monkeypatch):
    now = 1_800_000_000.0  # a multiple of 10: a window starts here
    monkeypatch.setattr(time, "time", lambda: now)
    assert ratelimit.hit("k", 2, 10) == (True, 0)
    assert ratelimit.hit("k", 2, 10) == (True, 0)
    now += 4
    assert ratelimit.hit("k", 2, 10) == (False, 6)
    now += 6  # the next window
    assert ratelimit.hit("k", 2, 10) == (True, 0)


def test_expired_windows_are_purged(settings):
    settings.REDIS_URL = ""
    ratelimit.hit("old", 5, 1)
    ended = int(time.time()) - 5
    RateLimitBucket.objects.update(window_start=ended - 1, window_end=ended)
    ratelimit.hit("new", 5, 60)
    assert ratelimit.purge_expired() == 1
    assert list(RateLimitBucket.objects.values_list("key", flat=True)) == ["new"]


def test_nonsense_limits_are_refused():
    with pytest.raises(ValueError):
        ratelimit.hit("k", 0, 60)
    with pytest.raises(ValueError):
        ratelimit.hit("k", 1, 0)
