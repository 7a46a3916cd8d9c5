"""A faster source of CSRF secrets and masks for Django's CSRF middleware.

Django draws each of a token's 32 characters with its own ``SystemRandom.choice``
(one ``os.urandom`` call each), twice per page that carries a form for a new visitor:
about 55 µs, a fifth of serving a cached petition page. The same randomness from one
``os.urandom`` call costs about 2 µs. Only the drawing changes: the alphabet, length,
masking and checks stay Django's, and ``tests/core/test_csrf.py`` pins them.
"""

from __future__ import annotations

import os

from django.middleware import csrf

_CHARS = csrf.CSRF_ALLOWED_CHARS
# Bytes at or above the largest multiple of the alphabet's size are dropped, so every
# character is equally likely (rejection sampling; 248 = 62 * 4).
_LIMIT = 256 - 256 % len(_CHARS)


def new_csrf_string() -> str:
    length = csrf.CSRF_SECRET_LENGTH
    chars: list[str] = []
    while len(chars) < length:
        chars.extend(_CHARS[b % len(_CHARS)] for b in os.urandom(length + 8) if b < _LIMIT)
    return "".join(chars[:length])


def install() -> None:
    csrf._get_new_csrf_string = new_csrf_string
