"""Named locks with a lease, on the database or on Redis.

A lock has one holder at a time. Its lease (``ttl``) frees it by itself if the holder
dies, so a crashed worker never blocks the others for longer than that; a holder that
works longer renews it. The count fold, drafting (a lock per story) and the updates
mailing use them to keep two workers from doing one piece of work at once.

With ``REDIS_URL`` empty a lock is a row claimed with a conditional UPDATE; with it set,
a key in Redis changed by a Lua script, so workers on several machines share them.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from clarion.core import broker
from clarion.core.models import Lock


def worker_id() -> str:
    """This process, as other workers see it in locks, the schedule and task results."""
    return f"{socket.gethostname()}:{os.getpid()}"


def new_owner() -> str:
    """An owner name unique to one holding, so a thread can't release another's lock."""
    return f"{worker_id()[:80]}/{uuid.uuid4().hex[:12]}"


def acquire(name: str, owner: str, ttl: float) -> bool:
    """Take the lock ``name`` for ``ttl`` seconds, or renew it when ``owner`` holds it."""
    if settings.REDIS_URL:
        return _redis_acquire(name, owner, ttl)
    return _database_acquire(name, owner, ttl)


def release(name: str, owner: str) -> None:
    """Free the lock, if ``owner`` still holds it (a lapsed lease may be someone else's)."""
    if settings.REDIS_URL:
        _redis_release(name, owner)
    else:
        Lock.objects.filter(name=name, owner=owner).update(owner="", expires_at=timezone.now())


@dataclass
class Held:
    name: str
    owner: str
    ttl: float

    def renew(self) -> bool:
        """Push the lease forward; False when it ran out and someone else took the lock."""
        return acquire(self.name, self.owner, self.ttl)


@contextmanager
def lock(name: str, *, ttl: float = 30.0, wait: float = 0.0) -> Iterator[Held | None]:
    """Hold the lock ``name`` for the block, or yield None if it stays busy ``wait`` s.

    The lease (``ttl``) frees the lock if the holder dies; a holder that works longer
    calls ``renew()`` on what this yields.
    """
    owner = new_owner()
    deadline = time.monotonic() + wait
    while not acquire(name, owner, ttl):
        if time.monotonic() >= deadline:
            yield None
            return
        time.sleep(0.05)
    try:
        yield Held(name, owner, ttl)
    finally:
        release(name, owner)


def purge() -> int:
    """Delete lock rows free for a day (drafting takes one per story). ``acquire`` makes
    a missing row again, so deleting a free one changes nothing. Redis keys expire."""
    if settings.REDIS_URL:
        return 0
    cutoff = timezone.now() - timedelta(days=1)
    deleted, _by_model = Lock.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


# --- the database ---------------------------------------------------------------------


def _database_acquire(name: str, owner: str, ttl: float) -> bool:
    now = timezone.now()
    held = Lock.objects.filter(name=name).filter(Q(expires_at__lte=now) | Q(owner=owner))
    until = now + timedelta(seconds=ttl)
    if held.update(owner=owner, expires_at=until):
        return True
    if Lock.objects.filter(name=name).exists():
        return False
    # The first use of this name: make a free row, then race for it like any other.
    Lock.objects.bulk_create([Lock(name=name, owner="", expires_at=now)], ignore_conflicts=True)
    return held.update(owner=owner, expires_at=until) == 1


# --- Redis ------------------------------------------------------------------------------

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


def _redis_acquire(name: str, owner: str, ttl: float) -> bool:
    script = broker.client().register_script(_ACQUIRE)
    return bool(script(keys=[broker.key("lock", name)], args=[owner, max(1, int(ttl * 1000))]))


def _redis_release(name: str, owner: str) -> None:
    script = broker.client().register_script(_RELEASE)
    script(keys=[broker.key("lock", name)], args=[owner])
