"""HEAD works wherever GET does (RFC 9110, section 9.3.2): the same status and headers,
and no body. Monitors and link checkers send HEAD; a 405 tells them the page is broken.

The test walks every address in the URL map, in every language, with the demo content
loaded, and calls the site's WSGI application itself (not the test client, which drops
HEAD bodies on its own), so it sees exactly what a WSGI server is handed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from clarion.letters.models import Letter
from clarion.news.models import Article, Story
from clarion.petitions.models import Petition
from clarion.taxonomy.models import Category

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    translated: bool  # inside i18n_patterns: one address per language


def routes() -> Iterator[Route]:
    def walk(resolver: URLResolver, namespace: str, translated: bool) -> Iterator[Route]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}{entry.namespace}:"
                yield from walk(
                    entry, inner, translated or isinstance(entry.pattern, LocalePrefixPattern)
                )
            elif isinstance(entry, URLPattern) and entry.name:
                yield Route(f"{namespace}{entry.name}", translated)

    yield from walk(get_resolver(), "", False)


# Not public: the admin (and its sign-in), and RQ's pages under /admin/rq/, for the
# site's own staff.
NOT_PUBLIC = ("admin:", "admin_login", "django_rq:")


@dataclass
class Demo:
    petition: Petition
    category: Category
    letter: Letter
    story: Story
    article: Article


# Each route's arguments (and query string) from the demo content. A new route fails
# the test until it is added here, so no address escapes the walk.
SAMPLES: dict[str, Callable[[Demo], tuple[dict, dict]]] = {
    "healthz": lambda d: ({}, {}),
    "petitions:home": lambda d: ({}, {}),
    "browse:search": lambda d: ({}, {"q": "water"}),
    "petitions:category_index": lambda d: ({}, {}),
    "petitions:category": lambda d: ({"slug": d.category.slug}, {}),
    "petitions:detail": lambda d: ({"slug": d.petition.slug}, {}),
    "petitions:pdf": lambda d: ({"slug": d.petition.slug}, {}),
    "petitions:count": lambda d: ({"slug": d.petition.slug}, {}),
    "petitions:sign": lambda d: ({"slug": d.petition.slug}, {}),
    "petitions:thanks": lambda d: ({"slug": d.petition.slug}, {}),
    "petitions:confirm": lambda d: ({"token": "not-a-real-token"}, {}),
    "news:index": lambda d: ({}, {}),
    "news:story": lambda d: ({"pk": d.story.pk}, {}),
    "news:article": lambda d: ({"pk": d.article.pk, "slug": d.article.slug}, {}),
    "browse:country_index": lambda d: ({}, {}),
    "browse:country": lambda d: ({"code": "MX"}, {}),
    "browse:region_index": lambda d: ({}, {}),
    "browse:region": lambda d: ({"slug": "latin-america"}, {}),
    "letters:index": lambda d: ({}, {}),
    "letters:confirm": lambda d: ({"kind": "org", "token": "not-a-real-token"}, {}),
    "letters:pdf": lambda d: ({"slug": d.letter.slug}, {}),
    "letters:detail": lambda d: ({"slug": d.letter.slug}, {}),
    "letters:endorse": lambda d: ({"slug": d.letter.slug}, {}),
    "letters:sign": lambda d: ({"slug": d.letter.slug}, {}),
    "letters:thanks": lambda d: ({"slug": d.letter.slug}, {}),
    "updates:unsubscribe": lambda d: ({"token": "not-a-real-token"}, {}),
    "privacy:my_data_start": lambda d: ({}, {}),
    "privacy:my_data_sent": lambda d: ({}, {}),
    "privacy:my_data": lambda d: ({"token": "not-a-real-token"}, {}),
    "privacy:my_data_export": lambda d: ({"token": "not-a-real-token"}, {}),
    "about": lambda d: ({}, {}),
    "privacy": lambda d: ({}, {}),
    "outbox": lambda d: ({}, {}),
    "outbox_message": lambda d: ({"pk": 1}, {}),
    "api:openapi-json": lambda d: ({}, {}),
    "api:openapi-view": lambda d: ({}, {}),
    "api:api-root": lambda d: ({}, {}),
    "api:list_petitions": lambda d: ({}, {"q": "water"}),
    "api:get_petition": lambda d: ({"slug": d.petition.slug}, {}),
    "api:sign_petition": lambda d: ({"slug": d.petition.slug}, {}),
    "api:petition_countries": lambda d: ({"slug": d.petition.slug}, {}),
    "api:list_articles": lambda d: ({}, {}),
    "api:get_article": lambda d: ({"article_id": d.article.pk}, {}),
    "api:list_stories": lambda d: ({}, {}),
    "api:get_story": lambda d: ({"story_id": d.story.pk}, {}),
    "api:list_letters": lambda d: ({}, {}),
    "api:get_letter": lambda d: ({"slug": d.letter.slug}, {}),
    "api:list_categories": lambda d: ({}, {}),
    "osdi:aep": lambda d: ({}, {}),
    "osdi:petitions": lambda d: ({}, {}),
    "osdi:petition": lambda d: ({"pk": d.petition.pk}, {}),
    "osdi:signatures": lambda d: ({"pk": d.petition.pk}, {}),
    "opendata:category_feed": lambda d: ({"slug": d.category.slug}, {}),
    "opendata:country_feed": lambda d: ({"code": "MX"}, {}),
    "opendata:feed": lambda d: ({"name": "petitions"}, {}),
    "opendata_site:petitions_csv": lambda d: ({}, {}),
    "opendata_site:sitemap": lambda d: ({}, {}),
    "opendata_site:sitemap_section": lambda d: ({"section": "petitions"}, {}),
    "opendata_site:robots": lambda d: ({}, {}),
    "opendata_site:oembed": lambda d: ({}, {"url": f"http://testserver/es/p/{d.petition.slug}/"}),
    "opendata:embed": lambda d: ({"slug": d.petition.slug}, {}),
    "opendata:home_card": lambda d: ({}, {}),
    "opendata:petition_card": lambda d: ({"slug": d.petition.slug}, {}),
    "opendata:letter_card": lambda d: ({"slug": d.letter.slug}, {}),
    "opendata:story_card": lambda d: ({"pk": d.story.pk}, {}),
    "favicon": lambda d: ({}, {}),
    "api:index": lambda d: ({}, {}),
    "osdi:signature": lambda d: ({"pk": d.petition.pk, "signature_pk": 1}, {}),
    "osdi:record_signature": lambda d: ({"pk": d.petition.pk}, {}),
    "osdi:not_found": lambda d: ({"rest": "nothing-here"}, {}),
    "campaigns:start": lambda d: ({}, {}),
    "campaigns:similar": lambda d: ({}, {"q": "water"}),
    "campaigns:sent": lambda d: ({}, {}),
    "campaigns:confirm": lambda d: ({"token": "not-a-real-token"}, {}),
    "campaigns:support": lambda d: ({"token": "not-a-real-token"}, {}),
    "campaigns:support_sign": lambda d: ({"token": "not-a-real-token"}, {}),
    "campaigns:support_thanks": lambda d: ({"token": "not-a-real-token"}, {}),
    "organise:home": lambda d: ({}, {}),
    "organise:signin": lambda d: ({"token": "not-a-real-token"}, {}),
    "organise:signout": lambda d: ({}, {}),
    "organise:dashboard": lambda d: ({"slug": d.petition.slug}, {}),
    "organise:update": lambda d: ({"slug": d.petition.slug}, {}),
    "organise:text": lambda d: ({"slug": d.petition.slug}, {}),
    "organise:close": lambda d: ({"slug": d.petition.slug}, {}),
    "organise:delivery": lambda d: ({"slug": d.petition.slug}, {}),
    "organise:signers_csv": lambda d: ({"slug": d.petition.slug}, {}),
}


def demo() -> Demo:
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed at exit
    petition = Petition.objects.filter(status=Petition.Status.PUBLISHED).order_by("id").first()
    story = Story.objects.filter(article_count__gt=0).order_by("id").first()
    article = Article.objects.order_by("id").first()
    assert petition and story and article
    article.slug = article.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]
    return Demo(
        petition=petition,
        category=petition.categories.first() or Category.objects.first(),
        letter=Letter.objects.exclude(status=Letter.Status.DRAFT).order_by("id").first(),
        story=story,
        article=article,
    )


def addresses(data: Demo) -> list[str]:
    found = list(routes())
    names = {route.name for route in found}
    public = {name for name in names if not name.startswith(NOT_PUBLIC)}
    missing = public - SAMPLES.keys()
    assert not missing, f"add these routes to SAMPLES in {__name__}: {sorted(missing)}"
    paths = []
    for route in found:
        if route.name not in public:
            continue
        kwargs, query = SAMPLES[route.name](data)
        languages = [code for code, _name in settings.LANGUAGES] if route.translated else ["en"]
        for language in languages:
            with translation.override(language):
                path = reverse(route.name, kwargs=kwargs)
            paths.append(f"{path}?{urlencode(query)}" if query else path)
    return paths


def call(handler: WSGIHandler, method: str, address: str) -> tuple[str, list, bytes]:
    """One request through the WSGI application, as a server makes it."""
    path, _sep, query = address.partition("?")
    environ = RequestFactory().generic(method, path, QUERY_STRING=query).environ
    started: list = []

    def start_response(status: str, headers: list, exc_info=None) -> None:
        started[:] = [status, headers]

    result = handler(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    return started[0], started[1], body


def comparable(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers as they must match: a cookie's value (a fresh CSRF token) and Expires (now,
    on a page no cache may keep) differ between any two requests; their presence must not."""

    def value(name: str, text: str) -> str:
        if name == "Set-Cookie":
            return text.split("=", 1)[0]
        return "(a time)" if name == "Expires" else text

    return sorted((name, value(name, text)) for name, text in headers)


def test_every_address_answers_head_as_it_answers_get(settings):
    settings.CLARION_BASE_URL = "http://testserver"
    handler = WSGIHandler()
    paths = addresses(demo())
    assert len(paths) > 80
    wrong = []
    for path in paths:
        get_status, get_headers, get_body = call(handler, "GET", path)
        head_status, head_headers, head_body = call(handler, "HEAD", path)
        if head_status != get_status:
            wrong.append(f"{path}: HEAD {head_status}, GET {get_status}")
        elif comparable(head_headers) != comparable(get_headers):
            wrong.append(f"{path}: headers {head_headers} != {get_headers}")
        elif head_body:
            wrong.append(f"{path}: HEAD sent {len(head_body)} bytes of body")
        elif get_status.startswith("200") and not get_body:
            wrong.append(f"{path}: GET sent no body, so there was nothing to compare")
    assert not wrong, f"{len(wrong)} of {len(paths)} addresses:\n" + "\n".join(wrong)


def test_a_public_address_answers_head_with_200(client):
    # The walk above compares; this names the plain case a monitor sees.
    for path in ("/healthz", "/", "/es/", "/feeds/petitions.atom", "/sitemap.xml"):
        response = client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""
