"""The API's per-IP rate limit: 429 with Retry-After past CLARION_API_RATE_LIMIT a minute.

Counted with ``core.ratelimit`` (shared by every process through the database or
Redis), keyed on the client's address as the trusted proxies report it, hashed.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.throttling import BaseThrottle

from clarion.core import ratelimit
from clarion.core.http import client_ip

WINDOW_SECONDS = 60


class PerIPThrottle(BaseThrottle):
    """One instance serves every request: the wait is kept per thread, not on self."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        limit = settings.CLARION_API_RATE_LIMIT
        self._local.wait = None
        if limit <= 0:
            return True
        wait = ratelimit.hit_ip("api", client_ip(request), limit, WINDOW_SECONDS)
        if wait:
            self._local.wait = wait
        return not wait

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


TOO_MANY = {
    "description": (
        "Too many requests from this address: more than the site's limit per minute "
        "(`CLARION_API_RATE_LIMIT`). Wait the seconds in `Retry-After`, then try again."
    ),
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before the next request.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}},
    },
}


class ThrottledAPI(NinjaAPI):
    """Documents the 429 every operation may answer, including ones added later."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any):
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if not (isinstance(operation, dict) and "responses" in operation):
                    continue
                responses = operation["responses"]
                declared = responses.get(429) or responses.get("429")
                if declared is None:
                    responses[429] = TOO_MANY
                else:
                    # An operation with a limit of its own (signing) describes it; the
                    # header that says how long to wait is the same.
                    declared.setdefault("headers", TOO_MANY["headers"])
        return schema
