"""Signed, expiring form tokens: CSRF protection for forms on pages any cache may serve.

Django's CSRF protection pairs a token in the form with a cookie set on the visitor's
first page, so every page that carries a form carries per-visitor state: a
``Set-Cookie`` and a token no other visitor may see. No shared cache or CDN can keep
such a page. The public forms (signing a petition or a letter, the embedded widget)
need no cookie to be checked against, because their views read nothing of a visitor's
session: a forged post from another site can do nothing the forger could not do by
posting directly. (The session cookie is ``SameSite=Lax``, so a cross-site post does not
even carry it.) What a token must still prove is that a post comes from a form this
site served, recently, for this very petition or letter: a ``TimestampSigner`` token
naming the form's scope does that, and it is the same for every visitor, so the page
that holds it can be cached and shared.

The views that take these tokens are ``csrf_exempt`` and call ``token_accepted``.
"""

from __future__ import annotations

import time

from django.core import signing
from django.http import HttpRequest

FIELD = "form_token"
_SALT = "clarion.form-token"
# Long enough to read a page (served from a cache for a few minutes at most) and fill
# the form in; a stale form is shown again with a fresh token and a request to resend.
MAX_AGE_HOURS = 6
# A real token is about 60 characters; anything much longer is not one of ours.
_MAX_LENGTH = 300
# A token's time is rounded down to this many seconds, so a page that holds one is the
# same bytes (and the same ETag) for ten minutes instead of changing every second,
# which would defeat every cache's revalidation. A token lives up to that much longer.
WINDOW_SECONDS = 600


def now() -> float:
    """The clock tokens are issued by (tests hold it still)."""
    return time.time()


class _WindowSigner(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(now()) // WINDOW_SECONDS * WINDOW_SECONDS)


def issue(scope: str) -> str:
    """A token for a form of ``scope`` (for example ``"petition:<slug>"``)."""
    return _WindowSigner(salt=_SALT).sign(scope)


def valid(token: str, scope: str) -> bool:
    """Whether ``token`` was issued by this site for ``scope`` within the last hours."""
    if not token or len(token) > _MAX_LENGTH:
        return False
    max_age = MAX_AGE_HOURS * 3600 + WINDOW_SECONDS
    try:
        signed = _WindowSigner(salt=_SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return False
    return signed == scope


def token_accepted(request: HttpRequest, scope: str) -> bool:
    """Whether a form post carries a valid token for ``scope``.

    Django's test client marks its requests as exempt from CSRF checks unless a test
    asks for them (``Client(enforce_csrf_checks=True)``); this check honours the same
    mark, as Django's own CSRF middleware does, so it stands in for that check exactly.
    """
    if getattr(request, "_dont_enforce_csrf_checks", False):
        return True
    return valid(request.POST.get(FIELD, ""), scope)
