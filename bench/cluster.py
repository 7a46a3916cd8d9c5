"""Two machines, simulated: two `clarion serve` and two `clarion worker` on one
PostgreSQL and one Redis, load through both, and checks that they agree.

    .venv/bin/python bench/cluster.py [--seconds 8] [--database-url URL] [--redis-url URL]

Each "machine" is one server and one worker with its own port and its own var
directory (so its own static files, logs and process-local caches); both share the
site's PostgreSQL database and Redis (cache, rate limits, locks and the RQ queue), as
two machines behind one load balancer would. Email goes by SMTP to a sink on loopback
that keeps every message. The run:

1. load: /healthz (the baseline), the petition page and signing, sent to both machines
   at once by two wrk processes; each figure is the sum of both;
2. one signature per email: the same addresses signed on both machines at the same
   moment, then the rows counted;
3. limits: one address signing through the API on both machines in turn, against a
   limit of five an hour;
4. one email per confirmation: every confirmation email delivered exactly once by the
   two workers;
5. counts: signatures confirmed on both machines in turn; once folded, the petition's
   count equals the confirmed rows, and both machines' pages and count endpoints agree;
6. search: a petition published, retitled, then deleted, each step found (or no longer
   found) by the next search on both machines, each ranking in its own local copy of
   the search index.

The database (clarion_cluster) is dropped and created again each run, and the Redis
database (7 by default) is emptied: use ones no site uses.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import web  # noqa: E402 - bench/web.py, beside this file

ROOT = web.ROOT
VAR = ROOT / "var" / "bench" / "cluster"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/clarion_cluster"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"
API_LIMIT = 5  # signatures an hour through the API from one address, for check 3
SLUG = "cluster-sign"


# --- the mail sink ----------------------------------------------------------------


@dataclass
class Sink:
    """An SMTP server on loopback that keeps (recipient, subject, body) of every message."""

    messages: list[tuple[str, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        with self.lock:
            for to in envelope.rcpt_tos:
                self.messages.append((to.lower(), str(message["Subject"]), text))
        return "250 kept"

    def to(self, prefix: str) -> list[tuple[str, str, str]]:
        with self.lock:
            return [m for m in self.messages if m[0].startswith(prefix)]


# --- the machines -----------------------------------------------------------------


@dataclass
class Machine:
    name: str
    base: str
    server: subprocess.Popen
    worker: subprocess.Popen
    var_dir: Path

    def stop(self) -> None:
        for process in (self.server, self.worker):
            if process.poll() is None:
                process.terminate()
        for process in (self.server, self.worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _environment(args, smtp_port: int, public_base: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": web.SECRET,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        # The site's one prefix: both machines share its cache, limits and locks.
        "CLARION_REDIS_PREFIX": "clarion-cluster",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        # The address in emailed links: the site's public one, in front of both.
        "CLARION_BASE_URL": public_base,
        "CLARION_TRUSTED_PROXIES": "1",
        "CLARION_SIGN_API_PER_HOUR": str(API_LIMIT),
        "CLARION_WORKER_TICK": "1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "clarion.settings",
    }


def _manage(env: dict[str, str], *command: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "clarion.manage", *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _start(name: str, env: dict[str, str]) -> Machine:
    port = web._free_port()
    var_dir = VAR / name
    var_dir.mkdir(parents=True, exist_ok=True)
    own = {**env, "PORT": str(port), "HOST": "127.0.0.1", "CLARION_VAR_DIR": str(var_dir)}
    processes = []
    for command in ("serve", "worker"):
        with (var_dir / f"{command}.log").open("w") as out:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "clarion.manage", command],
                    cwd=ROOT,
                    env=own,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    server, worker = processes
    machine = Machine(name, f"http://127.0.0.1:{port}", server, worker, var_dir)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(machine.base + "/healthz", timeout=2) as response:
                if response.read() == b"ok":
                    return machine
        except OSError:
            time.sleep(0.3)
    machine.stop()
    sys.exit(f"machine {name} did not start:\n{(var_dir / 'serve.log').read_text()[-3000:]}")


# --- set-up -----------------------------------------------------------------------


def _fresh_database(url: str) -> str | None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        return f"the database name {name!r} is not a plain identifier"
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _fresh_redis(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _petition(env: dict[str, str]) -> None:
    """One published petition to sign, made as an editor would in the admin."""
    script = f"""
from django.utils import timezone
from clarion.petitions.models import Petition
Petition.objects.create(
    title="Keep the night buses running", slug={SLUG!r},
    goal="We ask the transport authority to keep the night routes.",
    narrative="Night workers need a way home.", countries=["GB"],
    status=Petition.Status.PUBLISHED, published_at=timezone.now(), signature_goal=100000,
)
"""
    subprocess.run(
        [sys.executable, "-m", "clarion.manage", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


# --- HTTP helpers -----------------------------------------------------------------


def _http(
    method: str, url: str, data: dict | None = None, headers: dict | None = None
) -> tuple[int, dict[str, str], str]:
    body = None
    headers = dict(headers or {})
    if data is not None and headers.get("Content-Type") == "application/json":
        body = json.dumps(data).encode()
    elif data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")


def _form_token(base: str) -> str:
    _status, _headers, html = _http("GET", f"{base}/p/{SLUG}/")
    token = web.form_token_in(html)
    if token is None:
        sys.exit(f"no sign form at /p/{SLUG}/")
    return token


def _count_json(base: str) -> int:
    _status, _headers, body = _http("GET", f"{base}/p/{SLUG}/count.json")
    return json.loads(body)["count"]


def _page_count(base: str) -> int:
    _status, _headers, html = _http("GET", f"{base}/p/{SLUG}/")
    return int(re.sub(r"\D", "", re.search(r'class="count"><strong>([^<]+)</strong>', html)[1]))


# --- the checks -------------------------------------------------------------------


def _search_agrees(machines: list[Machine]) -> list[str]:
    """A petition published, edited, then deleted behind both machines' backs (as an
    editor in the admin would): each step must show in the very next search on both,
    whose copies of the search index learn it from PostgreSQL
    (clarion/petitions/replica.py). Answers the steps that went wrong."""
    from django.utils import timezone

    from clarion.petitions.models import Petition
    from clarion.petitions.services import petition_delete, petition_reindex

    petition = Petition.objects.create(
        title="Zephyrine lanterns for the harbour",
        slug="zephyrine-lanterns",
        goal="We ask the harbour board to light the quay at night.",
        narrative="The quay is dark.",
        countries=["GB"],
        status=Petition.Status.PUBLISHED,
        published_at=timezone.now(),
        signature_goal=100,
    )
    petition_reindex(petition)

    def found(machine: Machine, word: str) -> bool:
        _status, _headers, html = _http("GET", f"{machine.base}/search/?q={word}")
        # In the ranked results, not in what an empty search offers instead (the newest).
        results = html.partition('<ol class="results"')[2].partition("</ol>")[0]
        return f'href="/p/{petition.slug}/"' in results

    wrong = []
    wrong += [f"{m.name}: not found once published" for m in machines if not found(m, "zephyrine")]
    petition.title = "Marigold lanterns for the harbour"
    petition.save()
    petition_reindex(petition)
    wrong += [f"{m.name}: old title still found" for m in machines if found(m, "zephyrine")]
    wrong += [f"{m.name}: new title not found" for m in machines if not found(m, "marigold")]
    petition_delete(petition)
    wrong += [f"{m.name}: found once deleted" for m in machines if found(m, "marigold")]
    return wrong


def _load_both(machines: list[Machine], args, path: str) -> web.Result:
    """wrk on every machine at once; the rates added, the worse latencies kept."""
    per = max(1, args.connections // len(machines))
    with ThreadPoolExecutor(len(machines)) as pool:
        results = list(pool.map(lambda m: web._load(m.base + path, args.seconds, per), machines))
    return web.Result(
        rate=sum(r.rate for r in results),
        p50_ms=max(r.p50_ms for r in results),
        p99_ms=max(r.p99_ms for r in results),
        requests=sum(r.requests for r in results),
        bad=sum(r.bad for r in results),
    )


def _sign_both(machines: list[Machine], args, run: str) -> tuple[float, int, int]:
    per = max(1, args.connections // len(machines))
    token = _form_token(machines[0].base)

    def one(pair: tuple[int, Machine]) -> dict[str, float]:
        n, machine = pair
        return web._wrk(
            machine.base + "/", args.seconds + 5, per, "sign.lua",
            f"/p/{SLUG}/sign/", token, f"{run}m{n}", str(args.seconds),
        )  # fmt: skip

    with ThreadPoolExecutor(len(machines)) as pool:
        results = list(pool.map(one, enumerate(machines)))
    acked = sum(int(r["acked"]) for r in results)
    failed = sum(int(r["failed"] + r["socket_errors"]) for r in results)
    seconds = max(r["seconds"] for r in results) or 1.0
    return acked / seconds, acked, failed


def _rows(sql: str, *params) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _same_moment_twice(machines: list[Machine], emails: list[str]) -> tuple[int, int]:
    """Each address signed on both machines at the same moment: (acknowledged, stored)."""
    token = _form_token(machines[0].base)
    barrier = threading.Barrier(2)

    def post(machine: Machine, email: str, n: int) -> int:
        form = {"full_name": f"Twin {n}", "email": email, "country": "GB", "form_token": token}
        headers = {"X-Forwarded-For": f"10.9.{n // 256}.{n % 256}"}
        barrier.wait()
        status, _h, _b = _http("POST", f"{machine.base}/p/{SLUG}/sign/", form, headers)
        return status

    acked = 0
    with ThreadPoolExecutor(2) as pool:
        for n, email in enumerate(emails):
            statuses = list(pool.map(lambda m, e=email, k=n: post(m, e, k), machines))
            acked += sum(1 for s in statuses if s == 302)
    stored = _rows(
        "SELECT COUNT(*) FROM petitions_signature WHERE email LIKE %s",
        emails[0].split("-")[0] + "-%",
    )[0][0]
    return acked, stored


def _api_limit(machines: list[Machine], run: str) -> tuple[int, int]:
    """One address signing through the API on the machines in turn: (accepted, refused)."""
    accepted = refused = 0
    for n in range(API_LIMIT * 3):
        machine = machines[n % len(machines)]
        status, _h, _b = _http(
            "POST",
            f"{machine.base}/api/v1/petitions/{SLUG}/signatures",
            {"full_name": f"Api {n}", "email": f"a{run}-{n}@example.org", "country": "GB"},
            {"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.77"},
        )
        if status in (200, 201, 202):
            accepted += 1
        elif status == 429:
            refused += 1
    return accepted, refused


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def _confirm(machines: list[Machine], links: list[str]) -> int:
    """Open each emailed link on the machines in turn and press its button."""
    confirmed = 0
    for n, link in enumerate(links):
        machine = machines[n % len(machines)]
        path = urllib.parse.urlsplit(link).path
        status, headers, html = _http("GET", machine.base + path)
        cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not cookie or not token:
            continue
        status, _h, _b = _http(
            "POST",
            machine.base + path,
            {"csrfmiddlewaretoken": token[1]},
            {"Cookie": f"csrftoken={cookie[1]}", "Referer": machine.base + path},
        )
        confirmed += status == 302
    return confirmed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_PG)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--seconds", type=int, default=8, help="length of each load phase")
    parser.add_argument("--connections", type=int, default=64, help="in all, split between both")
    parser.add_argument("--twins", type=int, default=200, help="addresses signed on both at once")
    parser.add_argument("--confirm", type=int, default=300, help="signatures confirmed")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: `make bench-cluster` installs it")
    print("== Clarion on two machines, simulated: 2 servers + 2 workers, one PostgreSQL, one Redis")
    problem = _fresh_database(args.database_url) or _fresh_redis(args.redis_url)
    if problem:
        print(f"  PostgreSQL or Redis is not usable here, skipped: {problem}")
        return
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)

    from aiosmtpd.controller import Controller

    sink = Sink()
    smtp_port = web._free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = _environment(args, smtp_port, "http://127.0.0.1:1")
    env["CLARION_VAR_DIR"] = str(VAR / "setup")
    _manage(env, "migrate", "--noinput")
    _petition(env)
    os.environ.update(env)
    import django

    django.setup()
    machines: list[Machine] = []
    try:
        for name in ("a", "b"):
            machines.append(_start(name, env))
        report(args, machines, sink)
    finally:
        for machine in machines:
            machine.stop()
        controller.stop()


def report(args, machines: list[Machine], sink: Sink) -> None:
    load = os.getloadavg()[0]
    print(
        f"  each machine: clarion serve (gunicorn, default workers and threads) and clarion "
        f"worker; wrk {args.connections} connections split between them; {args.seconds} s "
        f"per phase; {os.cpu_count()} cores in all, load average {load:.1f}",
        flush=True,
    )
    for machine in machines:  # warm up
        web._load(machine.base + "/healthz", 1, 8)
        web._load(machine.base + f"/p/{SLUG}/", 1, 8)
    healthz = _load_both(machines, args, "/healthz")
    print(f"  baseline /healthz, both     {web._fmt(healthz)}", flush=True)
    page = _load_both(machines, args, f"/p/{SLUG}/")
    share = 100 * page.rate / healthz.rate
    print(f"  petition page, both         {web._fmt(page)}   = {share:.0f}% of /healthz")
    run = datetime.now(UTC).strftime("%H%M%S")
    rate, acked, failed = _sign_both(machines, args, run)
    stored = _rows("SELECT COUNT(*) FROM petitions_signature WHERE email LIKE %s", f"b{run}m%")[0][
        0
    ]
    verdict = "verified" if stored == acked else "MISMATCH"
    lost = f"; {failed:,} answered otherwise or lost" if failed else ""
    print(
        f"  signing, both               {rate:9,.0f} submissions/s   = "
        f"{100 * rate / healthz.rate:.0f}% of /healthz; {verdict}: {acked:,} acknowledged "
        f"= {stored:,} stored{lost}",
        flush=True,
    )
    failures: list[str] = []
    if stored != acked:
        failures.append("signing: acknowledged and stored differ")

    twins = [f"t{run}-{n}@example.org" for n in range(args.twins)]
    twin_acked, twin_stored = _same_moment_twice(machines, twins)
    ok = twin_stored == len(twins)
    print(
        f"  one signature per email     {len(twins)} addresses signed on both machines at the "
        f"same moment: {twin_acked} acknowledged, {twin_stored} stored "
        f"({'one each' if ok else 'WRONG'})"
    )
    if not ok:
        failures.append("one signature per email")

    accepted, refused = _api_limit(machines, run)
    ok = accepted == API_LIMIT
    print(
        f"  limits                      one address, {API_LIMIT * 3} API signatures on both "
        f"machines in turn, limit {API_LIMIT}/hour: {accepted} accepted, {refused} refused "
        f"({'shared' if ok else 'NOT SHARED'})"
    )
    if not ok:
        failures.append("limits")

    expected = _rows(
        "SELECT LOWER(email) FROM petitions_signature WHERE email LIKE %s OR email LIKE %s "
        "OR email LIKE %s",
        f"b{run}m%",
        f"t{run}-%",
        f"a{run}-%",
    )
    wanted = {row[0] for row in expected}
    started = time.monotonic()

    def confirmations() -> dict[str, int]:
        seen: dict[str, int] = {}
        for to, subject, _text in sink.to(""):
            if to in wanted and subject.startswith("Please confirm"):
                seen[to] = seen.get(to, 0) + 1
        return seen

    _wait(lambda: len(confirmations()) >= len(wanted), 180)
    took = time.monotonic() - started
    seen = confirmations()
    twice = sum(1 for n in seen.values() if n > 1)
    ok = len(seen) == len(wanted) and twice == 0
    print(
        f"  one email per confirmation  {len(wanted):,} signatures: {len(seen):,} confirmation "
        f"emails delivered by the two workers in {took:.0f} s, {twice} delivered twice "
        f"({'exact' if ok else 'WRONG'})"
    )
    if not ok:
        failures.append("one email per confirmation")

    links = []
    for to, subject, text in sink.to(""):
        if to.startswith(f"t{run}-") and subject.startswith("Please confirm"):
            found = re.search(r"https?://\S+/confirm/[A-Za-z0-9_\-]+/", text)
            if found:
                links.append(found.group(0))
    for _to, subject, text in sink.to(f"b{run}m"):
        if len(links) >= args.confirm:
            break
        found = re.search(r"https?://\S+/confirm/[A-Za-z0-9_\-]+/", text)
        if found and subject.startswith("Please confirm"):
            links.append(found.group(0))
    confirmed = _confirm(machines, links[: args.confirm])

    def counted() -> int:
        return _rows(
            "SELECT COUNT(*) FROM petitions_signature s JOIN petitions_petition p "
            "ON p.id = s.petition_id WHERE p.slug = %s AND s.confirmed_at IS NOT NULL "
            "AND NOT s.held",
            SLUG,
        )[0][0]

    def stored_count() -> int:
        return _rows("SELECT signature_count FROM petitions_petition WHERE slug = %s", SLUG)[0][0]

    _wait(lambda: stored_count() == counted() and counted() > 0, 30)
    rows, count = counted(), stored_count()
    # Each process may serve its own copy of the page for CLARION_PAGE_LOCAL_SECONDS (1 s).
    time.sleep(1.5)
    shown = [(_page_count(m.base), _count_json(m.base)) for m in machines]
    ok = count == rows and all(page == json_ == count for page, json_ in shown)
    pages = ", ".join(
        f"{m.name}: page {p:,}, count.json {j:,}" for m, (p, j) in zip(machines, shown, strict=True)
    )
    print(
        f"  counts                      {confirmed} confirmed on both machines in turn; "
        f"confirmed rows {rows:,}, petition count {count:,}; {pages} "
        f"({'agree' if ok else 'DISAGREE'})"
    )
    if not ok:
        failures.append("counts")

    wrong = _search_agrees(machines)
    print(
        "  search                      a petition published, retitled, then deleted: each "
        "step found by the next search on both machines "
        f"({'agree' if not wrong else 'DISAGREE: ' + '; '.join(wrong)})"
    )
    if wrong:
        failures.append("search")
    if failures:
        sys.exit("FAILED: " + ", ".join(failures))


if __name__ == "__main__":
    main()
