"""The site under load: a real `clarion serve` process driven by wrk on loopback.

    .venv/bin/python bench/web.py [--seconds 10] [--database-url URL] [--profile]

Figures, each beside a baseline measured on the same server in the same run:

- /healthz (requests/s, p50, p99 at --connections): the baseline, the cheapest page
  through the full Django stack, measured first and again after the page and signing
  phases (shares are of the higher of the two: the rate drifts on a shared machine);
- the petition page (requests/s, p50, p99 at --connections, 64 by default);
- signing: sign-form submissions per second, over HTTP, each with a distinct email,
  then checked: the submissions acknowledged (302 redirects) must equal the rows stored;
- search: p50 and p99 of the HTTP search page (/search/?q=) at --search-connections,
  over --petitions petitions and --signatures signatures, beside /healthz at the same
  concurrency;
- the app alone (phase "app"): signing through the WSGI application itself, in one
  process and then in one per core at once, with the server stopped: no HTTP, no wrk.
  What the HTTP signing figure could at most reach on this machine, whatever the
  server; checked the same way.

The data (100k petitions and 1M signatures by default, and 50k news stories) is generated
once per size and schema, then kept in var/bench/ (SQLite: a file copied for each run;
PostgreSQL: the database is reused while it holds the same data). Everything runs on
127.0.0.1 and each phase is bounded by --seconds. The load generator is wrk (C,
event-driven), so the server, not the client, is what is measured; on a small machine
both share the cores.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LUA = ROOT / "bench" / "lua"
VAR = ROOT / "var" / "bench"
SECRET = "bench-only-secret-" + "x" * 40
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/clarion_bench"
# Bump when the generated data changes shape, so cached files are rebuilt.
DATA_VERSION = 4
# News stories beside the petitions: about a year of a busy news desk. Search lists the
# ones whose title matches, so a search reads them too.
STORIES = 50_000

# Words petitions are made of. The topical ones are frequent (a search for them matches
# thousands of petitions), the made-up ones rare: queries cover both ends.
TOPICS = [
    "water", "housing", "rent", "hospital", "school", "teachers", "rail", "climate",
    "pollution", "river", "wildfire", "transparency", "privacy", "wages", "strike",
    "library", "bus", "flood", "drought", "energy",
]  # fmt: skip
SYLLABLES = ["ka", "lo", "mi", "ren", "ta", "vo", "shi", "ped", "ul", "an", "dor", "bez", "quo"]
SEARCH_QUERIES = [
    "water",  # frequent: thousands of matches to rank
    "housing rent",
    "clim",  # a prefix, as people type
    "hospital closure",
    "river pollution",
    "teachers",
    "kalomi",  # made-up words: few matches
    "renta vobez",
    "privacy data",
    "energy",
]


def _rng(seed: int):
    import random

    return random.Random(seed)


def _word(rng) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def _sentence(rng, words: int) -> str:
    out = []
    for _ in range(words):
        out.append(rng.choice(TOPICS) if rng.random() < 0.05 else _word(rng))
    return " ".join(out)


# --- environment --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _schema_fingerprint() -> str:
    names = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "clarion").glob("*/migrations/0*.py"))
    return hashlib.sha256(f"{DATA_VERSION}:{names}".encode()).hexdigest()[:10]


def _check_database(url: str) -> str | None:
    """Why this database can't be used, or None. Creates a missing PostgreSQL database."""
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (PostgreSQL support is being added on branch pg)"
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def _check_redis(url: str) -> str | None:
    """Why this Redis can't be used, or None."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _django(database_url: str, var_dir: Path, redis_url: str = "") -> None:
    if redis_url:
        # The cache, rate limits, locks and queue in Redis, as a site that outgrew one
        # machine runs them; a prefix of its own keeps the bench's keys apart.
        os.environ.update({"REDIS_URL": redis_url, "CLARION_REDIS_PREFIX": "clarion-bench"})
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": SECRET,
            "CLARION_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "outbox://",
            "DJANGO_SETTINGS_MODULE": "clarion.settings",
            # As the server: one proxy hop trusted, for the in-process signing phase.
            "CLARION_TRUSTED_PROXIES": "1",
        }
    )
    import django

    django.setup()


# --- data ---------------------------------------------------------------------------


def _generate(petitions: int, signatures: int) -> None:
    """Bulk-write the data set in one transaction, then index it for search."""
    from django.db import connection, transaction

    from clarion.news.models import Story
    from clarion.petitions import search
    from clarion.petitions.models import Demand, Petition, Signature
    from clarion.taxonomy.models import Category, Target

    rng = _rng(petitions * 7 + signatures)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with transaction.atomic():
        categories = Category.objects.bulk_create(
            Category(name=f"{topic.title()} {n}", slug=f"{topic}-{n}")
            for n, topic in enumerate(TOPICS)
        )
        targets = Target.objects.bulk_create(
            Target(name=f"Ministry of {_word(rng).title()} {n}", country="GB") for n in range(50)
        )
        # Signatures: a few petitions hold most of them, as in life; every petition
        # gets at least none. The first two are the page and signing benchmarks' own.
        weights = [1.0 / (i + 1) ** 0.8 for i in range(petitions)]
        total = sum(weights)
        per_petition = [int(signatures * w / total) for w in weights]
        per_petition[0] += signatures - sum(per_petition)
        batch: list[Petition] = []
        for i in range(petitions):
            slug = {0: "bench-page", 1: "bench-sign"}.get(i, f"p{i}")
            published = now - timedelta(minutes=i)
            batch.append(
                Petition(
                    title=_sentence(rng, 7).capitalize(),
                    slug=slug,
                    goal=f"We call on the ministry to act on {_sentence(rng, 20)}.",
                    narrative=f"{_sentence(rng, 30)}.\n\n- {_sentence(rng, 8)}\n- "
                    f"{_sentence(rng, 8)}\n\n**{_sentence(rng, 6)}**.",
                    countries=["GB"],
                    status=Petition.Status.PUBLISHED,
                    published_at=published,
                    updated_at=published,
                    created_at=published,
                    signature_goal=1000,
                    signature_count=per_petition[i],
                    related_headline=_sentence(rng, 8).capitalize(),
                    related_outlet="Bench Times",
                )
            )
            if len(batch) == 5000:
                Petition.objects.bulk_create(batch)
                batch = []
        Petition.objects.bulk_create(batch)
        Story.objects.bulk_create(
            (
                Story(
                    title=_sentence(rng, 9).capitalize(),
                    first_published_at=now - timedelta(minutes=10 * n + 5),
                    last_published_at=now - timedelta(minutes=10 * n),
                )
                for n in range(STORIES)
            ),
            batch_size=5000,
        )
        ids = list(Petition.objects.order_by("pk").values_list("pk", flat=True))
        Demand.objects.bulk_create(
            (
                Demand(petition_id=pid, position=n, text=_sentence(rng, 10).capitalize())
                for pid in ids
                for n in (1, 2)
            ),
            batch_size=5000,
        )
        through_c = Petition.categories.through
        through_c.objects.bulk_create(
            (through_c(petition_id=pid, category_id=rng.choice(categories).pk) for pid in ids),
            batch_size=5000,
        )
        through_t = Petition.targets.through
        through_t.objects.bulk_create(
            (through_t(petition_id=pid, target_id=rng.choice(targets).pk) for pid in ids),
            batch_size=5000,
        )
        # Signatures through executemany: a million model instances would cost more
        # than the inserts themselves.
        table = connection.ops.quote_name(Signature._meta.db_table)
        columns = (
            "petition_id, full_name, email, email_normalised, country, postcode, comment, "
            "show_name, wants_updates, language, ip_hash, created_at, confirmed_at, "
            "token_hash, token_expires_at, count_pending, held, review, hold_reason, hold_detail, "
            "contact_by_organiser, source"
        )
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 22)})"  # noqa: S608
        expires = now + timedelta(days=3)

        def rows():
            n = 0
            for pid, count in zip(ids, per_petition, strict=True):
                for k in range(count):
                    n += 1
                    email = f"s{n}@example.org"
                    when = now - timedelta(seconds=k * 7)
                    yield (
                        pid, f"Signer {n}", email, email, "GB", "", "Count me in." if k % 5 else "",
                        k % 3 == 0, False, "en", "", when, when, f"{n:064x}", expires,
                        False,  # already counted: the petitions' counts are set above
                        False, "clear", "", "",  # not held by the abuse controls
                        False, "",  # no organiser contact, no ?source= tag
                    )  # fmt: skip

        with connection.cursor() as cursor:
            chunk: list[tuple] = []
            for row in rows():
                chunk.append(row)
                if len(chunk) == 20000:
                    cursor.executemany(sql, chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
    written = time.perf_counter()
    # The real index path, petition by petition, as publishing does.
    with transaction.atomic():
        for start in range(0, len(ids), 2000):
            chunk_ids = ids[start : start + 2000]
            for petition in Petition.objects.filter(pk__in=chunk_ids).prefetch_related(
                "demands", "targets", "categories"
            ):
                search.index_petition(petition)
    # Fresh statistics, as a live site's autovacuum (or SQLite's optimize) would have:
    # without them PostgreSQL plans for 200 public petitions instead of 100,000.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  generated {petitions:,} petitions, {signatures:,} signatures and "
        f"{STORIES:,} news stories in "
        f"{written - started:.0f} s, indexed for search in {time.perf_counter() - written:.0f} s",
        flush=True,
    )


def _prepare(args, url: str, var_dir: Path) -> None:
    """Point Django at a database holding the data set, generating it if needed."""
    from django.core.management import call_command

    fingerprint = _schema_fingerprint()
    if url.startswith("sqlite"):
        working = Path(urllib.parse.urlsplit(url).path)
        cached = VAR / f"data-{args.petitions}-{args.signatures}-{fingerprint}.sqlite3"
        for path in working.parent.glob(working.name + "*"):
            path.unlink()
        if cached.exists():
            shutil.copyfile(cached, working)
            print(f"  data: {cached.relative_to(ROOT)} (cached; delete it to regenerate)")
            return
        from django.conf import settings

        # No checkpoint thread in this process: switching the journal mode below needs
        # the file to itself (the server it starts later checkpoints as configured).
        settings.CLARION_SQLITE_CHECKPOINT_SECONDS = 0
        call_command("migrate", verbosity=0)
        from django.db import connection

        with connection.cursor() as cursor:
            # A throwaway file until it is complete: no journal and no syncing, so the
            # data is written once instead of to the WAL and then again to the file.
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
        _generate(args.petitions, args.signatures)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
        connection.close()
        shutil.copyfile(working, cached.with_suffix(".partial"))
        cached.with_suffix(".partial").rename(cached)
        print(f"  data cached in {cached.relative_to(ROOT)}")
        return
    call_command("migrate", verbosity=0)
    from clarion.petitions.models import Petition, Signature

    marker = f"bench-{fingerprint}"
    have = (Petition.objects.count(), Signature.objects.count())
    first = Petition.objects.filter(slug="bench-page").values_list("related_outlet", flat=True)
    if have == (args.petitions, args.signatures) and list(first) == [marker]:
        print("  data: already in this database")
        return
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    _generate(args.petitions, args.signatures)
    Petition.objects.filter(slug="bench-page").update(related_outlet=marker)


# --- the server and wrk -------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    log: Path

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _serve(args, url: str, var_dir: Path) -> Server:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "CLARION_BASE_URL": base,
        "DATABASE_URL": url,
        # As behind one reverse proxy: sign.lua sends each signature from its own
        # address in X-Forwarded-For, as a crowd would, so the abuse controls' per-IP
        # limits see many signers (and do their per-signature work) instead of holding
        # everything from loopback as one source over the limit.
        "CLARION_TRUSTED_PROXIES": "1",
    }
    for name, value in (("WEB_CONCURRENCY", args.workers), ("WEB_THREADS", args.threads)):
        if value:
            env[name] = str(value)
    log = var_dir / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "clarion.manage", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.read() == b"ok":
                    return Server(process, base, log)
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit(f"the server did not start:\n{log.read_text()[-3000:]}")


@dataclass
class Result:
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int


def _wrk(
    url: str, seconds: int, connections: int, script: str, *script_args: str
) -> dict[str, float]:
    threads = min(2, connections)
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(LUA / script), url, "--", *script_args,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("CLARION ")), None)
    if line is None:
        sys.exit(f"wrk failed:\n{out.stdout}\n{out.stderr}")
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


def _load(url: str, seconds: int, connections: int, script: str = "stats.lua", *extra) -> Result:
    r = _wrk(url, seconds, connections, script, *extra)
    return Result(
        rate=r["requests"] / (r["duration_us"] / 1e6),
        p50_ms=r["p50_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        requests=int(r["requests"]),
        bad=int(r["non2xx"] + r["socket_errors"]),
    )


class Profiler:
    """py-spy on every server process for one phase; prints where the time went."""

    def __init__(self, args, server: Server, var_dir: Path) -> None:
        self.enabled = args.profile
        self.server, self.var_dir, self.seconds = server, var_dir, args.seconds
        self.process: subprocess.Popen | None = None
        self.path: Path | None = None
        self.spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if self.enabled and not Path(self.spy).exists():
            sys.exit("--profile needs py-spy: .venv/bin/pip install py-spy")

    def start(self, phase: str) -> None:
        if not self.enabled:
            return
        self.path = self.var_dir / f"profile-{phase}.txt"
        self.process = subprocess.Popen(
            [
                *[self.spy, "record", "--pid", str(self.server.process.pid), "--subprocesses"],
                *["--format", "raw", "--duration", str(self.seconds), "--rate", "200"],
                *["--nonblocking", "--output", str(self.path)],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.process is None or self.path is None:
            return
        self.process.wait(timeout=self.seconds + 30)
        self.process = None
        print(_profile_summary(self.path), flush=True)


_SHORT_PATH = re.compile(r" \(.*/(site-packages|wt-[^/]+|lib/python3\.\d+)/")


def _profile_summary(path: Path, top: int = 14) -> str:
    if not path.exists():
        return f"    (no profile written to {path})"
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _sep, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_SHORT_PATH.sub(" (", f) for f in stack.split(";")]
        frames = [f for f in frames if not f.startswith("process ")]
        if not frames:
            continue
        total += n
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
    if not total:
        return "    (empty profile)"
    lines = [f"    profile ({total} samples, {path.relative_to(ROOT)}): own time"]
    for frame, n in sorted(own.items(), key=lambda kv: -kv[1])[:8]:
        lines.append(f"      {100 * n / total:5.1f}%  {frame}")
    lines.append("    inclusive (below 90%):")
    rows = [(f, n) for f, n in inclusive.items() if n < 0.9 * total]
    for frame, n in sorted(rows, key=lambda kv: -kv[1])[:top]:
        lines.append(f"      {100 * n / total:5.1f}%  {frame}")
    return "\n".join(lines)


# --- phases -------------------------------------------------------------------------


def form_token_in(html: str) -> str | None:
    """The sign form's token in a page's HTML, as a browser reads it (no cookie needed)."""
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    return found[1] if found else None


def _form_token(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        token = form_token_in(response.read().decode())
    if token is None:
        sys.exit(f"no sign form at {path}")
    return token


def _sign(args, server: Server, profiler: Profiler) -> tuple[float, str]:
    from clarion.petitions.models import Signature

    token = _form_token(server.base, "/p/bench-sign/")
    run = datetime.now(UTC).strftime("%H%M%S")
    profiler.start("sign")
    r = _wrk(
        server.base + "/", args.seconds + 5, args.connections, "sign.lua",
        "/p/bench-sign/sign/", token, run, str(args.seconds),
    )  # fmt: skip
    profiler.stop()
    ours = Signature.objects.filter(email__startswith=f"b{run}-")
    stored, held = ours.count(), ours.filter(held=True).count()
    acked, failed = int(r["acked"]), int(r["failed"] + r["socket_errors"])
    verdict = (
        f"verified: {acked:,} acknowledged (302) = {stored:,} stored ({held:,} held as suspect)"
        if stored == acked
        else f"MISMATCH: {acked:,} acknowledged (302) but {stored:,} stored"
    )
    if failed:
        verdict += f"; {failed:,} answered otherwise or lost"
    _settle(run)
    return acked / r["seconds"] if r["seconds"] else 0.0, verdict


def _wsgi_call(app, method: str, path: str, body: bytes = b"", **headers: str):
    """One request straight into the WSGI application: (status line, body)."""
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded" if body else "",
        **headers,
    }  # fmt: skip
    status: list[str] = []
    content = b"".join(app(environ, lambda line, _headers, _exc=None: status.append(line)))
    return status[0], content


@dataclass(frozen=True)
class _Direct:
    """What a process of the app-alone phase needs: its database, its place, its time."""

    url: str
    var_dir: Path
    redis_url: str
    run: str
    processes: int
    index: int
    seconds: float


def _sign_directly(job: _Direct, ready, go, results) -> None:
    """Sign in a loop through the WSGI application, no server: one process's counts.

    A process of its own, started afresh (spawned, not forked: the parent has threads,
    a checkpointing one among them, and a fork can copy a lock one of them holds).
    """
    done = failed = 0
    try:
        _django(job.url, job.var_dir, job.redis_url)
        from django.core.handlers.wsgi import WSGIHandler

        app = WSGIHandler()
        status, html = _wsgi_call(app, "GET", "/p/bench-sign/")
        token = form_token_in(html.decode())
        if token is None:
            raise RuntimeError(f"no sign form at /p/bench-sign/ ({status})")

        def sign(n: int, email: str) -> bool:
            body = urllib.parse.urlencode(
                {"form_token": token, "full_name": f"Bench Signer {n}", "email": email,
                 "country": "GB", "postcode": "SW1A 1AA", "comment": "", "show_name": "on"}
            ).encode()  # fmt: skip
            # Each signature from its own address, as sign.lua sends them.
            address = f"10.{100 + job.index}.{n // 256 % 256}.{n % 256}"
            status = _wsgi_call(
                app, "POST", "/p/bench-sign/sign/", body, HTTP_X_FORWARDED_FOR=address
            )
            return status[0].startswith(("302", "303"))

        prefix = f"b{job.run}-"
        for n in range(20):  # warm: templates, caches, the statements' plans
            sign(50_000 + n, f"{prefix}warm{job.processes}-{job.index}-{n}@example.org")
        ready.put(job.index)
        go.wait(120)
        deadline = time.monotonic() + job.seconds
        while time.monotonic() < deadline:
            n = done + failed
            if sign(n, f"{prefix}d{job.processes}-{job.index}-{n}@example.org"):
                done += 1
            else:
                failed += 1
    except Exception as exc:  # reported by the parent, which stops the bench
        ready.put(job.index)
        results.put(f"{type(exc).__name__}: {exc}")
        return
    results.put((done, failed))


def _sign_in_process(args, url: str, var_dir: Path) -> list[str]:
    """Signing capacity of the application alone: WSGI calls in one process, then in
    one per core at once, with no HTTP server and no wrk. The HTTP figure can't exceed
    the second on this machine, whatever the server in front."""
    import multiprocessing

    from django.core.management import call_command

    from clarion.petitions.models import Signature

    call_command("collectstatic", interactive=False, verbosity=0)
    run = datetime.now(UTC).strftime("%H%M%S") + "a"
    context = multiprocessing.get_context("spawn")
    lines: list[str] = []
    one = 0.0
    for processes in sorted({1, os.cpu_count() or 1}):
        ready, go, results = context.Queue(), context.Event(), context.Queue()
        jobs = [
            _Direct(url, var_dir, args.redis_url, run, processes, i, args.seconds)
            for i in range(processes)
        ]
        workers = [
            context.Process(target=_sign_directly, args=(job, ready, go, results)) for job in jobs
        ]
        for worker in workers:
            worker.start()
        for _ in workers:  # each warmed up and waiting
            _from(ready, workers, 120)
        go.set()
        counts = [_from(results, workers, args.seconds + 120) for _ in workers]
        for worker in workers:
            worker.join(30)
        failed = [count for count in counts if isinstance(count, str)]
        if failed:
            sys.exit(f"signing in-process failed: {failed[0]}")
        acked, refused = (sum(count[i] for count in counts) for i in (0, 1))
        ours = Signature.objects.filter(email__startswith=f"b{run}-d{processes}-")
        stored, held = ours.count(), ours.filter(held=True).count()
        rate = acked / args.seconds
        one = one or rate
        verdict = (
            f"verified: {acked:,} acknowledged = {stored:,} stored ({held:,} held as suspect)"
            if stored == acked
            else f"MISMATCH: {acked:,} acknowledged but {stored:,} stored"
        )
        if refused:
            verdict += f"; {refused:,} answered otherwise"
        scale = f" = {rate / one:.2f} x one process;" if processes > 1 and one else ";"
        lines.append(
            f"  signing, the app alone @{processes:<2} {rate:9,.0f} submissions/s{scale} {verdict}"
        )
    lines.append("    (the app alone: WSGI calls from that many processes, no HTTP server, no wrk)")
    _settle(run)
    return lines


def _from(queue, workers, seconds: float):
    """The next item from ``queue``; stops the bench if a worker died without one."""
    import queue as queues

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return queue.get(timeout=1)
        except queues.Empty:
            dead = [w for w in workers if w.exitcode not in (None, 0)]
            if dead:
                sys.exit(f"signing in-process: a process died (exit code {dead[0].exitcode})")
    sys.exit(f"signing in-process: no answer within {seconds:g} s")


def _settle(run: str) -> None:
    """Undo the signing phase before the next is measured: its signatures and their
    queued emails deleted, then on PostgreSQL the tables vacuumed (the thousands of rows
    written and deleted would otherwise bring autovacuum into the search phase), on
    SQLite the log copied back into the file now rather than then."""
    from django.db import DatabaseError, connection

    from clarion.core.models import OutboxMessage
    from clarion.petitions.models import Signature

    Signature.objects.filter(email__startswith=f"b{run}-").delete()
    OutboxMessage.objects.filter(to__startswith=f"b{run}-").delete()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Signature, OutboxMessage):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
            # The pages those writes dirtied, written out now (needs a superuser, as the
            # bench's default URL is; elsewhere the server's own checkpoints run).
            with contextlib.suppress(DatabaseError):
                cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _search_available() -> str | None:
    """Why search can't be measured on this database, or None.

    A made-up word from one petition must be found; its few matches keep this check
    quick whatever the query planner does with common words.
    """
    from clarion.petitions import search, selectors
    from clarion.petitions.models import Petition

    title = Petition.objects.filter(slug="bench-page").values_list("title", flat=True).first()
    word = max(re.findall(r"\w+", title or ""), key=len, default="")
    found = search.search(word, selectors.public_petitions(), offset=0, limit=1)
    if found.total == 0:
        return "the search index gives no results on this database (search.py has no branch for it)"
    return None


def _fmt(r: Result) -> str:
    return f"{r.rate:9,.0f}/s  p50 {r.p50_ms:6.1f} ms  p99 {r.p99_ms:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: a SQLite file in var/bench/")
    parser.add_argument(
        "--redis-url", default="", help="cache, limits, locks and queue in this Redis"
    )
    parser.add_argument("--seconds", type=int, default=10, help="length of each phase")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--search-connections",
        type=int,
        default=1,
        help="1 (default) measures a search's own latency; more shows queueing on the cores",
    )
    parser.add_argument("--petitions", type=int, default=100_000)
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=0, help="WEB_CONCURRENCY for the server")
    parser.add_argument("--threads", type=int, default=0, help="WEB_THREADS for the server")
    parser.add_argument(
        "--phases",
        default="healthz,page,sign,search,app",
        help="comma-separated subset to run (app: signing in-process, no HTTP)",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy each phase's server")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: `make bench` installs it (Debian: apt-get install wrk)")

    url = args.database_url or f"sqlite:///{VAR / 'work.sqlite3'}"
    kind = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    VAR.mkdir(parents=True, exist_ok=True)
    var_dir = VAR / ("run-pg" if kind == "PostgreSQL" else "run-sqlite")
    var_dir.mkdir(exist_ok=True)
    shown_url = re.sub(r"//[^@/]*@", "//", url)
    with_redis = (
        f" with Redis ({re.sub(r'//[^@/]*@', '//', args.redis_url)})" if args.redis_url else ""
    )
    print(f"== Clarion web bench on {kind} ({shown_url}){with_redis}", flush=True)
    problem = _check_database(url)
    if problem:
        print(f"  {kind} is not usable here, skipped: {problem}")
        return
    if args.redis_url:
        problem = _check_redis(args.redis_url)
        if problem:
            print(f"  Redis is not usable here, skipped: {problem}")
            return
    _django(url, var_dir, args.redis_url)
    try:
        _prepare(args, url, var_dir)
    except Exception as exc:
        if kind == "SQLite":
            raise
        # On branch serve PostgreSQL may not migrate yet: say so instead of a traceback.
        print(f"  {kind} is not usable here, skipped: {type(exc).__name__}: {exc}")
        return
    from django.db import connection

    connection.close()
    if phases == {"app"}:
        print("\n".join(_sign_in_process(args, url, var_dir)), flush=True)
        return
    server = _serve(args, url, var_dir)
    try:
        from django.conf import settings

        workers = args.workers or settings.WEB_CONCURRENCY
        threads = args.threads or settings.WEB_THREADS
        load = os.getloadavg()[0]
        print(
            f"  server: clarion serve, gunicorn {workers} worker(s) x {threads} thread(s); "
            f"wrk {min(2, args.connections)} threads; {args.seconds:g} s per phase; "
            f"{os.cpu_count()} cores, load average {load:.1f} before the run",
            flush=True,
        )
        profiler = Profiler(args, server, var_dir)
        base = server.base
        # Warm up: every worker imports its templates and fills its caches.
        _load(base + "/healthz", 1, args.connections)
        _load(base + "/p/bench-page/", 1, args.connections)
        results: list[str] = []
        healthz = None
        if phases & {"healthz", "page", "sign"}:
            profiler.start("healthz")
            healthz = _load(base + "/healthz", args.seconds, args.connections)
            profiler.stop()
        page = None
        if "page" in phases and healthz:
            profiler.start("page")
            page = _load(base + "/p/bench-page/", args.seconds, args.connections)
            profiler.stop()
        signing = _sign(args, server, profiler) if "sign" in phases and healthz else None
        if healthz:
            # Measured again after the other phases: on a shared machine the rate drifts
            # (a run here had /healthz at half the rate of the next one), so each share
            # is of the higher of the two, and both are printed.
            again = (
                _load(base + "/healthz", args.seconds, args.connections)
                if (page or signing)
                else healthz
            )
            top = max(healthz.rate, again.rate)
            results.append(f"  baseline /healthz @{args.connections:<3}   {_fmt(healthz)}")
            if again is not healthz:
                results.append(f"    again at the end       {_fmt(again)}")
            if page:
                bad = f"  ({page.bad} bad answers)" if page.bad else ""
                results.append(
                    f"  petition page @{args.connections:<3}     {_fmt(page)}   = "
                    f"{100 * page.rate / top:.0f}% of /healthz{bad}"
                )
            if signing:
                rate, verdict = signing
                results.append(
                    f"  signing @{args.connections:<3}           {rate:9,.0f} submissions/s"
                    f"                  = {100 * rate / top:.0f}% of /healthz; {verdict}"
                )
        if "search" in phases:
            missing = _search_available()
            if missing:
                results.append(f"  search: not measured, {missing}")
            else:
                queries = [urllib.parse.quote_plus(q) for q in SEARCH_QUERIES]
                c = args.search_connections
                base_small = _load(base + "/healthz", args.seconds, c)
                profiler.start("search")
                found = _load(base + "/", args.seconds, c, "search.lua", *queries)
                profiler.stop()
                data = (
                    f"over {args.petitions:,} petitions, {args.signatures:,} signatures, "
                    f"{STORIES:,} stories"
                )
                if found.requests == 0:
                    results.append(
                        f"  search page @{c:<3}       no answer within wrk's 10 s timeout in "
                        f"{args.seconds} s ({data})"
                    )
                else:
                    bad = f", {found.bad} bad answers or timeouts" if found.bad else ""
                    results.append(
                        f"  search page @{c:<3}       {_fmt(found)}   {data}; "
                        f"{len(queries)} queries in turn{bad}"
                    )
                results.append(f"    baseline /healthz @{c:<3} {_fmt(base_small)}")
        print("\n".join(results), flush=True)
    finally:
        server.stop()
    if "app" in phases:
        # With the server stopped, so the cores are the app's alone.
        print("\n".join(_sign_in_process(args, url, var_dir)), flush=True)


if __name__ == "__main__":
    main()
