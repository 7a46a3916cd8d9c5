"""Shared fixtures: a few petitions and the people who use the site.

Named users follow the site's roles: ``moderator`` is staff with admin rights,
``outsider`` is a logged-in user with none.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from clarion.confirmations.services import confirm as confirm_link
from clarion.petitions import replica, search
from clarion.petitions.counts import fold_counts
from clarion.petitions.models import Demand, Petition, Signature
from clarion.petitions.services import SignatureInput, signature_create
from clarion.settings import task_settings
from clarion.taxonomy.models import Category, Target

_counter = itertools.count(1)

# Letters, their sign-ons and helpers, for the letters, API and privacy tests.
pytest_plugins = ["tests.letters.fixtures"]


def require(flag: str, reason: str) -> None:
    """Skip a test whose real part is missing, unless CI set ``flag`` to demand it."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} ({flag}=1 demands it)")
    pytest.skip(reason)


# PostgreSQL: tests marked `postgres` need it; everything else runs on either database.
# `make test` runs on SQLite, where they skip. `make test-postgres` is the PostgreSQL
# pass: it runs pytest with --postgres-pass, which refuses to go on unless the database
# really is a reachable PostgreSQL when CLARION_REQUIRE_POSTGRES=1 (CI), so there the
# marked tests always run and a skip can only happen in the SQLite pass.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres-pass",
        action="store_true",
        help="this run is the PostgreSQL pass (make test-postgres): DATABASE_URL must "
        "point to a reachable PostgreSQL",
    )


def _on_postgres() -> bool:
    return django_settings.DATABASES["default"]["ENGINE"].startswith(
        "django.db.backends.postgresql"
    )


@pytest.fixture(scope="session", autouse=True)
def _postgres_pass(request: pytest.FixtureRequest, django_db_blocker) -> None:
    if not request.config.getoption("--postgres-pass"):
        return
    demanded = os.environ.get("CLARION_REQUIRE_POSTGRES") == "1"
    suffix = " (CLARION_REQUIRE_POSTGRES=1 demands it)" if demanded else ""
    if not _on_postgres():
        pytest.exit(f"the PostgreSQL pass needs DATABASE_URL=postgres://...{suffix}", 1)
    try:
        # The server's maintenance database: the configured one may not exist yet, and
        # pytest-django only needs the server to create test_<name>.
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        if demanded:
            pytest.exit(f"PostgreSQL is not reachable: {exc}{suffix}", 1)
        pytest.exit(f"PostgreSQL is not reachable, so the PostgreSQL pass stops: {exc}", 0)


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and not _on_postgres():
        # Only the SQLite pass gets here: the PostgreSQL pass stops at session start.
        pytest.skip("needs PostgreSQL: the PostgreSQL pass (make test-postgres) runs it")


@pytest.fixture(autouse=True)
def _keep_the_test_transaction(monkeypatch):
    # Each test runs inside a transaction that is rolled back at the end, so autocommit
    # is off, and close_old_connections() (the worker calls it between jobs) takes that
    # for a broken connection and closes it, test data and all. SQLite's in-memory test
    # database is never closed, which hid this; on PostgreSQL the next query fails. A
    # real worker runs in autocommit, so only the test's own transaction is spared.
    original = BaseDatabaseWrapper.close_if_unusable_or_obsolete

    def close_unless_in_test_transaction(self: BaseDatabaseWrapper) -> None:
        if not self.in_atomic_block:
            original(self)

    monkeypatch.setattr(
        BaseDatabaseWrapper, "close_if_unusable_or_obsolete", close_unless_in_test_transaction
    )


REDIS_TEST_URL = os.environ.get("CLARION_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Test on an SQLite file, as production runs, rather than in memory.

    The worker tests run several threads, each with its own connection, as several
    workers do. SQLite's shared in-memory test database can't serve that: its locks fail
    at once instead of waiting, where a file in WAL mode waits its turn.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "clarion.core.sqlite":
        test = database.setdefault("TEST", {})
        if not test.get("NAME"):
            test["NAME"] = str(Path(settings.VAR_DIR) / "test-clarion.sqlite3")


def fold() -> int:
    """Fold confirmations into counts, as the worker does every second."""
    return fold_counts()


@pytest.fixture
def redis_url(settings) -> Iterator[str]:
    """Point Clarion at the test Redis (database 5) under a prefix of its own."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        require("CLARION_REQUIRE_REDIS", f"Redis is not running at {REDIS_TEST_URL}")
    prefix = f"clarion-test-{uuid.uuid4().hex[:10]}"
    settings.REDIS_URL = REDIS_TEST_URL
    settings.CLARION_REDIS_PREFIX = prefix
    try:
        yield REDIS_TEST_URL
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


def _use_task_settings(settings, redis_url: str) -> None:
    for name, value in task_settings(redis_url).items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _broker(request: pytest.FixtureRequest, settings) -> Iterator[None]:
    """Where the schedule, locks and rate limits live during a test, and queued tasks.

    On the database, unless a test asks for Redis (``redis_url``) or this is the
    PostgreSQL pass with REDIS_URL set (CI's "PostgreSQL and Redis" pass): there every
    test runs them on that Redis, under a key prefix of its own.

    Queued tasks wait in the database in every test unless it asks for RQ
    (``rq_tasks``): RQ's keys carry no prefix of ours, so a test can't keep its jobs
    apart from another's but by taking turns (see ``rq_tasks``).
    """
    _use_task_settings(settings, "")
    shell_redis = os.environ.get("REDIS_URL", "")
    on_redis = request.config.getoption("--postgres-pass") and shell_redis
    if not on_redis or "redis_url" in request.fixturenames:
        settings.REDIS_URL = ""
        yield
        return
    import redis

    prefix = f"clarion-test-{uuid.uuid4().hex[:10]}"
    settings.REDIS_URL = shell_redis
    settings.CLARION_REDIS_PREFIX = prefix
    yield
    client = redis.Redis.from_url(shell_redis)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


# A test that uses RQ holds this key in the test Redis for as long as it runs.
RQ_TURN = "clarion-test:rq-turn"


def _delete_rq_keys(client) -> None:
    keys = list(client.scan_iter(match="rq:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def rq_tasks(redis_url: str, settings) -> Iterator[None]:
    """Queued tasks in RQ, on the test Redis, with the schedule and locks (``redis_url``).

    RQ names its keys itself (``rq:queue:default``, ``rq:job:<id>`` ...), so test runs on
    one machine take turns through a key and delete every ``rq:`` key of the test
    database when their turn starts and ends.
    """
    import redis

    client = redis.Redis.from_url(redis_url)
    turn = uuid.uuid4().hex
    deadline = time.monotonic() + 300
    while not client.set(RQ_TURN, turn, nx=True, ex=600):
        if time.monotonic() > deadline:
            pytest.fail(f"another test run kept {RQ_TURN} in {redis_url} for five minutes")
        time.sleep(0.1)
    try:
        _delete_rq_keys(client)  # left by a run that died
        _use_task_settings(settings, redis_url)
        yield
    finally:
        _delete_rq_keys(client)
        if client.get(RQ_TURN) == turn.encode():
            client.delete(RQ_TURN)
        client.close()


@pytest.fixture
def database_broker(settings) -> None:
    """For a test that looks at the database backend's own tables, in every pass."""
    settings.REDIS_URL = ""


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
def _form_tokens_held_still(monkeypatch):
    # A form token's time is rounded to ten minutes (clarion.core.formtoken); a test
    # that compares two answers must not straddle a boundary. Tests of the clock itself
    # (tests/core/test_formtoken.py) move it on purpose.
    import time

    from clarion.core import formtoken

    issued = time.time()
    monkeypatch.setattr(formtoken, "now", lambda: issued)


@pytest.fixture(autouse=True)
def _no_local_page_copy(settings):
    # Each process serves its own copy of a public page for a second (the microcache,
    # clarion.core.microcache): tests that sign and look again at once would see that
    # second's copy. The tests of that copy (tests/core/test_microcache.py,
    # tests/petitions/test_page_cache.py) turn it back on.
    settings.CLARION_PAGE_LOCAL_SECONDS = 0


@pytest.fixture(autouse=True)
def _search_copy_of_its_own(settings, tmp_path_factory) -> Iterator[None]:
    # PostgreSQL: each test keeps its copy of the search index in a folder of its own
    # (clarion.petitions.replica); a copy built in one test would carry its rows into
    # the next, whose database has forgotten them. Not under the test's tmp_path, which
    # some tests read whole (the HTML checker checks every file there).
    settings.CLARION_SEARCH_REPLICA_DIR = str(tmp_path_factory.mktemp("search"))
    yield
    replica.close()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rendered fragments and pages live in the per-process cache; no test sees another's.
    _forget_everything_kept()
    yield
    _forget_everything_kept()


def _forget_everything_kept() -> None:
    from clarion.core import kept, recent
    from clarion.petitions.abuse import forget_rules

    _clear_cache()
    recent.forget_all()  # the pages this process kept for a second
    kept.forget_all()  # the vocabulary and counts it built from another test's rows
    forget_rules()  # the abuse rules it compiled from another test's rows


def _clear_cache() -> None:
    """Empty Django's cache, and only it.

    On Redis (the PostgreSQL pass with REDIS_URL) cache.clear() is FLUSHDB: it would
    also wipe the rate-limit windows, locks and queues under every other prefix in that
    database, including those of test runs going on beside this one.
    """
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=cache.make_key("*"), count=1000))
    if keys:
        client.delete(*keys)


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
    """Sign and (by default) confirm, as a signer would through the site.

    A confirmed signature is also folded into the count, as the worker would within a
    second.
    """

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
            confirm_link("signature", token)
            fold()
            signature.refresh_from_db()
        return signature

    return do_sign


def written(message):
    """``message`` (an OutboxMessage) with the subject and body it is sent with: the
    confirmation emails are written by the sender (clarion.core.outbox.compose)."""
    from clarion.core.outbox import compose

    message.subject, message.body = compose(message) or ("", "")
    return message


def issued_token(signature: Signature) -> str:
    """The token from the newest confirmation email sent for ``signature``."""
    from clarion.core.models import OutboxMessage

    message = (
        OutboxMessage.objects.filter(key__startswith=f"confirm:{signature.pk}:")
        .order_by("-id")
        .first()
    )
    assert message is not None, "no confirmation email was queued"
    return confirm_token_from(written(message).body)


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


# Real HTTP servers on loopback, for the feed, page and LLM tests.


class LoopbackServer:
    """An HTTP server on 127.0.0.1 in a thread; subclasses say how to answer."""

    def __init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.handle(self)

            def do_POST(self) -> None:
                server.handle(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    @staticmethod
    def reply(
        request: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict | None = None
    ) -> None:
        request.send_response(status)
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (timeout tests)
            request.wfile.write(body)

    @contextlib.contextmanager
    def running(self) -> Iterator[LoopbackServer]:
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()


class Route:
    def __init__(
        self,
        body: bytes = b"",
        status: int = 200,
        headers: dict | None = None,
        delay: float = 0.0,
        trickle: float = 0.0,
    ) -> None:
        self.body, self.status, self.headers, self.delay = body, status, headers or {}, delay
        # Seconds between 16-byte pieces of the body: a server that answers, slowly.
        self.trickle = trickle
        self.requests: list[dict[str, str]] = []


class FeedServer(LoopbackServer):
    """Serves whatever a test puts in its routes, with ETags, delays and trickles."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, Route] = {}

    def add(self, path: str, **kwargs) -> str:
        self.routes[path] = Route(**kwargs)
        return self.base + path

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        route = self.routes.get(request.path)
        if route is None:
            request.send_error(404)
            return
        route.requests.append(dict(request.headers))
        time.sleep(route.delay)
        etag = route.headers.get("ETag")
        if etag and request.headers.get("If-None-Match") == etag:
            self.reply(request, 304, b"")
            return
        if not route.trickle:
            self.reply(request, route.status, route.body, route.headers)
            return
        request.send_response(route.status)
        request.send_header("Content-Length", str(len(route.body)))
        request.end_headers()
        for start in range(0, len(route.body), 16):
            try:
                request.wfile.write(route.body[start : start + 16])
                request.wfile.flush()
            except OSError:  # the client gave up, as it should
                return
            time.sleep(route.trickle)


@pytest.fixture
def feed_server(settings) -> Iterator[FeedServer]:
    # Served on loopback, which the guarded fetcher refuses unless the operator allows it.
    settings.CLARION_FETCH_ALLOW_PRIVATE = True
    with FeedServer().running() as server:
        yield server
