"""Public pages any cache can serve: for an anonymous visitor, the petition, letter,
home, category, country, region and story pages carry nothing of that visitor (no
``Set-Cookie``, no ``Vary: Cookie``), say ``public`` with an ``s-maxage`` and a
``stale-while-revalidate``, and answer a revalidation of an unchanged page with 304.
A visitor with a session gets the same address marked ``private``.

Walked through the WSGI application with the demo content, in every language, as a
CDN in front of the site would fetch them.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.test_head import Demo, demo

pytestmark = pytest.mark.django_db

PAGES = {
    "petitions:home": lambda d: {},
    "petitions:category_index": lambda d: {},
    "petitions:category": lambda d: {"slug": d.category.slug},
    "petitions:detail": lambda d: {"slug": d.petition.slug},
    "letters:index": lambda d: {},
    "letters:detail": lambda d: {"slug": d.letter.slug},
    "news:index": lambda d: {},
    "news:story": lambda d: {"pk": d.story.pk},
    "news:article": lambda d: {"pk": d.article.pk, "slug": d.article.slug},
    "browse:country_index": lambda d: {},
    "browse:country": lambda d: {"code": "MX"},
    "browse:region_index": lambda d: {},
    "browse:region": lambda d: {"slug": "latin-america"},
}


def _paths(data: Demo) -> list[str]:
    paths = []
    for name, kwargs in PAGES.items():
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                paths.append(reverse(name, kwargs=kwargs(data)))
    return paths


def _get(handler: WSGIHandler, path: str, **headers: str) -> tuple[int, dict[str, list[str]]]:
    environ = RequestFactory().get(path, **headers).environ
    started: list = []

    def start_response(status: str, response_headers: list, exc_info=None) -> None:
        started[:] = [status, response_headers]

    result = handler(environ, start_response)
    try:
        b"".join(result)
    finally:
        result.close()
    found: dict[str, list[str]] = {}
    for name, value in started[1]:
        found.setdefault(name.lower(), []).append(value)
    return int(started[0].split()[0]), found


def test_an_anonymous_visit_to_any_public_page_can_be_cached_by_anyone():
    handler = WSGIHandler()
    wrong = []
    for path in _paths(demo()):
        status, headers = _get(handler, path)
        control = headers.get("cache-control", [""])[0]
        problems = []
        if status != 200:
            problems.append(f"status {status}")
        if "set-cookie" in headers:
            problems.append(f"sets {headers['set-cookie']}")
        if any("cookie" in vary.lower() for vary in headers.get("vary", [])):
            problems.append(f"Vary: {headers['vary']}")
        if not all(part in control for part in ("public", "s-maxage=", "stale-while-revalidate=")):
            problems.append(f"Cache-Control: {control!r}")
        if "etag" not in headers:
            problems.append("no ETag")
        else:
            again, _headers = _get(handler, path, HTTP_IF_NONE_MATCH=headers["etag"][0])
            if again != 304:
                problems.append(f"If-None-Match answered {again}, not 304")
        if problems:
            wrong.append(f"{path}: {'; '.join(problems)}")
    assert not wrong, "\n".join(wrong)


def test_a_signed_in_visitor_gets_private_answers(client, moderator):
    data = demo()
    client.force_login(moderator)
    for path in _paths(data):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "private" in response["Cache-Control"], path
        assert "public" not in response["Cache-Control"], path
