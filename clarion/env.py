"""Strict readers for environment variables.

Every setting Clarion reads comes through one of these helpers, so a bad value
stops start-up with a message that names the variable instead of failing later
in some unrelated request.
"""

from __future__ import annotations

import os
import zoneinfo
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    raw = env_str(name, default)
    parts = urlsplit(raw)
    if parts.scheme not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise ImproperlyConfigured(f"{name} must start with one of {allowed}; got {raw!r}")
    if parts.scheme in ("http", "https") and not parts.netloc:
        raise ImproperlyConfigured(f"{name} must include a host; got {raw!r}")
    return raw.rstrip("/")


def env_redis_url(name: str) -> str:
    """A redis:// or rediss:// URL with a host, or "" when the variable is unset or empty."""
    raw = env_str(name)
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss"):
        raise ImproperlyConfigured(
            f"{name} must start with redis:// or rediss://, as in redis://127.0.0.1:6379/0; "
            f"got {raw!r}"
        )
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port: {raw!r}") from None
    database = parts.path.strip("/")
    if not parts.hostname or (database and not database.isdigit()):
        raise ImproperlyConfigured(
            f"{name} must name a host and optionally a database number, "
            f"as in redis://127.0.0.1:6379/0; got {raw!r}"
        )
    return raw


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/London; got {value!r}"
        ) from None
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value
