"""The task queue, the periodic schedule and locks, on the database and on Redis.

Workers here are threads, each with its own database connection or Redis socket, as
separate worker processes would have: the promises only hold if they hold across
connections.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.db import transaction

from clarion.core import broker, tasks
from clarion.core.models import Task
from clarion.core.tasks import DatabaseBackend, RedisBackend, task
from clarion.core.worker import Periodic, Worker

pytestmark = pytest.mark.django_db(transaction=True)

_guard = threading.Lock()
_runs: list[int] = []


@task("tests.record")
def record(n: int, seconds: float = 0.0) -> None:
    time.sleep(seconds)
    with _guard:
        _runs.append(n)


@task("tests.broken")
def broken() -> None:
    raise RuntimeError("always fails")


@pytest.fixture(autouse=True)
def _fresh_runs() -> Iterator[None]:
    _runs.clear()
    yield
    _runs.clear()


@pytest.fixture(params=["database", "redis"])
def make_backend(request) -> Callable[..., tasks.Backend]:
    """Backends that share one queue, as several workers' backends do."""
    if request.param == "redis":
        request.getfixturevalue("redis_url")

    def make(lease: float = tasks.LEASE) -> tasks.Backend:
        if request.param == "redis":
            from django.conf import settings

            return RedisBackend(broker.client(), settings.CLARION_REDIS_PREFIX, lease=lease)
        return DatabaseBackend(lease=lease)

    return make


def _wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _run_workers(workers: list[Worker], until: Callable[[], bool], linger: float = 0.5) -> None:
    threads = [thread for worker in workers for thread in worker.start()]
    try:
        assert _wait_for(until), "the workers did not finish in time"
        time.sleep(linger)  # room for a duplicate to show up
    finally:
        for worker in workers:
            worker.stop()
        for thread in threads:
            thread.join(timeout=20)
            assert not thread.is_alive()


def test_each_task_runs_exactly_once_with_two_workers(make_backend):
    backend = make_backend()
    for n in range(40):
        backend.enqueue("tests.record", {"n": n})
    workers = [
        Worker([], backend=make_backend(), consumers=2, name=f"worker-{w}") for w in range(2)
    ]

    _run_workers(workers, until=lambda: len(_runs) >= 40)

    assert Counter(_runs) == Counter(range(40))
    assert backend.claim("checker") is None


def test_a_task_whose_worker_died_runs_again_once_its_lease_expires(make_backend):
    backend = make_backend(lease=1.5)
    backend.enqueue("tests.record", {"n": 7})
    # This worker takes the task and dies before running it: no renewal, no outcome.
    lost = backend.claim("dead-worker")
    assert lost is not None and lost.attempts == 1

    survivor = make_backend(lease=1.5)
    assert survivor.claim("survivor") is None  # the lease still protects it
    time.sleep(1.7)
    retaken = survivor.claim("survivor")

    assert retaken is not None
    assert (retaken.name, retaken.args, retaken.attempts) == ("tests.record", {"n": 7}, 2)
    assert tasks.execute(survivor, retaken)
    assert _runs == [7]
    # The dead worker's claim is worth nothing now, and the queue is empty.
    assert backend.extend(lost) is False
    assert survivor.claim("survivor") is None


def test_a_long_task_keeps_its_lease_while_it_runs(make_backend):
    # The task runs for two leases; renewals every 0.4 s keep it from anyone else.
    backend = make_backend(lease=1.2)
    backend.enqueue("tests.record", {"n": 1, "seconds": 2.5})
    claimed = backend.claim("runner")
    assert claimed is not None
    runner = threading.Thread(target=tasks.execute, args=(backend, claimed))
    runner.start()
    other = make_backend(lease=1.2)
    stolen = []
    while runner.is_alive():
        got = other.claim("thief")
        if got is not None:
            stolen.append(got)
        time.sleep(0.1)
    runner.join()

    assert stolen == []
    assert _runs == [1]


def test_a_failing_task_is_retried_then_kept_aside(make_backend, monkeypatch):
    monkeypatch.setattr(tasks, "backoff", lambda attempts: 0.0)
    backend = make_backend()
    backend.enqueue("tests.broken", {})
    attempts = []
    while (claimed := backend.claim("worker")) is not None:
        attempts.append(claimed.attempts)
        assert tasks.execute(backend, claimed) is False

    assert attempts == list(range(1, tasks.MAX_ATTEMPTS + 1))
    if isinstance(backend, DatabaseBackend):
        dead = Task.objects.get()
        assert dead.dead and "always fails" in dead.last_error
    else:
        assert backend.redis.llen(backend.dead) == 1


def test_a_queued_task_waits_for_its_transaction(make_backend):
    backend = make_backend()
    with pytest.raises(RuntimeError), transaction.atomic():
        backend.enqueue("tests.record", {"n": 1})
        raise RuntimeError("rolled back")
    assert backend.claim("worker") is None

    with transaction.atomic():
        backend.enqueue("tests.record", {"n": 2})
        # Another worker (its own connection) sees nothing before the commit.
        seen = []
        other = threading.Thread(target=lambda: seen.append(make_backend().claim("other")))
        other.start()
        other.join()
        assert seen == [None]
    claimed = backend.claim("worker")
    assert claimed is not None and claimed.args == {"n": 2}


def test_a_periodic_job_is_scheduled_once_per_period_with_two_workers(make_backend):
    started: list[float] = []

    def tick() -> int:
        with _guard:
            started.append(time.monotonic())
        return 1

    job = Periodic("tick", tick, 1.0)
    workers = [Worker([job], backend=make_backend(), consumers=0, name=f"w{n}") for n in range(2)]
    begin = time.monotonic()
    _run_workers(workers, until=lambda: time.monotonic() - begin > 2.5, linger=0)

    # Runs start at least a period apart, so 2.5 s hold three at most (a slow machine
    # may fit fewer); two runs in one period would also show as a tiny gap.
    gaps = [later - earlier for earlier, later in itertools.pairwise(started)]
    assert 2 <= len(started) <= 3, gaps
    assert all(gap > 0.5 for gap in gaps), f"two runs in one period: {gaps}"


def test_only_one_of_many_racing_workers_wins_a_period(make_backend):
    barrier = threading.Barrier(8)
    wins = []

    def race() -> None:
        backend = make_backend()
        barrier.wait()
        won, _wait = backend.claim_period("race", 60)
        with _guard:
            wins.append(won)

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]
    won, wait = make_backend().claim_period("race", 60)
    assert not won and 55 < wait <= 60


def test_a_lock_has_one_holder_and_its_lease_frees_it(make_backend):
    backend = make_backend()
    assert backend.acquire("job", "a", ttl=1.5)
    assert backend.acquire("job", "a", ttl=1.5)  # renewing one's own lock
    assert not backend.acquire("job", "b", ttl=1.5)
    time.sleep(1.7)  # a died holding it
    assert backend.acquire("job", "b", ttl=5)
    assert not backend.acquire("job", "a", ttl=5)
    backend.release("job", "a")  # not a's to release any more
    assert not backend.acquire("job", "c", ttl=5)
    backend.release("job", "b")
    assert backend.acquire("job", "c", ttl=5)


def test_the_lock_helper_waits_or_gives_up(make_backend, settings):
    if isinstance(make_backend(), DatabaseBackend):
        settings.REDIS_URL = ""
    with tasks.lock("shared", ttl=5) as first:
        assert first is not None
        with tasks.lock("shared", ttl=5, wait=0.2) as second:
            assert second is None
    with tasks.lock("shared", ttl=5) as again:
        assert again is not None


def test_enqueueing_an_unknown_task_fails_in_the_caller():
    with pytest.raises(KeyError):
        tasks.enqueue("tests.no-such-task")


def test_housekeeping_forgets_old_dead_tasks_and_keeps_live_consumers(make_backend):
    backend = make_backend()
    backend.enqueue("tests.record", {"n": 1})
    assert backend.claim("live-consumer") is not None
    if isinstance(backend, DatabaseBackend):
        old = Task.objects.create(name="tests.broken", dead=True)
        Task.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=31))
        Task.objects.create(name="tests.broken", dead=True)
        assert backend.purge() == 1
        assert Task.objects.filter(dead=True).count() == 1
    else:
        assert backend.purge() == 0
        consumers = backend.redis.xinfo_consumers(backend.stream, backend.group)
        assert [c["name"] for c in consumers] == [b"live-consumer"]


def test_a_delayed_task_waits_until_it_is_due(make_backend):
    backend = make_backend()
    backend.enqueue("tests.record", {"n": 3}, delay=1.0)
    assert backend.claim("worker") is None
    time.sleep(1.2)
    claimed = backend.claim("worker")
    assert claimed is not None and claimed.args == {"n": 3}
