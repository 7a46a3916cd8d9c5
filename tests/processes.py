"""Real Clarion processes for the fault tests: `clarion serve` and `clarion worker`.

They run as an operator runs them, as subprocesses against the test's own database
(the SQLite file or the PostgreSQL test database) and the test's broker (the database,
or Redis under the test's key prefix in the PostgreSQL and Redis pass, with queued
tasks in RQ), so what they commit is what the test reads. Each runs in a session of its
own, so a test can kill the whole process group with SIGKILL as a crash, the OOM killer
or a power cut would, giving nobody the chance to clean up.

Tests that use them need ``django_db(transaction=True)``: the processes can only see
rows that have committed.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CLARION = [sys.executable, "-m", "clarion.manage"]
SECRET = "fault-tests-Xq7vR2mW8pL5xN1cB7hJ4dF6gS0aE3uI9oP2yR5tQ8wV1zX4nM7bK0jH6"
# Anything the test sets itself must not leak in from the caller's environment.
_OWN = {"DATABASE_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REDIS_URL"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def on_sqlite() -> bool:
    return connection.vendor == "sqlite"


def database_url() -> str:
    """The URL of the database this test runs on, for a subprocess to use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def environment(var_dir: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _OWN and not k.startswith("CLARION_")}
    env.update(
        {
            "CLARION_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url(),
            "DEBUG": "0",
            "SECRET_KEY": SECRET,
            "EMAIL_URL": "outbox://",
            # Emailed links and Message-IDs name the same site as in the test process.
            "CLARION_BASE_URL": settings.CLARION_BASE_URL,
            "CLARION_EXTRACT_TEXT": "0",
            # Test feeds are served on loopback, which the fetcher refuses by default.
            "CLARION_FETCH_ALLOW_PRIVATE": "1",
            "LOG_LEVEL": "INFO",
        }
    )
    if settings.REDIS_URL:
        # The schedule and the locks the test itself sees. The process's queued tasks
        # then go to RQ on that Redis: a test that queues tasks for it asks for
        # ``rq_tasks`` (or for ``database_broker``, to keep them in the database).
        env["REDIS_URL"] = settings.REDIS_URL
        env["CLARION_REDIS_PREFIX"] = settings.CLARION_REDIS_PREFIX
    env.update(variables)
    return env


def wait_for(condition: Callable[[], object], timeout: float = 30.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


@dataclass
class Process:
    """One Clarion command running in its own process group."""

    popen: subprocess.Popen
    log: Path
    name: str

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def kill(self) -> None:
        """SIGKILL the whole group (gunicorn's master and workers alike), then reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        # The group's other members (gunicorn workers) are children of the master, which
        # is gone: wait until none of them is left holding the database or the port.
        wait_for(lambda: not _group_alive(self.popen.pid), timeout=30)

    def stop(self) -> None:
        """Ask politely (SIGTERM); kill if it does not stop in time."""
        if not self.alive:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        self.kill()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start(args: list[str], env: dict[str, str], log: Path, name: str) -> Process:
    with log.open("a") as out:
        popen = subprocess.Popen(
            [*CLARION, *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Process(popen, log, name)


def start_worker(var_dir: Path, log_name: str = "worker.log", **variables: str) -> Process:
    env = environment(var_dir, CLARION_WORKER_TICK="1", **variables)
    return start(["worker"], env, var_dir / log_name, "worker")


@dataclass
class Server:
    process: Process
    base: str
    port: int

    @property
    def host(self) -> tuple[str, int]:
        return "127.0.0.1", self.port


def start_server(var_dir: Path, port: int | None = None, **variables: str) -> Server:
    """`clarion serve` on a loopback port, answering /healthz, with static files collected."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    env = environment(
        var_dir,
        PORT=str(port),
        HOST="127.0.0.1",
        CLARION_BASE_URL=base,
        **{"WEB_CONCURRENCY": "2", "WEB_THREADS": "4", **variables},
    )
    static_ready = (var_dir / "static" / "staticfiles.json").exists()
    args = ["serve", "--no-collectstatic"] if static_ready else ["serve"]
    process = start(args, env, var_dir / "serve.log", "serve")
    server = Server(process, base, port)

    def healthy() -> bool:
        if not process.alive:
            pytest.fail(f"clarion serve stopped:\n{process.tail()}")
        try:
            return request(server, "GET", "/healthz").status == 200
        except OSError:
            return False

    if not wait_for(healthy, timeout=60, step=0.1):
        process.kill()
        pytest.fail(f"clarion serve did not start:\n{process.tail()}")
    return server


# A small HTTP client that does what a browser does with a form: cookies and CSRF.


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    cookies: dict[str, str] = field(default_factory=dict)


def request(
    server: Server,
    method: str,
    path: str,
    *,
    form: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> Answer:
    conn = http.client.HTTPConnection(*server.host, timeout=timeout)
    try:
        headers = {"Host": f"127.0.0.1:{server.port}"}
        body = None
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        set_cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, dict(response.getheaders()), text, set_cookies)
    finally:
        conn.close()


_TOKEN_INPUT = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]+)"')


def form_token(server: Server, path: str) -> tuple[dict[str, str], dict[str, str]]:
    """GET a page with a form: (its cookies, the token field to post back).

    The field is the CSRF token on pages for one person, or the signed form token on the
    public pages any cache may serve (clarion.core.formtoken).
    """
    page = request(server, "GET", path)
    assert page.status == 200, f"GET {path}: {page.status}"
    match = _TOKEN_INPUT.search(page.body)
    assert match, f"no form token on {path}"
    return page.cookies, {match.group(1): match.group(2)}
