"""Rate limits: count hits on a key in a fixed window, atomically.

``hit(key, limit, window)`` counts one hit and says whether it is within ``limit`` hits
per ``window`` seconds. Counting and reading the count are one atomic step on either
backend, so concurrent requests can't all slip under the limit together:

* with ``REDIS_URL``, a Lua script INCRs the window's key and sets its expiry;
* without, one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement on a table
  (SQLite 3.35+ and PostgreSQL), which every process on the machine shares.

Windows are fixed (aligned on multiples of ``window`` seconds since the epoch): simple
and cheap, at the price of letting up to twice the limit through around a window's
edge. Policies that need better are built on top.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from django.conf import settings
from django.db import connection

from clarion.core.http import hash_ip
from clarion.core.models import RateLimitBucket

# One call may count hits on several keys (each with its own expiry) in one round trip.
_INCR = """
local counts = {}
for i, key in ipairs(KEYS) do
    local hits = redis.call('INCR', key)
    if hits == 1 then redis.call('EXPIREAT', key, ARGV[i]) end
    counts[i] = hits
end
return counts
"""


def hit(key: str, limit: int, window_seconds: int) -> tuple[bool, int]:
    """Count a hit on ``key``: (allowed, seconds to wait before trying again, or 0)."""
    return hit_many([(key, limit, window_seconds)])[0]


def hit_ip(scope: str, ip: str | None, limit: int, window_seconds: int) -> int:
    """Count a hit by the client at ``ip`` on ``scope``: seconds to wait, or 0 if allowed.

    The address is only ever keyed by its keyed hash (``core.http.hash_ip``).
    """
    source = hash_ip(ip)[:40] or "unknown"
    allowed, wait = hit(f"{scope}:{source}", limit, window_seconds)
    return 0 if allowed else wait


def hit_many(buckets: Sequence[tuple[str, int, int]]) -> list[tuple[bool, int]]:
    """Count one hit on each (key, limit, window) at once: one statement or one script.

    For callers that check several limits on every request (signing checks a burst and
    a sustained window per rule): the cost is one write however many limits apply.
    Answers (allowed, seconds to wait or 0) for each bucket, in order. Keys must differ.
    """
    if not buckets:
        return []
    now = time.time()
    windows: list[tuple[str, int, int]] = []
    for key, limit, window_seconds in buckets:
        if limit < 1 or window_seconds < 1:
            raise ValueError("a rate limit needs a limit and a window of at least 1")
        if len(key) > 150:
            raise ValueError("rate-limit keys are at most 150 characters; hash longer ones")
        start = int(now // window_seconds) * window_seconds
        windows.append((key, start, start + window_seconds))
    if len({key for key, _start, _end in windows}) != len(windows):
        raise ValueError("each bucket of one call needs a key of its own")
    counts = _redis_hits(windows) if settings.REDIS_URL else _db_hits(windows)
    answers = []
    for (_key, limit, _window), (_key2, _start, end), hits in zip(
        buckets, windows, counts, strict=True
    ):
        answers.append((True, 0) if hits <= limit else (False, max(1, math.ceil(end - now))))
    return answers


def _redis_hits(windows: list[tuple[str, int, int]]) -> list[int]:
    from clarion.core import broker

    client = broker.client()
    script = client.register_script(_INCR)
    keys = [broker.key("ratelimit", key, start) for key, start, _end in windows]
    # A second past the window's end, so a slightly slow clock never reopens it early.
    return [int(n) for n in script(keys=keys, args=[end + 1 for _k, _s, end in windows])]


def _db_hits(windows: list[tuple[str, int, int]]) -> list[int]:
    table = connection.ops.quote_name(RateLimitBucket._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, 1)"] * len(windows))
    # One statement: each row is created or counted under the database's own row lock,
    # and RETURNING hands back the count this hit made. A row left from an older
    # window starts again at 1; a hit stamped with an older window than the row's
    # (a process with a slow clock) counts into the newer one instead of resetting it.
    sql = f"""
        INSERT INTO {table} AS bucket ("key", window_start, window_end, hits)
        VALUES {rows}
        ON CONFLICT ("key") DO UPDATE SET
            hits = CASE
                WHEN bucket.window_start >= excluded.window_start THEN bucket.hits + 1
                ELSE 1
            END,
            window_start = CASE
                WHEN bucket.window_start >= excluded.window_start THEN bucket.window_start
                ELSE excluded.window_start
            END,
            window_end = CASE
                WHEN bucket.window_start >= excluded.window_start THEN bucket.window_end
                ELSE excluded.window_end
            END
        RETURNING "key", hits
    """  # noqa: S608 - the only interpolation is the table name and placeholders
    params = [value for window in windows for value in window]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # RETURNING promises no order: match the counts back to the keys.
        counted = {key: int(hits) for key, hits in cursor.fetchall()}
    return [counted[key] for key, _start, _end in windows]


def purge_expired() -> int:
    """Delete database windows that have ended (Redis expires its keys by itself)."""
    deleted, _by_model = RateLimitBucket.objects.filter(window_end__lt=int(time.time())).delete()
    return deleted
