"""Background tasks, periodic schedules and locks, on the database or on Redis.

Three small promises, kept by either backend:

* A queued task runs once. A worker claims it with a lease and renews the lease while
  the task runs; a task whose worker died is taken again once its lease runs out, so
  none is lost. A task that raises is retried with backoff and, after
  ``MAX_ATTEMPTS``, kept aside as dead instead of retried forever. (A worker that dies
  after the work but before recording it means the task runs again: tasks are written
  to be safe to repeat.)
* A periodic job runs once per period, however many workers run: the worker that moves
  the job's next run forward is the one that runs it.
* A lock is held by one owner at a time, with a lease so a dead owner frees it.

With ``REDIS_URL`` empty the database is the broker (``clarion.core.models``): no other
service is needed on one machine, and every claim is a conditional UPDATE. With
``REDIS_URL`` set, Redis takes the load off the database, which matters once several
machines run workers.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, connections
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from clarion.core.models import Lock, PeriodicSlot, Task

logger = logging.getLogger("clarion.tasks")

MAX_ATTEMPTS = 5
# Seconds a claim lasts without renewal. The running worker renews it every third of
# that, so only a worker that died (or froze) loses its task to another.
LEASE = 30.0

_registry: dict[str, Callable[..., Any]] = {}


def task(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function as the task ``name``; it is called with JSON-able kwargs."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if _registry.get(name, func) is not func:
            raise ValueError(f"two tasks are called {name!r}")
        _registry[name] = func
        return func

    return register


def discover() -> None:
    """Import every app's ``tasks`` module, so the worker knows every task by name."""
    autodiscover_modules("tasks")


def enqueue(name: str, /, *, delay: float = 0.0, **kwargs: Any) -> None:
    """Queue a call of task ``name``.

    On the database the row joins the caller's transaction: a rolled-back change
    queues nothing. On Redis the task is pushed once that transaction commits.
    """
    if name not in _registry:
        raise KeyError(f"no task is called {name!r}")
    json.dumps(kwargs)  # fail here, in the caller, rather than in the worker
    get_backend().enqueue(name, kwargs, delay=delay)


def backoff(attempts: int) -> float:
    return float(min(300, 5 * 2**attempts))


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _token(consumer: str) -> str:
    return f"{consumer[:80]}/{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class Claimed:
    """A task a worker holds: ``token`` proves the claim is still its own."""

    id: str
    name: str
    args: dict[str, Any]
    attempts: int  # counting this one
    token: str


class Backend(Protocol):
    lease: float

    def enqueue(self, name: str, args: dict[str, Any], *, delay: float = 0.0) -> None: ...

    def claim(self, consumer: str, wait: float = 0.0) -> Claimed | None: ...

    def extend(self, claimed: Claimed) -> bool: ...

    def done(self, claimed: Claimed) -> None: ...

    def retry(self, claimed: Claimed, error: str, delay: float) -> None: ...

    def bury(self, claimed: Claimed, error: str) -> None: ...

    def claim_period(self, name: str, every: float) -> tuple[bool, float]: ...

    def acquire(self, name: str, owner: str, ttl: float) -> bool: ...

    def release(self, name: str, owner: str) -> None: ...

    def purge(self) -> int: ...


def get_backend() -> Backend:
    if settings.REDIS_URL:
        from clarion.core import broker

        return RedisBackend(broker.client(), settings.CLARION_REDIS_PREFIX)
    return DatabaseBackend()


# --- running a claimed task ---------------------------------------------------------


class _KeepAlive:
    """Renews a claim while a task runs (a short task ends before the first renewal)."""

    def __init__(self, backend: Backend, claimed: Claimed) -> None:
        self.backend, self.claimed = backend, claimed
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="task-lease")

    def _run(self) -> None:
        try:
            while not self.finished.wait(self.backend.lease / 3):
                if not self.backend.extend(self.claimed):
                    logger.warning("lost the lease on %s", self.claimed.name)
                    return
        finally:
            connections.close_all()  # this thread's own connection

    def __enter__(self) -> _KeepAlive:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finished.set()
        self.thread.join()


def execute(backend: Backend, claimed: Claimed) -> bool:
    """Run a claimed task and record the outcome. Returns True when it succeeded."""
    if claimed.attempts > MAX_ATTEMPTS:
        # Taken again and again from workers that died while running it: it is what
        # kills them, so it stops here.
        backend.bury(claimed, "its workers died while running it")
        return False
    try:
        func = _registry.get(claimed.name)
        if func is None:
            # Queued by newer code than this worker runs: a worker that knows it may
            # take it on a later attempt.
            raise LookupError(f"no task is called {claimed.name!r} in this worker")
        with _KeepAlive(backend, claimed):
            func(**claimed.args)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if claimed.attempts >= MAX_ATTEMPTS:
            logger.exception("task %s failed for good", claimed.name)
            backend.bury(claimed, error)
        else:
            logger.warning("task %s failed (attempt %s): %s", claimed.name, claimed.attempts, exc)
            backend.retry(claimed, error, backoff(claimed.attempts))
        return False
    backend.done(claimed)
    return True


# --- locks --------------------------------------------------------------------------


@dataclass
class Held:
    backend: Backend
    name: str
    owner: str
    ttl: float

    def renew(self) -> bool:
        """Push the lease forward; False when it ran out and someone else took the lock."""
        return self.backend.acquire(self.name, self.owner, self.ttl)


@contextmanager
def lock(name: str, *, ttl: float = 30.0, wait: float = 0.0) -> Iterator[Held | None]:
    """Hold the lock ``name`` for the block, or yield None if it stays busy ``wait`` s.

    The lease (``ttl``) frees the lock if the holder dies; a holder that works longer
    calls ``renew()`` on what this yields.
    """
    backend = get_backend()
    owner = _token(worker_id())
    deadline = time.monotonic() + wait
    while not backend.acquire(name, owner, ttl):
        if time.monotonic() >= deadline:
            yield None
            return
        time.sleep(0.05)
    try:
        yield Held(backend, name, owner, ttl)
    finally:
        backend.release(name, owner)


# --- the database backend -----------------------------------------------------------


class DatabaseBackend:
    """Tasks, periods and locks as rows, each claimed with a conditional UPDATE."""

    # Seconds between looks at the table while waiting for a task. Nothing queued here
    # is urgent (mail and counts have their own periodic jobs), so look gently.
    poll = 0.5

    def __init__(self, *, lease: float = LEASE) -> None:
        self.lease = lease

    def enqueue(self, name: str, args: dict[str, Any], *, delay: float = 0.0) -> None:
        Task.objects.create(
            name=name, args=args, run_after=timezone.now() + timedelta(seconds=delay)
        )

    def claim(self, consumer: str, wait: float = 0.0) -> Claimed | None:
        deadline = time.monotonic() + wait
        while True:
            claimed = self._claim_one(consumer)
            left = deadline - time.monotonic()
            if claimed is not None or left <= 0:
                return claimed
            time.sleep(min(self.poll, left))

    def _claim_one(self, consumer: str) -> Claimed | None:
        now = timezone.now()
        free = Q(lease_until__isnull=True, run_after__lte=now) | Q(lease_until__lt=now)
        candidates = (
            Task.objects.filter(free, dead=False)
            .order_by("run_after", "id")
            .values_list("pk", flat=True)[:10]
        )
        token = _token(consumer)
        for pk in list(candidates):
            # Two workers may pick the same candidate; the UPDATE re-checks that it is
            # still free, so exactly one of them gets a row back.
            won = Task.objects.filter(free, pk=pk, dead=False).update(
                lease_owner=token,
                lease_until=now + timedelta(seconds=self.lease),
                attempts=F("attempts") + 1,
            )
            if won:
                row = Task.objects.get(pk=pk)
                return Claimed(str(pk), row.name, row.args, row.attempts, token)
        return None

    def _ours(self, claimed: Claimed):
        return Task.objects.filter(pk=int(claimed.id), lease_owner=claimed.token)

    def extend(self, claimed: Claimed) -> bool:
        until = timezone.now() + timedelta(seconds=self.lease)
        return self._ours(claimed).update(lease_until=until) == 1

    def done(self, claimed: Claimed) -> None:
        self._ours(claimed).delete()

    def retry(self, claimed: Claimed, error: str, delay: float) -> None:
        self._ours(claimed).update(
            lease_owner="",
            lease_until=None,
            run_after=timezone.now() + timedelta(seconds=delay),
            last_error=error,
        )

    def bury(self, claimed: Claimed, error: str) -> None:
        logger.error("task %s #%s is dead: %s", claimed.name, claimed.id, error)
        self._ours(claimed).update(dead=True, lease_owner="", lease_until=None, last_error=error)

    def claim_period(self, name: str, every: float) -> tuple[bool, float]:
        """(whether this caller runs the job now, seconds until it is worth asking again)."""
        now = timezone.now()
        next_run = PeriodicSlot.objects.filter(name=name).values_list("next_run_at", flat=True)
        due = next_run.first()
        if due is None:
            PeriodicSlot.objects.bulk_create(
                [PeriodicSlot(name=name, next_run_at=now)], ignore_conflicts=True
            )
        elif due > now:
            # Reading first keeps a waiting worker from taking write locks for nothing.
            return False, (due - now).total_seconds()
        won = PeriodicSlot.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + timedelta(seconds=every)
        )
        return (True, every) if won else (False, min(every, 0.1))

    def acquire(self, name: str, owner: str, ttl: float) -> bool:
        now = timezone.now()
        held = Lock.objects.filter(name=name).filter(Q(expires_at__lte=now) | Q(owner=owner))
        until = now + timedelta(seconds=ttl)
        if held.update(owner=owner, expires_at=until):
            return True
        if Lock.objects.filter(name=name).exists():
            return False
        Lock.objects.bulk_create([Lock(name=name, owner="", expires_at=now)], ignore_conflicts=True)
        return held.update(owner=owner, expires_at=until) == 1

    def release(self, name: str, owner: str) -> None:
        Lock.objects.filter(name=name, owner=owner).update(owner="", expires_at=timezone.now())

    def purge(self) -> int:
        """Forget dead tasks once nobody is likely to look at them any more (30 days),
        and locks free for a day (drafting takes one per story; ``acquire`` makes a
        missing row again, so deleting a free one changes nothing)."""
        now = timezone.now()
        deleted, _by_model = Task.objects.filter(
            dead=True, created_at__lt=now - timedelta(days=30)
        ).delete()
        freed, _by_model = Lock.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
        return deleted + freed


# --- the Redis backend ---------------------------------------------------------------
#
# Tasks live in a Redis stream read through one consumer group. Compared with a list
# moved into per-worker "processing" lists (BLMOVE), the group does the bookkeeping a
# lease needs for each entry: who holds it (the pending entries list), since when (its
# idle time) and how often it was handed out (its delivery count). XAUTOCLAIM then
# retakes an entry idle longer than the lease in one atomic step, so two workers
# recovering at once never both get it, and no worker has to scan for dead peers.
# Delayed retries wait in a sorted set scored by due time until a claim moves them on.

_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, item in ipairs(due) do
    if redis.call('ZREM', KEYS[1], item) == 1 then
        local task = cjson.decode(item)
        redis.call('XADD', KEYS[2], '*', 'name', task.name, 'args', task.args,
                   'attempts', task.attempts)
    end
end
return #due
"""

# Renew only an entry this consumer still holds: XCLAIM alone would steal it back.
_EXTEND = """
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
"""

_ACQUIRE = """
local holder = redis.call('GET', KEYS[1])
if not holder then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 1
end
if holder == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return 1
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisBackend:
    group = "workers"
    dead_kept = 1000

    def __init__(self, client, prefix: str = "clarion", *, lease: float = LEASE) -> None:
        import redis

        self.redis = client
        self.lease = lease
        self.prefix = prefix
        self.stream = f"{prefix}:tasks"
        self.delayed = f"{prefix}:tasks:delayed"
        self.dead = f"{prefix}:tasks:dead"
        self._error = redis.ResponseError
        self._promote = client.register_script(_PROMOTE)
        self._extend = client.register_script(_EXTEND)
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._group_ready = False
        # Where the next look for tasks of dead workers starts in the pending entries:
        # XAUTOCLAIM examines only a few entries per call, so the scan resumes where
        # the previous one stopped instead of rereading the first ones forever.
        self._recover_from = "0-0"

    # tasks

    def enqueue(self, name: str, args: dict[str, Any], *, delay: float = 0.0) -> None:
        payload = json.dumps(args)
        if connection.in_atomic_block:
            # Workers must not see the task before the change it is about is visible.
            # Robust: once the change has committed, a Redis hiccup is logged rather
            # than turned into an error for a request whose work is done.
            connection.on_commit(lambda: self._push(name, payload, 0, delay), robust=True)
        else:
            self._push(name, payload, 0, delay)

    def _push(self, name: str, payload: str, attempts: int, delay: float) -> None:
        if delay > 0:
            item = {"name": name, "args": payload, "attempts": attempts, "id": uuid.uuid4().hex}
            self.redis.zadd(self.delayed, {json.dumps(item): time.time() + delay})
        else:
            self.redis.xadd(self.stream, {"name": name, "args": payload, "attempts": attempts})

    def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except self._error as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def claim(self, consumer: str, wait: float = 0.0) -> Claimed | None:
        self._ensure_group()
        try:
            return self._claim(consumer, wait)
        except self._error as exc:
            if "NOGROUP" not in str(exc):
                raise
            # The stream was deleted under us (FLUSHDB, say): make it again.
            self._group_ready = False
            self._ensure_group()
            return self._claim(consumer, wait)

    def _claim(self, consumer: str, wait: float) -> Claimed | None:
        self._promote(keys=[self.delayed, self.stream], args=[time.time()])
        lease_ms = int(self.lease * 1000)
        cursor, retaken, *_deleted = self.redis.xautoclaim(
            self.stream, self.group, consumer, lease_ms, start_id=self._recover_from, count=1
        )
        self._recover_from = cursor.decode() if isinstance(cursor, bytes) else cursor
        if retaken:
            entry_id, fields = retaken[0]
            pending = self.redis.xpending_range(
                self.stream, self.group, min=entry_id, max=entry_id, count=1
            )
            deliveries = pending[0]["times_delivered"] if pending else 1
            return self._claimed(consumer, entry_id, fields, deliveries)
        block = int(wait * 1000) if wait > 0 else None  # BLOCK 0 would wait forever
        answer = self.redis.xreadgroup(
            self.group, consumer, {self.stream: ">"}, count=1, block=block
        )
        if not answer:
            return None
        _stream, entries = answer[0]
        if not entries:
            return None
        entry_id, fields = entries[0]
        return self._claimed(consumer, entry_id, fields, 1)

    @staticmethod
    def _claimed(consumer: str, entry_id: bytes, fields: dict, deliveries: int) -> Claimed:
        def text(value: bytes | str) -> str:
            return value.decode() if isinstance(value, bytes) else value

        values = {text(k): text(v) for k, v in fields.items()}
        # ``attempts`` counts earlier failed runs (retries go round through the delayed
        # set as new entries); deliveries count the hand-outs of this entry.
        return Claimed(
            id=text(entry_id),
            name=values["name"],
            args=json.loads(values["args"]),
            attempts=int(values.get("attempts", 0)) + deliveries,
            # XCLAIM and XPENDING know the consumer, not a per-claim token.
            token=consumer,
        )

    def extend(self, claimed: Claimed) -> bool:
        keys, args = [self.stream], [self.group, claimed.token, claimed.id]
        return bool(self._extend(keys=keys, args=args))

    def _finish(self, claimed: Claimed, then: Callable[[Any], None] | None = None) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.xack(self.stream, self.group, claimed.id)
        pipe.xdel(self.stream, claimed.id)
        if then is not None:
            then(pipe)
        pipe.execute()

    def done(self, claimed: Claimed) -> None:
        self._finish(claimed)

    def retry(self, claimed: Claimed, error: str, delay: float) -> None:
        item = {
            "name": claimed.name,
            "args": json.dumps(claimed.args),
            "attempts": claimed.attempts,
            "id": uuid.uuid4().hex,
        }
        self._finish(
            claimed, lambda pipe: pipe.zadd(self.delayed, {json.dumps(item): time.time() + delay})
        )

    def bury(self, claimed: Claimed, error: str) -> None:
        logger.error("task %s %s is dead: %s", claimed.name, claimed.id, error)
        record = json.dumps({"name": claimed.name, "args": claimed.args, "error": error})

        def keep(pipe: Any) -> None:
            pipe.lpush(self.dead, record)
            pipe.ltrim(self.dead, 0, self.dead_kept - 1)

        self._finish(claimed, keep)

    # periods and locks

    def claim_period(self, name: str, every: float) -> tuple[bool, float]:
        # The key lives exactly one period: whoever creates it runs this period's job.
        period_key = f"{self.prefix}:periodic:{name}"
        if self.redis.set(period_key, worker_id(), nx=True, px=max(1, int(every * 1000))):
            return True, every
        left = self.redis.pttl(period_key)
        if left == -1:  # no expiry: not ours, and it would never open again
            self.redis.pexpire(period_key, max(1, int(every * 1000)))
            return False, every
        return False, (left / 1000 if left > 0 else 0.01)

    def acquire(self, name: str, owner: str, ttl: float) -> bool:
        keys, args = [f"{self.prefix}:lock:{name}"], [owner, max(1, int(ttl * 1000))]
        return bool(self._acquire(keys=keys, args=args))

    def release(self, name: str, owner: str) -> None:
        self._release(keys=[f"{self.prefix}:lock:{name}"], args=[owner])

    def purge(self) -> int:
        """Forget consumers of workers gone for a day (their names hold a process id).

        One that holds nothing and has not even asked for a task in a day is gone; a
        live consumer asks every second, and Redis recreates one that reads again.
        """
        self._ensure_group()
        gone = [
            consumer["name"]
            for consumer in self.redis.xinfo_consumers(self.stream, self.group)
            if consumer["pending"] == 0 and consumer["idle"] > 86_400_000
        ]
        for name in gone:
            self.redis.xgroup_delconsumer(self.stream, self.group, name)
        return len(gone)
