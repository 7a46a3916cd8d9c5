"""The site survives its processes dying and its database being busy.

`clarion serve` runs as a real gunicorn (master and workers) against the test's
database; clients are threads that do what a browser does (GET the form for its CSRF
cookie and token, POST it); the server is killed with SIGKILL on its whole process
group, as a crash or the OOM killer would. Only HTTP and the database are looked at, so
these tests hold however signing is implemented inside.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition, Signature
from tests.conftest import confirm_token_from, written
from tests.processes import (
    Server,
    form_token,
    on_sqlite,
    request,
    start_server,
    start_worker,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    # Shared by the module's servers, so static files are collected once.
    return tmp_path_factory.mktemp("faults-var")


def _form(email: str) -> dict[str, str]:
    return {
        "full_name": "Load Tester",
        "email": email,
        "country": "GB",
        "postcode": "",
        "comment": "",
        "show_name": "on",
    }


class Signers:
    """Client threads signing with distinct emails until told to stop.

    ``acknowledged`` holds every email whose POST the server answered with the redirect
    to the thanks page: the promise made to that signer. ``statuses`` counts every
    answer, and ``errors`` every request that got no answer (the server was gone).
    """

    def __init__(self, server: Server, petition: Petition, threads: int, prefix: str) -> None:
        self.server, self.petition, self.prefix = server, petition, prefix
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acknowledged: list[str] = []
        self.statuses: Counter[int] = Counter()
        self.errors = 0
        self.numbers = itertools.count()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        self.after_ack: Callable[[str], None] | None = None

    def _run(self) -> None:
        path = self.petition.get_absolute_url()
        cookies: dict[str, str] | None = None
        token = ""
        while not self.stop.is_set():
            try:
                if cookies is None:
                    cookies, token = form_token(self.server, path)
                email = f"{self.prefix}{next(self.numbers)}@example.org"
                answer = request(
                    self.server,
                    "POST",
                    f"{path}sign/",
                    form={**_form(email), **token},
                    cookies=cookies,
                )
            except (OSError, AssertionError):
                with self.lock:
                    self.errors += 1
                cookies = None
                self.stop.wait(0.05)
                continue
            with self.lock:
                self.statuses[answer.status] += 1
            if answer.status == 302 and answer.headers.get("Location", "").endswith("/thanks/"):
                with self.lock:
                    self.acknowledged.append(email)
                if self.after_ack is not None:
                    self.after_ack(email)

    def __enter__(self) -> Signers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def _stored(emails: list[str]) -> set[str]:
    stored: set[str] = set()
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        stored |= set(Signature.objects.filter(email__in=chunk).values_list("email", flat=True))
    return stored


def test_it_keeps_every_acknowledged_signature_when_the_server_is_killed(make_petition, var_dir):
    petition = make_petition(title="Light the harbour path", slug="light-the-harbour-path")
    server = start_server(var_dir)
    try:
        with Signers(server, petition, threads=8, prefix="killed-") as signers:
            # Kill in the middle of the load: once plenty have gone through, while the
            # other threads' requests are still in flight.
            assert wait_for(lambda: len(signers.acknowledged) >= 80, timeout=60), (
                f"the load never got going: {signers.statuses}, {signers.errors} errors\n"
                f"{server.process.tail()}"
            )
            server.process.kill()
            with signers.lock:
                acknowledged = list(signers.acknowledged)
    finally:
        server.process.kill()

    # Whatever the server acknowledged before it died is stored, exactly once.
    missing = set(acknowledged) - _stored(acknowledged)
    assert not missing, f"{len(missing)} acknowledged signatures are lost: {sorted(missing)[:5]}"
    assert Signature.objects.filter(email__in=acknowledged[:500]).count() == len(acknowledged[:500])
    if on_sqlite():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchone()[0] == "ok"

    # Restarted on the same database, the site goes on signing and still has them all.
    server = start_server(var_dir)
    try:
        cookies, token = form_token(server, petition.get_absolute_url())
        answer = request(
            server,
            "POST",
            f"{petition.get_absolute_url()}sign/",
            form={**_form("after-restart@example.org"), **token},
            cookies=cookies,
        )
        assert answer.status == 302, server.process.tail()
    finally:
        server.process.stop()
    assert not set(acknowledged) - _stored(acknowledged)
    assert Signature.objects.filter(email="after-restart@example.org").exists()
    # Each acknowledged signer's confirmation mail was queued with the signature, once.
    pks = list(Signature.objects.filter(email__in=acknowledged[:200]).values_list("pk", flat=True))
    queued = Counter(
        int(key.split(":")[1])
        for key in OutboxMessage.objects.filter(key__startswith="confirm:").values_list(
            "key", flat=True
        )
    )
    assert all(queued[pk] == 1 for pk in pks)


def _sign_and_confirm(server: Server, petition: Petition, email: str, seen: Counter[str]) -> None:
    """One signer, start to finish, over HTTP: sign, read the mail, press confirm."""
    path = petition.get_absolute_url()
    cookies, token = form_token(server, path)
    signed = request(
        server,
        "POST",
        f"{path}sign/",
        form={**_form(email), **token},
        cookies=cookies,
    )
    seen[f"sign {signed.status}"] += 1
    if signed.status != 302:
        return
    message = OutboxMessage.objects.filter(to=email, key__startswith="confirm:").get()
    link = f"/confirm/{confirm_token_from(written(message).body)}/"
    cookies, token = form_token(server, link)
    confirmed = request(server, "POST", link, form={**token}, cookies=cookies)
    seen[f"confirm {confirmed.status}"] += 1


def test_it_never_answers_500_when_sqlite_is_busy_with_concurrent_writers(make_petition, var_dir):
    if not on_sqlite():
        pytest.skip("SQLite's single writer is what this test is about")
    petition = make_petition(title="Open the old baths", slug="open-the-old-baths")
    # Writers at once: three server processes of four threads each take signatures and
    # confirmations, while the worker marks mail sent and folds counts every second.
    # All from one address: the form's per-address limit would hold most of them.
    server = start_server(
        var_dir, WEB_CONCURRENCY="3", WEB_THREADS="4", CLARION_SIGN_FORM_PER_HOUR="0"
    )
    worker = start_worker(var_dir)
    signers, per_signer = 12, 12
    seen: Counter[str] = Counter()
    failures: list[BaseException] = []

    def signer(n: int) -> None:
        mine: Counter[str] = Counter()
        try:
            for k in range(per_signer):
                _sign_and_confirm(server, petition, f"busy-{n}-{k}@example.org", mine)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            seen.update(mine)
            connection.close()

    threads = [threading.Thread(target=signer, args=(n,)) for n in range(signers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        total = signers * per_signer
        assert not failures, failures[0]
        assert seen == Counter({"sign 302": total, "confirm 302": total}), (
            f"{seen}\n{server.process.tail()}"
        )
        # The worker folds every confirmation into the count, busy or not.
        assert wait_for(
            lambda: Petition.objects.get(pk=petition.pk).signature_count == total, timeout=30
        ), worker.tail()
    finally:
        server.process.stop()
        worker.stop()
    assert "database is locked" not in server.process.tail(200_000)
    assert "database is locked" not in worker.tail(200_000)
