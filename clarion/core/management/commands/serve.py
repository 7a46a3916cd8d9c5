"""`clarion serve`: the site under gunicorn, the production WSGI server.

Why gunicorn: it is the long-standing, well-kept default for Django, pure Python (one
pip dependency, nothing to compile), with a pre-fork master that restarts crashed or
stuck workers and reloads gracefully on SIGHUP. Static files are served by WhiteNoise
inside Django (compressed, with far-future cache headers for hashed names), so no
separate static server is needed.
"""

from __future__ import annotations

import gc
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.urls import get_resolver

from clarion.core import kept


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """The gunicorn configuration `clarion serve` runs with."""
    bind_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return {
        "bind": [f"{bind_host}:{port}"],
        "workers": workers,
        "threads": threads,
        # gthread keeps connections alive (a proxy such as Caddy reuses them); the sync
        # worker closes each one and waits for the client's FIN, which costs more than
        # /healthz itself. WEB_THREADS=1 still picks sync, the classic behind nginx.
        "worker_class": "gthread" if threads > 1 else "sync",
        # Load Django once in the master: a broken configuration fails at start, not in
        # every worker, and forked workers share the loaded code's memory.
        "preload_app": True,
        # The scheme is Django's business (CLARION_PROXY_SSL_HEADER); gunicorn must not
        # decide on its own that a request was HTTPS because of a header it trusts.
        "secure_scheme_headers": {},
        "forwarded_allow_ips": "127.0.0.1,::1",
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.LOGGING["loggers"]["clarion"]["level"].lower(),
        "proc_name": "clarion",
        # Several servers may run side by side (tests, bench): no shared control socket.
        "control_socket_disable": True,
        "pre_fork": freeze_before_fork,
    }


def freeze_before_fork(server: Any = None, worker: Any = None) -> None:
    """Set what the master loaded aside from the garbage collector, in every worker.

    Everything loaded before the fork (Django, the views, the kept values) lives as long
    as the worker, yet each full collection walked it all: about 60 ms at 100,000
    petitions, a pause that landed on whichever request was running, and writing the
    objects' headers unshared their memory. Frozen objects are never walked again (the
    way Python's gc documentation recommends for servers that fork).
    """
    gc.collect()
    gc.freeze()


class Command(BaseCommand):
    help = (
        "Serve the site in production: collect static files, then run gunicorn on "
        "HOST:PORT with WEB_CONCURRENCY workers of WEB_THREADS threads."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="skip collectstatic (when static files were collected at build time)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        if not options["no_collectstatic"]:
            # Production storage serves hashed, pre-compressed copies listed in a manifest;
            # without them every page using {% static %} would fail. Unchanged files are
            # skipped, so a restart is quick.
            call_command("collectstatic", interactive=False, verbosity=0)
        # Every view and what it uses, loaded now (preloading would load them in each
        # worker on its first request), then the costly answers they keep, built once
        # here so that each forked worker starts with them (clarion.core.kept).
        get_resolver().url_patterns  # noqa: B018
        kept.warm_up()
        # Nothing opened in the master may be shared by the forked workers.
        connections.close_all()

        config = gunicorn_options(
            host=settings.HOST,
            port=settings.PORT,
            workers=settings.WEB_CONCURRENCY,
            threads=settings.WEB_THREADS,
        )

        class Clarion(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self):
                # The project's WSGI_APPLICATION, as runserver finds it.
                from django.core.servers.basehttp import get_internal_wsgi_application

                return get_internal_wsgi_application()

        self.stdout.write(
            f"Serving on http://{config['bind'][0]} with {config['workers']} worker(s) "
            f"x {config['threads']} thread(s)"
        )
        self.stdout.flush()
        Clarion().run()
