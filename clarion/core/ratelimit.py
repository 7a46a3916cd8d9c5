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

from django.conf import settings
from django.db import connection

from clarion.core.models import RateLimitBucket

_INCR = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIREAT', KEYS[1], ARGV[1]) end
return hits
"""


def hit(key: str, limit: int, window_seconds: int) -> tuple[bool, int]:
    """Count a hit on ``key``: (allowed, seconds to wait before trying again, or 0)."""
    if limit < 1 or window_seconds < 1:
        raise ValueError("a rate limit needs a limit and a window of at least 1")
    if len(key) > 150:
        raise ValueError("rate-limit keys are at most 150 characters; hash longer ones")
    now = time.time()
    start = int(now // window_seconds) * window_seconds
    end = start + window_seconds
    hits = _redis_hit(key, start, end) if settings.REDIS_URL else _db_hit(key, start, end)
    if hits <= limit:
        return True, 0
    return False, max(1, math.ceil(end - now))


def _redis_hit(key: str, start: int, end: int) -> int:
    from clarion.core import broker

    client = broker.client()
    script = client.register_script(_INCR)
    # A second past the window's end, so a slightly slow clock never reopens it early.
    return int(script(keys=[broker.key("ratelimit", key, start)], args=[end + 1]))


def _db_hit(key: str, start: int, end: int) -> int:
    table = connection.ops.quote_name(RateLimitBucket._meta.db_table)
    # One statement: the row is created or counted under the database's own row lock,
    # and RETURNING hands back the count this hit made. A row left from an older
    # window starts again at 1; a hit stamped with an older window than the row's
    # (a process with a slow clock) counts into the newer one instead of resetting it.
    sql = f"""
        INSERT INTO {table} AS bucket ("key", window_start, window_end, hits)
        VALUES (%s, %s, %s, 1)
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
        RETURNING hits
    """  # noqa: S608 - the only interpolation is the table name from the model
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, start, end])
        return int(cursor.fetchone()[0])


def purge_expired() -> int:
    """Delete database windows that have ended (Redis expires its keys by itself)."""
    deleted, _by_model = RateLimitBucket.objects.filter(window_end__lt=int(time.time())).delete()
    return deleted
