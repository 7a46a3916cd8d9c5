"""Request helpers: who sent a request, and its address as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent the request.

    X-Forwarded-For is only believed when the operator says how many proxies sit
    in front of Clarion (CLARION_TRUSTED_PROXIES); anyone can send that header.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.CLARION_TRUSTED_PROXIES
    if not hops:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    # Each trusted proxy appends the address it saw; the client is `hops` from the end.
    if len(forwarded) >= hops:
        return forwarded[-hops]
    return remote


def hash_ip(ip: str | None) -> str:
    """A keyed hash of an IP address: enough to spot one source, useless to reverse."""
    if not ip:
        return ""
    key = hashlib.sha256(f"clarion-ip:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()
