"""Emailed confirmation links: the token, what the database keeps of it, what it says."""

from __future__ import annotations

import enum
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


class ConfirmState(enum.Enum):
    """What a confirmation link (a petition signature's or a letter sign-on's) stands for."""

    READY = "ready"  # valid and waiting for the signer's deliberate click
    CONFIRMED = "confirmed"  # just confirmed by this request
    ALREADY = "already"  # the link was used before
    EXPIRED = "expired"
    CLOSED = "closed"  # the petition or letter closed before the signer confirmed
    INVALID = "invalid"


# The status code of the page a confirmation link opens, by what the link stands for.
CONFIRM_HTTP_STATUS = {
    ConfirmState.READY: 200,
    ConfirmState.CONFIRMED: 200,
    ConfirmState.ALREADY: 200,
    ConfirmState.EXPIRED: 410,
    ConfirmState.CLOSED: 410,
    ConfirmState.INVALID: 404,
}
