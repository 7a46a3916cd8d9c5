"""`clarion serve` in production mode, and the deployment checklist.

The server runs as a real subprocess on a free loopback port, as an operator starts it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLARION = [sys.executable, "-m", "clarion.manage"]
STRONG_KEY = "k3Yq-9vZ_rT2mW8pL5xN1cB7hJ4dF6gS0aE3uI9oP2yR5tQ8wV1zX4nM7bK0jH6"
# Variables the test sets itself; anything from the caller's environment would leak in.
OWN = {"DATABASE_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG", "CLARION_BASE_URL", "ALLOWED_HOSTS"}


def _env(tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OWN and not k.startswith("CLARION_")}
    env.update(
        {
            "CLARION_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path}/site.sqlite3",
            "DEBUG": "0",
            "SECRET_KEY": STRONG_KEY,
            **variables,
        }
    )
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    return urllib.request.urlopen(request, timeout=5)


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _env(
        tmp_path,
        PORT=str(port),
        HOST="127.0.0.1",
        CLARION_BASE_URL=base,
        WEB_CONCURRENCY="1",
        WEB_THREADS="2",
    )
    subprocess.run([*CLARION, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, timeout=120)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*CLARION, "serve"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with _get(f"{base}/healthz") as response:
                    body = response.read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"clarion serve did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
        yield base, body, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0, log.read_text()[-3000:]


def test_serve_answers_healthz_pages_and_cacheable_static_files(served):
    base, healthz, var = served
    assert healthz == b"ok"
    with _get(f"{base}/") as response:
        assert response.status == 200
        page = response.read().decode()
    # collectstatic ran: pages point at hashed copies listed in the manifest.
    manifest = json.loads((var / "static" / "staticfiles.json").read_text())["paths"]
    css = manifest["clarion/site.css"]
    assert f"/static/{css}" in page
    with _get(f"{base}/static/{css}", **{"Accept-Encoding": "gzip"}) as response:
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=315360000" in response.headers["Cache-Control"]


def _check_deploy(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLARION, "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "extra",
    [
        {},  # TLS ends at a proxy that also redirects plain HTTP
        {"CLARION_PROXY_SSL_HEADER": "X-Forwarded-Proto"},  # and Clarion redirects too
    ],
)
def test_check_deploy_is_clean_in_production(tmp_path, extra):
    result = _check_deploy(tmp_path, CLARION_BASE_URL="https://petitions.example.org", **extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_site_without_https(tmp_path):
    result = _check_deploy(tmp_path, CLARION_BASE_URL="http://petitions.example.org")
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr


def test_https_settings_follow_the_base_url_and_the_proxy_header(tmp_path):
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    )

    def settings_with(**variables: str) -> str:
        env = _env(tmp_path, DJANGO_SETTINGS_MODULE="clarion.settings", **variables)
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    assert settings_with(CLARION_BASE_URL="http://127.0.0.1:8000") == "0 False False False None"
    assert settings_with(CLARION_BASE_URL="https://a.example") == "31536000 True True False None"
    assert (
        settings_with(CLARION_BASE_URL="https://a.example", CLARION_PROXY_SSL_HEADER="X-Proto")
        == "31536000 True True True ('HTTP_X_PROTO', 'https')"
    )
    assert (
        "False"
        in settings_with(
            CLARION_BASE_URL="https://a.example",
            CLARION_PROXY_SSL_HEADER="X-Proto",
            CLARION_SSL_REDIRECT="0",
        ).split()[3]
    )


def test_what_the_master_loaded_is_frozen_before_each_fork():
    # Objects loaded before the fork are set aside from the collector, so a worker's
    # full collections walk only its own objects (see freeze_before_fork).
    import gc

    from clarion.core.management.commands.serve import gunicorn_options

    hook = gunicorn_options(host="127.0.0.1", port=8000, workers=1, threads=1)["pre_fork"]
    gc.unfreeze()
    try:
        hook(None, None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
