"""With REDIS_URL the cache is Redis, shared by every process and machine."""

from __future__ import annotations

import redis
from django.core.cache import caches


def test_the_cache_lives_in_redis(redis_url, settings):
    prefix = f"{settings.CLARION_REDIS_PREFIX}:cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    cache = caches["default"]
    cache.set("greeting", {"hello": "world"}, timeout=30)

    assert cache.get("greeting") == {"hello": "world"}
    stored = list(redis.Redis.from_url(redis_url).scan_iter(match=f"{prefix}:*"))
    assert len(stored) == 1
