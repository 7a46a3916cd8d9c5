"""Clarion's one settings module.

Everything an operator can change is read from the environment through the strict
helpers in ``clarion.env``; each variable is documented in the README (a test keeps
the two in step).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from clarion.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_redis_url,
    env_str,
    env_timezone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("CLARION_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
PORT = env_int("PORT", 8000, minimum=1)
# Where `clarion serve` listens. Loopback by default: a public site normally sits behind
# a TLS-terminating proxy on the same machine; HOST=0.0.0.0 listens on every interface.
HOST = env_str("HOST", "127.0.0.1")
if not HOST:
    raise ImproperlyConfigured("HOST must name an address to listen on, such as 127.0.0.1")
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
# `clarion serve` runs WEB_CONCURRENCY worker processes of WEB_THREADS threads each. A
# request is mostly Python, so processes (one per core, plus one to cover waits) do the
# work; two threads each keep connections alive and overlap a request's waits (socket,
# SQLite's write lock) with another's Python. Measured with bench/web.py on 2 cores:
# 3 x 2 served /healthz and signing about 1.6 times faster than 5 single-threaded
# workers, which must close every connection.
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", (_CORES or 1) + 1, minimum=1)
WEB_THREADS = env_int("WEB_THREADS", 2, minimum=1)


def _secret_key() -> str:
    """SECRET_KEY, else the development key in var/, else (production) a stop.

    Development (DEBUG=1, as under `make run`) makes a random key once, readable by its
    owner only, and keeps it, so sessions and signed links survive restarts. Every
    command run later from the same checkout (`clarion createsuperuser`, `clarion feeds
    add ...`) reads that key too, without DEBUG: DEBUG would also open the outbox page
    and detailed error pages, which a command never needs. The key is random and
    private, never a known default, so a production site that finds one holds nothing
    guessable; with neither the variable nor the file, production stops here.
    """
    key = env_str("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if DEBUG and not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # Created with its final mode, so it is never readable by others, even briefly.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50))
    if not path.exists():
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            f" (or run `make run` once, which keeps a development key in {path})."
        )
    if path.stat().st_mode & 0o077:
        raise ImproperlyConfigured(
            f"{path} is readable by other users: run `chmod 600 {path}`, or set SECRET_KEY."
        )
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it, or set SECRET_KEY.")
    return key


SECRET_KEY = _secret_key()

CLARION_BASE_URL = env_url(
    "CLARION_BASE_URL", f"http://127.0.0.1:{PORT}", schemes=("http", "https")
)
_base_host = urlsplit(CLARION_BASE_URL).hostname or "localhost"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]", _base_host] if DEBUG else [_base_host],
)
CSRF_TRUSTED_ORIGINS = [CLARION_BASE_URL] if CLARION_BASE_URL.startswith("https://") else []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its templates and static files: the API docs page serves Swagger UI from this
    # site rather than from a CDN, with no inline script.
    "ninja",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_countries",
    # Queued tasks: Django's tasks API (the django-tasks backport), kept in the database
    # (django-tasks-db) or, with REDIS_URL, in RQ (django-tasks-rq, whose pages django-rq
    # serves under /admin/rq/). See clarion/core/tasks.py.
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "clarion.core",
    "clarion.taxonomy",
    "clarion.confirmations",
    "clarion.appeals",
    "clarion.delivery",
    "clarion.news",
    "clarion.petitions",
    "clarion.drafting",
    "clarion.letters",
    "clarion.privacy",
    "clarion.updates",
    "clarion.campaigns",
    "clarion.api",
    "clarion.opendata",
    "clarion.browse",
    "clarion.organise",
    "clarion.demo",
]

MIDDLEWARE = [
    # Outermost: a public page served in the last second is served again before anything
    # else runs (clarion/core/microcache.py).
    "clarion.core.microcache.MicroCache",
    # A HEAD answer keeps every header the others set, and loses its body.
    "clarion.core.middleware.HeadAsGet",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that may answer (a 400 page in the visitor's language), and in
    # place of Django's LocaleMiddleware: the URL alone picks the language (see
    # clarion/core/locale.py), so pages stay cacheable and /healthz pays nothing.
    "clarion.core.locale.PathLanguageMiddleware",
    "clarion.core.middleware.RejectInvalidEncoding",
    "clarion.core.middleware.ContentSecurityPolicy",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# The interface's languages. English pages live at /..., every other language's at
# /<code>/... (i18n_patterns in clarion/urls.py). Adding one: README, "Languages".
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
# Dates and numbers in each language's own style; see clarion/formats/.
FORMAT_MODULE_PATH = ["clarion.formats"]

ROOT_URLCONF = "clarion.urls"
WSGI_APPLICATION = "clarion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clarion.core.context_processors.site",
            ],
        },
    },
]


def _database() -> dict:
    default_path = VAR_DIR / "clarion.sqlite3"
    url = env_str("DATABASE_URL", f"sqlite:///{default_path}")
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL Clarion understands "
            f"(sqlite:///path or postgres://user@host/db): {exc}"
        ) from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = str(config["NAME"])
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers carry on while one writer commits; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue on busy_timeout instead of failing with
        # "database is locked" half-way through a transaction.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000"
            ),
        }
        config["CONN_MAX_AGE"] = 0 if name == ":memory:" else config["CONN_MAX_AGE"]
        # Django's SQLite backend, with writers queued by the OS (clarion/core/sqlite).
        config["ENGINE"] = "clarion.core.sqlite"
    elif config["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.postgresql_psycopg2",
    ):
        raise ImproperlyConfigured(
            f"DATABASE_URL must point to SQLite or PostgreSQL; got engine {config['ENGINE']}"
        )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when set, holds the cache, the rate limits, the task queue (RQ), the periodic
# schedule and the locks, so workers and web processes on several machines share them.
# Without it each process caches for itself and the database does the rest. What is
# cached (rendered fragments, petition pages) is cheap to redo and keyed so that a copy
# never shows an older count than the database has (petitions/views.py).
REDIS_URL = env_redis_url("REDIS_URL")
# Every key Clarion writes in Redis starts with this, so several sites can share one.
CLARION_REDIS_PREFIX = env_str("CLARION_REDIS_PREFIX", "clarion")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CLARION_REDIS_PREFIX}:cache",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }


def task_settings(redis_url: str) -> dict:
    """Where queued tasks wait: TASKS and RQ_QUEUES for a REDIS_URL (or none).

    RQ names its keys itself (``rq:queue:default``, ``rq:job:<id>`` ...), whatever
    CLARION_REDIS_PREFIX says, so two sites sharing a Redis server need a database number
    each (README, "Configuration"). The tests switch backends with this too.
    """
    if not redis_url:
        return {
            "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
            "RQ_QUEUES": {},
        }
    return {
        "TASKS": {"default": {"BACKEND": "clarion.core.tasks.RQBackend"}},
        "RQ_QUEUES": {"default": {"URL": redis_url}},
    }


_tasks = task_settings(REDIS_URL)
TASKS = _tasks["TASKS"]
RQ_QUEUES = _tasks["RQ_QUEUES"]
# RQ's pages are served at /admin/rq/ (clarion/urls.py), once, rather than also under
# django-rq's own admin entry.
RQ_SHOW_ADMIN_LINK = False
# Seconds a queued task may run unless it sets its own limit; then it is stopped and
# recorded failed.
CLARION_TASK_TIME_LIMIT = env_int("CLARION_TASK_TIME_LIMIT", 300, minimum=1)

# Seconds a rendered petition page is reused for anonymous visitors; 0 turns it off.
CLARION_PAGE_CACHE_SECONDS = env_int("CLARION_PAGE_CACHE_SECONDS", 10, minimum=0)
# SQLite: every this many seconds a thread of each process moves the write-ahead log
# into the database file (a checkpoint), so no writer pays for it inside its
# transaction (clarion/core/sqlite); 0 leaves checkpoints to SQLite, in the commits.
CLARION_SQLITE_CHECKPOINT_SECONDS = env_int("CLARION_SQLITE_CHECKPOINT_SECONDS", 1, minimum=0)
# Seconds each server process serves its own copy of a public page (a petition, home,
# a list...) before any middleware runs, without asking the database or the shared cache
# (clarion.core.microcache); 0 turns it off.
CLARION_PAGE_LOCAL_SECONDS = env_int("CLARION_PAGE_LOCAL_SECONDS", 1, minimum=0)
# PostgreSQL: each machine ranks searches of the public petitions in a local SQLite copy
# of the search index kept in this folder (clarion.petitions.replica; about 3.6 KB a
# petition), brought up to date by every search. CLARION_SEARCH_REPLICA=off ranks them in
# PostgreSQL instead. Unused on SQLite, whose index is the database's own.
CLARION_SEARCH_REPLICA_DIR = (
    env_str("CLARION_SEARCH_REPLICA_DIR", str(VAR_DIR / "search"))
    if env_bool("CLARION_SEARCH_REPLICA", True)
    else ""
)
# What public pages (petitions, letters, stories, home, categories, countries) tell
# shared caches (a proxy, a CDN) for anonymous visitors: keep this many seconds
# (Cache-Control s-maxage), then serve the kept copy for up to STALE seconds more while
# fetching a fresh one (stale-while-revalidate). Browsers get max-age=0 and revalidate.
# Counts stay fresh through the count endpoint, which says COUNT_MAX_AGE to every cache.
# Personal pages are never shared (clarion.core.http).
CLARION_PAGE_MAX_AGE = env_int("CLARION_PAGE_MAX_AGE", 60, minimum=0)
CLARION_PAGE_STALE_SECONDS = env_int("CLARION_PAGE_STALE_SECONDS", 600, minimum=0)
CLARION_COUNT_MAX_AGE = env_int("CLARION_COUNT_MAX_AGE", 5, minimum=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

TIME_ZONE = env_timezone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "clarion.core.storage.StaticStorage"
        )
    },
}
# Development serves static files straight from the apps, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
# Source maps are for developers' tools, which fetch them rarely; pre-compressing the
# admin's and the API docs' (megabytes) with Brotli made every collectstatic take ~15 s.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "br", "xz"),
    *("woff", "woff2", "mp4", "webm", "map", "pdf"),
]
WHITENOISE_AUTOREFRESH = DEBUG


def _email() -> dict:
    """Translate EMAIL_URL into Django's email settings.

    outbox:// (the default) keeps every message in the database and shows it on the
    development outbox page, so a newcomer can click a confirmation link without a
    mail server. smtp:// sends for real; smtps:// uses implicit TLS and
    smtp+tls:// STARTTLS.
    """
    url = env_str("EMAIL_URL", "outbox://")
    parts = urlsplit(url)
    if parts.scheme == "outbox":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OUTBOX": True}
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend", "OUTBOX": False}
    if parts.scheme not in ("smtp", "smtps", "smtp+tls"):
        raise ImproperlyConfigured(
            "EMAIL_URL must start with outbox://, console://, smtp://, smtps:// or smtp+tls://; "
            f"got {url!r}"
        )
    if not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL must name a host, as in smtp://127.0.0.1:1025; got {url!r}"
        )
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL has an invalid port: {url!r}") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": parts.username or "",
        "EMAIL_HOST_PASSWORD": parts.password or "",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "OUTBOX": False,
    }


_email_config = _email()
EMAIL_BACKEND = _email_config["EMAIL_BACKEND"]
EMAIL_HOST = _email_config.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email_config.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email_config.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email_config.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = _email_config.get("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = _email_config.get("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# Failed attempts after which the outbox gives a message up (kept, FAILED, in admin).
CLARION_MAIL_MAX_ATTEMPTS = env_int("CLARION_MAIL_MAX_ATTEMPTS", 12, minimum=1)
# True when mail is kept in the local outbox rather than sent anywhere.
CLARION_MAIL_OUTBOX_ONLY = _email_config["OUTBOX"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Clarion <no-reply@{_base_host}>")

CLARION_SITE_NAME = env_str("CLARION_SITE_NAME", "Clarion")
# How long an emailed confirmation link stays valid.
CLARION_CONFIRM_HOURS = env_int("CLARION_CONFIRM_HOURS", 72, minimum=1)
# A pending signature's link is emailed again at most once per this many minutes.
CLARION_CONFIRM_RESEND_MINUTES = env_int("CLARION_CONFIRM_RESEND_MINUTES", 10, minimum=0)
# Mail that anyone can make the site send (confirmations, "already signed", my-data
# links) reaches one address at most this many times a day; 0 turns the cap off.
CLARION_MAIL_PER_ADDRESS_PER_DAY = env_int("CLARION_MAIL_PER_ADDRESS_PER_DAY", 10, minimum=0)
# Admin sign-in attempts allowed per IP address and per account in 15 minutes.
CLARION_ADMIN_LOGIN_ATTEMPTS = env_int("CLARION_ADMIN_LOGIN_ATTEMPTS", 10, minimum=1)
# JSON API requests allowed per IP address per minute; more get 429 with Retry-After.
CLARION_API_RATE_LIMIT = env_int("CLARION_API_RATE_LIMIT", 600, minimum=0)
# How long a "my data" link (copy or delete one's signatures) stays valid.
CLARION_MY_DATA_HOURS = env_int("CLARION_MY_DATA_HOURS", 24, minimum=1)
# Retention: signatures never confirmed, and the IP hashes of all signatures, are
# deleted once they are this many days old (`clarion purge`, daily in the worker).
CLARION_PURGE_UNCONFIRMED_DAYS = env_int("CLARION_PURGE_UNCONFIRMED_DAYS", 14, minimum=1)
CLARION_PURGE_IP_DAYS = env_int("CLARION_PURGE_IP_DAYS", 30, minimum=1)
# Sent (or given-up) mail, which holds addresses and links, is deleted after this.
CLARION_PURGE_MAIL_DAYS = env_int("CLARION_PURGE_MAIL_DAYS", 14, minimum=1)
# Letter sign-on forms (organisations and individuals) sent per IP address per hour.
CLARION_LETTER_SIGNONS_PER_HOUR = env_int("CLARION_LETTER_SIGNONS_PER_HOUR", 10, minimum=1)

# Petitions anyone can start (clarion.campaigns). A started petition needs this many
# confirmed supporters, besides its creator, before it goes to the moderators.
CLARION_SPONSORS_NEEDED = env_int("CLARION_SPONSORS_NEEDED", 5, minimum=1)
# "Start a petition" forms taken per IP address, and per email address, a day.
CLARION_START_PER_IP_PER_DAY = env_int("CLARION_START_PER_IP_PER_DAY", 10, minimum=1)
CLARION_START_PER_ADDRESS_PER_DAY = env_int("CLARION_START_PER_ADDRESS_PER_DAY", 3, minimum=1)
# How long an emailed sign-in link to the organiser dashboard stays valid.
CLARION_ORGANISER_LINK_HOURS = env_int("CLARION_ORGANISER_LINK_HOURS", 24, minimum=1)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS. An https CLARION_BASE_URL means TLS is terminated in front of Clarion (a proxy
# such as Caddy or nginx: `clarion serve` speaks plain HTTP), so cookies are marked
# Secure and browsers are told, through HSTS, to never use plain HTTP again.
_HTTPS = CLARION_BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = env_int("CLARION_HSTS_SECONDS", 31_536_000 if _HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CLARION_HSTS_INCLUDE_SUBDOMAINS", True)
# Asking to be preloaded into browsers is a commitment hard to take back, so it is opt-in.
SECURE_HSTS_PRELOAD = env_bool("CLARION_HSTS_PRELOAD", False)


def _proxy_ssl_header() -> tuple[str, str] | None:
    """The header by which the TLS proxy tells Clarion a request came over HTTPS.

    Only safe when the proxy always sets it (overwriting what the client sent): then
    Django can tell HTTPS from HTTP requests, which SECURE_SSL_REDIRECT needs.
    """
    name = env_str("CLARION_PROXY_SSL_HEADER", "")
    if not name:
        return None
    if not all(ch.isalnum() or ch == "-" for ch in name):
        raise ImproperlyConfigured(
            f"CLARION_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto; "
            f"got {name!r}"
        )
    return ("HTTP_" + name.upper().replace("-", "_"), "https")


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header()
# Redirecting HTTP to HTTPS is the proxy's job by default. Clarion can do it as well once
# it can see the scheme; without the proxy header every request would look like HTTP
# behind a TLS proxy and be redirected forever, so that combination is refused.
SECURE_SSL_REDIRECT = env_bool(
    "CLARION_SSL_REDIRECT", _HTTPS and SECURE_PROXY_SSL_HEADER is not None
)
if SECURE_SSL_REDIRECT and SECURE_PROXY_SSL_HEADER is None:
    raise ImproperlyConfigured(
        "CLARION_SSL_REDIRECT=1 needs CLARION_PROXY_SSL_HEADER (such as X-Forwarded-Proto): "
        "behind a TLS proxy Clarion sees every request as plain HTTP and would redirect forever."
    )
SILENCED_SYSTEM_CHECKS = []
if _HTTPS and not SECURE_SSL_REDIRECT:
    # security.W008 asks for SECURE_SSL_REDIRECT; with an https base URL and no proxy
    # header, the TLS proxy in front redirects HTTP to HTTPS (README, "Production").
    SILENCED_SYSTEM_CHECKS.append("security.W008")
if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD:
    # security.W021 only says the site can't join browsers' preload lists: opt-in, above.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

_LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # Clarion's own, and queued tasks' (started, finished, failed with the traceback;
        # RQ's worker logs through its own handler, at the same level).
        name: {"handlers": ["console"], "level": _LOG_LEVEL}
        for name in ("clarion", "django_tasks", "django_tasks_db")
    },
}

# How many reverse proxies in front of Clarion append to X-Forwarded-For. 0 (the
# default) ignores the header, which any client can forge.
CLARION_TRUSTED_PROXIES = env_int("CLARION_TRUSTED_PROXIES", 0, minimum=0)

# Feed polling: seconds before a fetch gives up, and the largest feed read.
# Every outbound fetch refuses private, loopback and other non-public addresses
# (core.fetch); 1 lets private and loopback ones through, for demos, tests and
# intranet feeds. Link-local (cloud metadata) stays refused either way.
CLARION_FETCH_ALLOW_PRIVATE = env_bool("CLARION_FETCH_ALLOW_PRIVATE", False)
CLARION_FEED_TIMEOUT = env_int("CLARION_FEED_TIMEOUT", 20, minimum=1)
CLARION_FEED_MAX_BYTES = env_int("CLARION_FEED_MAX_BYTES", 5_000_000, minimum=1024)
# Items read per poll, newest first: an archive feed of thousands is not all news.
CLARION_FEED_MAX_ITEMS = env_int("CLARION_FEED_MAX_ITEMS", 200, minimum=1)

# News desk: extract the main text from the article page when a feed carries only a
# summary (one page fetch per new article, with the same timeout and size cap).
CLARION_EXTRACT_TEXT = env_bool("CLARION_EXTRACT_TEXT", True)

# Drafting. Without CLARION_LLM_URL the offline drafter writes every draft; with it, an
# OpenAI-compatible chat endpoint is asked first and the offline drafter is the fallback.
CLARION_LLM_URL = (
    env_url("CLARION_LLM_URL", "", schemes=("http", "https")) if env_str("CLARION_LLM_URL") else ""
)
CLARION_LLM_MODEL = env_str("CLARION_LLM_MODEL", "")
CLARION_LLM_API_KEY = env_str("CLARION_LLM_API_KEY", "")
CLARION_LLM_TIMEOUT = env_int("CLARION_LLM_TIMEOUT", 60, minimum=1)
if CLARION_LLM_URL and not CLARION_LLM_MODEL:
    raise ImproperlyConfigured("CLARION_LLM_MODEL must name the model when CLARION_LLM_URL is set.")
# Publish machine drafts at once instead of queueing them for review.
CLARION_AUTOPUBLISH = env_bool("CLARION_AUTOPUBLISH", False)

# The worker: seconds between feed polling and drafting rounds. Mail and signature
# counts have their own one-second rhythm, whatever this is.
CLARION_WORKER_TICK = env_int("CLARION_WORKER_TICK", 5, minimum=1)

# Open data and embeds. Signing through the JSON API or the embedded widget needs no
# cookie (so no CSRF token); instead each IP address may sign this many times an hour
# through each of them, and gets 429 with Retry-After beyond that.
CLARION_SIGN_API_PER_HOUR = env_int("CLARION_SIGN_API_PER_HOUR", 60, minimum=1)
# Signatures one IP address (an IPv6 /64) may send in an hour through the site's own
# form before the rest are held for review (not refused: many people share an address).
CLARION_SIGN_FORM_PER_HOUR = env_int("CLARION_SIGN_FORM_PER_HOUR", 60, minimum=0)
# Which sites may frame the sign widget (/p/<slug>/embed/): a space-separated list of
# origins for CSP frame-ancestors, or * for any site. Every other page forbids framing.
CLARION_EMBED_ANCESTORS = env_str("CLARION_EMBED_ANCESTORS", "*")
if not CLARION_EMBED_ANCESTORS or any(ch in CLARION_EMBED_ANCESTORS for ch in ';,"\n'):
    # It goes into a header verbatim: a ; would start another CSP directive.
    raise ImproperlyConfigured(
        "CLARION_EMBED_ANCESTORS must be * or origins separated by spaces, such as "
        f"'https://example.org https://news.example.com'; got {CLARION_EMBED_ANCESTORS!r}"
    )
