"""The Redis connection shared by the task queue, locks and rate limits.

Only used when ``REDIS_URL`` is set. One client per URL and process: redis-py's client
keeps a thread-safe connection pool, so every worker thread shares it.
"""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    # The socket timeout is longer than any blocking read the queue makes (1 s), so a
    # Redis that stops answering surfaces as an error instead of a hung worker.
    return redis.Redis.from_url(
        url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30
    )


def client() -> redis.Redis:
    if not settings.REDIS_URL:
        raise RuntimeError("REDIS_URL is not set")
    return _client(settings.REDIS_URL)


def key(*parts: object) -> str:
    """A key in Clarion's namespace, so several sites can share one Redis."""
    return ":".join([settings.CLARION_REDIS_PREFIX, *(str(part) for part in parts)])
