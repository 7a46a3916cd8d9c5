"""Shared fixtures: a few petitions and the people who use the site.

Named users follow the site's roles: ``moderator`` is staff with admin rights,
``outsider`` is a logged-in user with none.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from clarion.petitions import search
from clarion.petitions.models import Category, Demand, Petition, Signature, Target
from clarion.petitions.services import SignatureInput, signature_confirm, signature_create

_counter = itertools.count(1)


def require(flag: str, reason: str) -> None:
    """Skip a test whose real part is missing, unless CI set ``flag`` to demand it."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} ({flag}=1 demands it)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _no_page_fetches(settings):
    # Feed items in tests point at made-up outlets; only the tests about main-text
    # extraction turn fetching article pages back on, against the loopback server.
    settings.CLARION_EXTRACT_TEXT = False


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Production settings expect `collectstatic` to have built a manifest; tests
    # render pages straight from the source files instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rendered fragments and pages live in the per-process cache; no test sees another's.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def category(db) -> Category:
    category, _created = Category.objects.update_or_create(
        slug="climate", defaults={"name": "Climate", "description": "Air, heat, water."}
    )
    return category


@pytest.fixture
def make_petition(db) -> Callable[..., Petition]:
    def make(**overrides) -> Petition:
        n = next(_counter)
        demands = overrides.pop(
            "demands", ["Fund the plan.", "Publish the data.", "Report yearly."]
        )
        targets = overrides.pop("targets", None)
        categories = overrides.pop("categories", [])
        now = timezone.now()
        fields = {
            "title": f"Protect river number {n}",
            "slug": f"protect-river-{n}",
            "goal": "We call on the Ministry of Water to stop sewage discharges into the river.",
            "narrative": "The river is **polluted**.\n\n- fish are dying\n- swimmers fall ill",
            "countries": ["GB"],
            "status": Petition.Status.PUBLISHED,
            "published_at": now - timedelta(days=1),
            "updated_at": now - timedelta(days=1),
            "signature_goal": 100,
        }
        fields.update(overrides)
        petition = Petition.objects.create(**fields)
        for position, text in enumerate(demands, start=1):
            Demand.objects.create(petition=petition, position=position, text=text)
        if targets is None:
            targets = [Target.objects.get_or_create(name="Ministry of Water", country="GB")[0]]
        petition.targets.set(targets)
        petition.categories.set(categories)
        search.index_petition(petition)
        return petition

    return make


@pytest.fixture
def petition(make_petition) -> Petition:
    return make_petition(title="Clean the Thames", slug="clean-the-thames")


@pytest.fixture
def sign(db) -> Callable[..., Signature]:
    """Sign and (by default) confirm, as a signer would through the site."""

    def do_sign(
        petition: Petition, email: str = "ana@example.org", *, confirm: bool = True, **fields
    ) -> Signature:
        data = SignatureInput(
            full_name=fields.pop("full_name", "Ana Example"),
            email=email,
            country=fields.pop("country", "GB"),
            **fields,
        )
        signature = signature_create(petition=petition, data=data, ip="192.0.2.7")
        if confirm:
            token = issued_token(signature)
            signature_confirm(token)
            signature.refresh_from_db()
        return signature

    return do_sign


def issued_token(signature: Signature) -> str:
    """The token from the newest confirmation email sent for ``signature``."""
    from clarion.delivery.models import OutboxMessage

    message = (
        OutboxMessage.objects.filter(key__startswith=f"confirm:{signature.pk}:")
        .order_by("-id")
        .first()
    )
    assert message is not None, "no confirmation email was queued"
    return confirm_token_from(message.body)


def confirm_token_from(body: str) -> str:
    import re

    match = re.search(r"/confirm/([A-Za-z0-9_\-]+)/", body)
    assert match, f"no confirmation link in: {body!r}"
    return match.group(1)


@pytest.fixture
def moderator(db):
    return get_user_model().objects.create_user(
        "moderator", "moderator@example.org", "pw-moderator-1", is_staff=True, is_superuser=True
    )


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("outsider", "outsider@example.org", "pw-out-1")


# A real HTTP server on loopback that serves whatever a test puts in its routes.


class Route:
    def __init__(
        self, body: bytes = b"", status: int = 200, headers: dict | None = None, delay: float = 0.0
    ) -> None:
        self.body, self.status, self.headers, self.delay = body, status, headers or {}, delay
        self.requests: list[dict[str, str]] = []


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route.requests.append(dict(self.headers))
                time.sleep(route.delay)
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def add(self, path: str, **kwargs) -> str:
        self.routes[path] = Route(**kwargs)
        return self.base + path


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
