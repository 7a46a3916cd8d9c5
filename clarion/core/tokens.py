"""Emailed links: the token, what the database keeps of it, and absolute addresses."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def token_hash(token: str) -> str:
    """sha256 of an emailed token: a database leak reveals no usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str, datetime]:
    """(token for the link, its hash to store, when the link stops working)."""
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(hours=settings.CLARION_CONFIRM_HOURS)
    return token, token_hash(token), expires


def absolute(path: str) -> str:
    """A path on the site as a full address, for emails (they have no request)."""
    return f"{settings.CLARION_BASE_URL}{path}"
