"""Configuration comes from the environment, and a bad value stops start-up clearly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from clarion import env

ROOT = Path(__file__).resolve().parents[2]


def _check(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG", "TIME_ZONE"}
    }
    environ.update({"CLARION_VAR_DIR": str(tmp_path), "SECRET_KEY": "s", **variables})
    return subprocess.run(
        [sys.executable, "-m", "clarion.manage", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("PORT", "eighty"),
        ("DATABASE_URL", "mysql://root@localhost/clarion"),
        ("DATABASE_URL", "nonsense"),
        ("EMAIL_URL", "pigeon://coop"),
        ("EMAIL_URL", "smtp://"),
        ("EMAIL_URL", "smtp://127.0.0.1:notaport"),
        ("CLARION_BASE_URL", "example.org"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("CLARION_CONFIRM_HOURS", "0"),
        ("CLARION_TRUSTED_PROXIES", "-1"),
        ("LOG_LEVEL", "LOUD"),
        ("CLARION_FEED_MAX_ITEMS", "0"),
        ("REDIS_URL", "127.0.0.1:6379"),
        ("REDIS_URL", "redis://127.0.0.1:6379/zero"),
        ("HOST", " "),
        ("WEB_CONCURRENCY", "0"),
        ("WEB_THREADS", "many"),
        ("CLARION_HSTS_SECONDS", "-1"),
        ("CLARION_PROXY_SSL_HEADER", "X Forwarded Proto"),
        ("CLARION_SSL_REDIRECT", "1"),  # without CLARION_PROXY_SSL_HEADER it would loop
        ("CLARION_PAGE_CACHE_SECONDS", "soon"),
        ("CLARION_TASK_TIME_LIMIT", "0"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, variable, value):
    result = _check(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_production_needs_a_secret_key(tmp_path):
    result = _check(tmp_path, SECRET_KEY="", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_makes_a_secret_key_once_and_keeps_it(tmp_path):
    first = _check(tmp_path, SECRET_KEY="", DEBUG="1")
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 40
    assert _check(tmp_path, SECRET_KEY="", DEBUG="1").returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_commands_after_make_run_use_its_development_key_without_debug(tmp_path):
    # `make run` (DEBUG=1) leaves var/secret_key; a command typed later from the same
    # checkout, without DEBUG, reads it instead of stopping.
    assert _check(tmp_path, SECRET_KEY="", DEBUG="1").returncode == 0
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    later = _check(tmp_path, SECRET_KEY="", DEBUG="0")
    assert later.returncode == 0, later.stderr


def test_a_development_key_others_can_read_is_refused(tmp_path):
    key = tmp_path / "secret_key"
    key.write_text("x" * 50)
    key.chmod(0o644)
    result = _check(tmp_path, SECRET_KEY="", DEBUG="0")
    assert result.returncode != 0
    assert "readable by other users" in result.stderr
    assert f"chmod 600 {key}" in result.stderr


def test_defaults_start_cleanly_with_sqlite_under_var(tmp_path):
    result = _check(tmp_path)
    assert result.returncode == 0, result.stderr


def test_bool_helper(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env.env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env.env_bool("X_FLAG", True) is False
    monkeypatch.delenv("X_FLAG")
    assert env.env_bool("X_FLAG", True) is True


def test_int_helper(monkeypatch):
    monkeypatch.setenv("X_N", " 12 ")
    assert env.env_int("X_N", 1) == 12
    monkeypatch.setenv("X_N", "1.5")
    with pytest.raises(ImproperlyConfigured, match="X_N"):
        env.env_int("X_N", 1)


def test_list_helper(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,,")
    assert env.env_list("X_HOSTS", []) == ["a.example", "b.example"]


def test_redis_url_helper(monkeypatch):
    monkeypatch.delenv("X_REDIS", raising=False)
    assert env.env_redis_url("X_REDIS") == ""
    for good in ("redis://127.0.0.1:6379/5", "rediss://:secret@cache.example:6380", "redis://r"):
        monkeypatch.setenv("X_REDIS", good)
        assert env.env_redis_url("X_REDIS") == good
    for bad in ("http://127.0.0.1:6379", "redis://", "redis://h:port/0", "redis://h/db1", "h:1"):
        monkeypatch.setenv("X_REDIS", bad)
        with pytest.raises(ImproperlyConfigured, match="X_REDIS"):
            env.env_redis_url("X_REDIS")


def _settings_in_subprocess(tmp_path: Path, code: str, **variables: str) -> list[str]:
    environ = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        "CLARION_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "s",
        "DJANGO_SETTINGS_MODULE": "clarion.settings",
        **variables,
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django;django.setup();{code}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout.split()


def test_redis_url_moves_the_cache_and_the_task_queue_to_redis(tmp_path):
    code = (
        "from django.conf import settings as s;from django_tasks import task_backends;"
        "print(s.CACHES['default']['BACKEND'], type(task_backends['default']).__name__)"
    )
    assert _settings_in_subprocess(tmp_path, code) == [
        "django.core.cache.backends.locmem.LocMemCache",
        "DatabaseBackend",
    ]
    code = (
        "from django.conf import settings as s;from django_tasks import task_backends;"
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'],"
        "type(task_backends['default']).__name__, s.RQ_QUEUES['default']['URL'])"
    )
    assert _settings_in_subprocess(tmp_path, code, REDIS_URL="redis://127.0.0.1:6379/5") == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/5",
        "RQBackend",
        "redis://127.0.0.1:6379/5",
    ]


def test_email_url_becomes_smtp_settings(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS)"
    )
    printed = _settings_in_subprocess(
        tmp_path, code, EMAIL_URL="smtp+tls://mailer:pw@mail.example:587"
    )
    assert printed == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example",
        "587",
        "mailer",
        "True",
    ]
