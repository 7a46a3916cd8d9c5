"""A person's whole journey in Chromium: find a petition, sign it, confirm, see it count.

The site runs as a real server process beside a real worker on its own SQLite file
(its own PostgreSQL database in the PostgreSQL pass), exactly as `make run` starts
them, so this test crosses every layer: the worker sends the mail and folds the
confirmation into the count.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
CLARION = [sys.executable, "-m", "clarion.manage"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@contextmanager
def chromium():
    """Debian's Chromium, headless through Playwright, closed whatever the test does."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


# A superuser on the browser site, for the tests that look at the admin.
ADMIN = {"username": "moderator", "password": "browser-test-moderator-9"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, log: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the site did not start:\n{log.read_text()[-3000:]}")


@contextmanager
def _site_database(var: Path) -> Iterator[str]:
    """The site's own database, created empty and dropped afterwards.

    pytest's test database is no use to another process: each test's writes stay in
    a transaction that is rolled back. So on PostgreSQL the site gets a database of
    its own next to it on the same server.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{var}/site.sqlite3"
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_browser"
    server = psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with server:
        server.execute(drop)
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield parts._replace(path=f"/{name}").geturl()
        finally:
            server.execute(drop)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    if not os.path.exists(CHROMIUM):
        require("CLARION_REQUIRE_BROWSER", "Chromium is not installed")
    var = tmp_path_factory.mktemp("site")
    with _site_database(var) as database_url:
        yield from _serve(var, database_url)


def _serve(
    var: Path,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    commands: tuple[list[str], ...] = (),
) -> Iterator[str]:
    """Migrate, load the demo (then run ``commands``), and serve the site with a worker.

    ``extra_env`` sets more variables for the site's processes (other browser tests
    need other settings).
    """
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CLARION_VAR_DIR": str(var),
        "DEBUG": "1",
        "SECRET_KEY": "browser-test",
        "CLARION_BASE_URL": base,
        "EMAIL_URL": "outbox://",
        **(extra_env or {}),
    }
    superuser = {
        "DJANGO_SUPERUSER_USERNAME": ADMIN["username"],
        "DJANGO_SUPERUSER_EMAIL": "moderator@example.org",
        "DJANGO_SUPERUSER_PASSWORD": ADMIN["password"],
    }
    setup = [
        (["migrate", "--noinput"], env),
        (["demo"], env),
        (["createsuperuser", "--noinput"], {**env, **superuser}),
        *((command, env) for command in commands),
    ]
    for command, run_env in setup:
        subprocess.run([*CLARION, *command], cwd=ROOT, env=run_env, check=True, capture_output=True)
    log = var / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*CLARION, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [*CLARION, "worker"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_up(f"{base}/healthz", log, server)
        yield base
    finally:
        for process in (worker, server):
            process.terminate()
        for process in (worker, server):
            process.wait(timeout=20)


def _count(page) -> int:
    return int(re.sub(r"\D", "", page.locator("#count .count strong").inner_text()))


def _count_reaches(page, expected: int, timeout: float = 10.0) -> int:
    """Reload until the worker has folded the count in (within about a second)."""
    deadline = time.monotonic() + timeout
    while (shown := _count(page)) < expected and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    return shown


def _search_word() -> tuple[str, str]:
    content = json.loads((ROOT / "clarion/petitions/demo/petitions.json").read_text())
    petition = next(p for p in content["petitions"] if p["status"] == "published")
    word = max(re.findall(r"[A-Za-z]+", petition["title"]), key=len)
    return word, petition["title"]


def test_a_visitor_finds_signs_and_confirms(site):
    from playwright.sync_api import expect

    word, title = _search_word()
    with chromium() as browser:
        page = browser.new_page()
        page.goto(site + "/")
        expect(page.locator(".card").first).to_be_visible()

        page.get_by_role("search").get_by_label("Search petitions").fill(word)
        page.get_by_role("search").get_by_role("button", name="Search").click()
        expect(page.locator(".results mark").first).to_be_visible()
        page.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        before = _count(page)

        page.get_by_label("Full name").fill("Rosa Browser")
        page.get_by_label("Email", exact=True).fill("rosa.browser@example.org")
        page.get_by_label("Country").select_option("MX")
        page.get_by_label("Show my name and comment on the petition page").check()
        page.get_by_role("button", name="Sign", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

        page.goto(site + "/dev/outbox/")
        page.get_by_role("link", name=re.compile("Please confirm your signature")).first.click()
        page.locator(".mail-body a[href*='/confirm/']").click()
        page.get_by_role("button", name="Confirm my signature").click()

        expect(page.get_by_text("Your signature is confirmed")).to_be_visible()
        assert _count_reaches(page, before + 1) == before + 1
        expect(page.locator(".signers")).to_contain_text("Rosa Browser")
        expect(page.locator("body")).not_to_contain_text("rosa.browser@example.org")
        # Kept for people to look at; nothing asserts on it.
        shots = ROOT / "var" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "signed.png"), full_page=True)
