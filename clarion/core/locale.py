"""Which language a request is served in, and where the same page lives in the others.

The URL alone decides. English (settings.LANGUAGE_CODE) pages are at ``/...``, every
other interface language's at ``/<code>/...`` (``i18n_patterns`` with
``prefix_default_language=False`` in clarion/urls.py). Nothing else is consulted: not
``Accept-Language``, not a cookie, not the session. So one URL is one page, which a
cache (the petition page cache, a CDN in front) can key on the URL alone with no
``Vary: Accept-Language``, and a search engine finds each language at its own address,
as the ``hreflang`` alternates in every page's head say. Visitors change language with
the switcher in the header: plain links to the other language's URL.

Django's LocaleMiddleware would also parse ``Accept-Language`` and the language
cookie on every request and add ``Vary`` headers; this one looks at the first path
segment, and not even that for the paths that are never translated (``/healthz``, the
API, the admin, static files).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# Paths outside i18n_patterns: served in the default language, never prefixed. The API
# speaks English like its OpenAPI document; the admin is for the site's own staff.
UNPREFIXED = ("/healthz", "/api/", "/admin/", "/static/", "/dev/")


def prefixed_languages() -> frozenset[str]:
    """The interface languages whose pages carry a /<code>/ prefix."""
    return frozenset(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)


def split_path(path: str) -> tuple[str, str]:
    """(language, the path without its language prefix) for a path on this site."""
    segment, slash, rest = path[1:].partition("/")
    if segment in prefixed_languages():
        return segment, "/" + rest if slash else "/"
    return settings.LANGUAGE_CODE, path


def is_translated(path: str) -> bool:
    """Whether a path (without language prefix) has a version in every language."""
    return not path.startswith(UNPREFIXED)


def path_in(language: str, neutral_path: str) -> str:
    """The path of the page at ``neutral_path`` (no prefix) in ``language``."""
    if language == settings.LANGUAGE_CODE:
        return neutral_path
    return f"/{language}{neutral_path}"


class PathLanguageMiddleware:
    """Activate the language named by the URL's prefix, or the default one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.default = settings.LANGUAGE_CODE
        self.prefixed = prefixed_languages()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path == "/healthz":
            # Health checks are frequent and say "ok" in every language.
            return self.get_response(request)
        segment = path[1 : path.find("/", 1)] if path.count("/") > 1 else path[1:]
        language = segment if segment in self.prefixed else self.default
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The thread goes on to other work (the next request, a test, a management
            # command), which must not inherit this request's language.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response
