"""Score the news desk on real coverage: `make eval-news` (or `python eval/news/run.py`).

    .venv/bin/python eval/news/run.py [--half a|b|all] [--verbose] [--keep]

Every outlet of the labelled set (eval/news/events/*.json, see README.md there) is
served as its own RSS feed on a loopback port. A fresh SQLite database in a temporary
directory then goes through the real pipeline, each step its own `clarion` process as
an operator would run it: `clarion migrate`, `clarion feeds add URL --name OUTLET` for
every feed, `clarion ingest --once`. The stories, articles and drafts it leaves are
then read back and scored against the labels:

- stories: B-cubed precision, recall and F1 against the `event` labels (per article:
  the share of its story that is its event, and the share of its event in its story);
- countries: per article, the countries of the story it landed in against the
  article's labelled countries, micro-averaged over articles (the article's own
  tagged countries are shown beside, for diagnosis);
- targets: the share of drafts with a target that is one of the responsible
  institutions labelled for the story's event (by name or alias, accents and case
  folded), and the share of all draft targets that are;
- draft checks: `eval/news/draft_checks.py` (`draft_problems(petition, language)`),
  when it exists;
- outlets and authors: whether each article credits the outlet by name and shows the
  byline without an email address.

With --half a or b only that half's articles are served; with all (the default)
every article is served in one run and each half is scored inside it, so a story
that mixes halves counts against both.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EVENTS = HERE / "events"
CLARION = ROOT / ".venv" / "bin" / "clarion"
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Labelled:
    event: str
    half: str
    outlet: str
    domain: str
    language: str
    published: datetime
    author: str
    headline: str
    link: str
    text: str
    countries: frozenset[str]


@dataclass
class Event:
    slug: str
    half: str
    countries: frozenset[str]
    institutions: list[dict]
    distractor: dict | None
    articles: list[Labelled] = field(default_factory=list)


def load_events(half: str) -> dict[str, Event]:
    events: dict[str, Event] = {}
    for path in sorted(EVENTS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if half != "all" and data["half"] != half:
            continue
        event = Event(
            data["event"],
            data["half"],
            frozenset(data["countries"]),
            data["institutions"],
            data.get("distractor"),
        )
        for n, a in enumerate(data["articles"]):
            event.articles.append(
                Labelled(
                    event=event.slug,
                    half=event.half,
                    outlet=a["outlet"],
                    domain=a["domain"],
                    language=a["language"],
                    published=datetime.fromisoformat(a["published"]),
                    author=a.get("author", ""),
                    headline=a["headline"],
                    link=_link(a["url"], event.slug, n),
                    text=a["text"],
                    countries=frozenset(a["countries"]),
                )
            )
        events[event.slug] = event
    return events


def _link(url: str, event: str, n: int) -> str:
    """The article's address, made unique where the set only knows the home page.

    Several articles give the outlet's home page as their address (the real one was
    not kept); served as is, they would all be one URL and the pipeline would rightly
    keep only the first. A path under the same host keeps the outlet's domain.
    """
    parts = urlsplit(url)
    if parts.path in ("", "/") and not parts.query:
        return f"{parts.scheme}://{parts.netloc}/clarion-eval/{event}/{n}"
    return url


# --- serving the feeds ------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _item(article: Labelled) -> str:
    paragraphs = _paragraphs(article.text)
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    # RSS 2.0's <author> is an email address with the name in brackets; many outlets
    # fill it that way, so the eval checks that the reader only ever sees the name.
    author = (
        f"<author>newsdesk@{escape(article.domain)} ({escape(article.author)})</author>"
        if article.author
        else ""
    )
    return (
        f"<item><title>{escape(article.headline)}</title>"
        f"<link>{escape(article.link)}</link><guid>{escape(article.link)}</guid>"
        f"<pubDate>{format_datetime(article.published)}</pubDate>{author}"
        f"<description>{escape(paragraphs[0] if paragraphs else '')}</description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )


def build_feeds(events: dict[str, Event]) -> dict[str, tuple[str, bytes]]:
    """domain -> (outlet name, RSS bytes): one feed per outlet domain, newest first."""
    by_domain: dict[str, list[Labelled]] = defaultdict(list)
    for event in events.values():
        for article in event.articles:
            by_domain[article.domain].append(article)
    feeds = {}
    for domain, articles in sorted(by_domain.items()):
        articles.sort(key=lambda a: a.published, reverse=True)
        # The outlet's most frequent name in the set ("Associated Press" over "AP").
        name = Counter(a.outlet for a in articles).most_common(1)[0][0]
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>{escape(name)}</title><link>https://{escape(domain)}/</link>"
            f"<description>{escape(name)}</description>"
            + "".join(_item(a) for a in articles)
            + "</channel></rss>"
        )
        feeds[domain] = (name, xml.encode("utf-8"))
    return feeds


def serve(feeds: dict[str, tuple[str, bytes]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            domain = self.path.removeprefix("/feeds/").removesuffix(".xml")
            if domain not in feeds:
                self.send_error(404)
                return
            body = feeds[domain][1]
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- running the pipeline -----------------------------------------------------------


def pipeline_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SECRET_KEY="eval-only",  # noqa: S106 - a throwaway database's key
        DEBUG="0",
        CLARION_VAR_DIR=str(workdir),
        DATABASE_URL=f"sqlite:///{workdir}/eval.sqlite3",
        LOG_LEVEL="WARNING",
        # The feeds are on loopback, which a guarded fetcher refuses by default.
        CLARION_FETCH_ALLOW_PRIVATE="1",
        # Every item carries its full text; the article pages are not served.
        CLARION_EXTRACT_TEXT="0",
        CLARION_LLM_URL="",
        REDIS_URL="",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _clarion(env: dict[str, str], *args: str) -> str:
    t0 = time.perf_counter()
    try:
        return _clarion_run(env, *args)
    finally:
        if os.environ.get("EVAL_TIMING"):
            print(f"  {time.perf_counter() - t0:6.2f}s clarion {' '.join(args[:2])}", flush=True)


def _clarion_run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own clarion, fixed arguments
        [str(CLARION), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"clarion {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def run_pipeline(feeds: dict[str, tuple[str, bytes]], base: str, env: dict[str, str]) -> str:
    _clarion(env, "migrate", "--noinput")
    # `clarion feeds add URL --name OUTLET` for every feed: the command itself, run
    # through call_command inside one `clarion shell` process, because a process per
    # feed spends a second or more starting Django, eighty times over.
    adds = [(f"{base}/feeds/{domain}.xml", name) for domain, (name, _body) in feeds.items()]
    script = (
        "from django.core.management import call_command\n"
        f"for url, name in {adds!r}:\n"
        "    call_command('feeds', 'add', url, '--name', name)\n"
    )
    _clarion(env, "shell", "--no-startup", "--command", script)
    return _clarion(env, "ingest", "--once")


# --- scoring ------------------------------------------------------------------------


def fold_name(text: str) -> str:
    from clarion.news.textnorm import fold

    return " ".join(re.findall(r"[^\W_]+", fold(text)))


def bcubed(items: list[str], story_of: dict[str, int], event_of: dict[str, str]) -> tuple:
    """B-cubed precision, recall, F1 of the items' stories against their events.

    Stories and events are counted over every served article, so a story that mixes
    halves costs precision in both; only the averaging runs over ``items``.
    """
    members: dict[int, set[str]] = defaultdict(set)
    for url, story in story_of.items():
        members[story].add(url)
    by_event: dict[str, set[str]] = defaultdict(set)
    for url, event in event_of.items():
        by_event[event].add(url)
    precision = recall = 0.0
    for url in items:
        cluster = members[story_of[url]]
        same = len(cluster & by_event[event_of[url]])
        precision += same / len(cluster)
        recall += same / len(by_event[event_of[url]])
    n = len(items) or 1
    return _prf(precision / n, recall / n)


def _prf(p: float, r: float) -> tuple[float, float, float]:
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def micro(pairs: list[tuple[set[str], set[str]]]) -> tuple[float, float, float]:
    """Micro-averaged precision, recall, F1 of predicted against gold sets."""
    tp = sum(len(p & g) for p, g in pairs)
    fp = sum(len(p - g) for p, g in pairs)
    fn = sum(len(g - p) for p, g in pairs)
    return _prf(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)


def institution_names(event: Event) -> dict[str, str]:
    """Folded name or alias -> the institution's name."""
    names = {}
    for inst in event.institutions:
        for alias in [inst["name"], *inst.get("aliases", [])]:
            names[fold_name(alias)] = inst["name"]
    return names


def matches_institution(target: str, names: dict[str, str]) -> str:
    """The labelled institution a draft target names, or "".

    Equal once folded, or one holds the other as whole words when the shorter has at
    least two words ("the Generalitat Valenciana", "Thames Water Utilities").
    """
    folded = fold_name(target)
    if folded in names:
        return names[folded]
    for alias, name in names.items():
        shorter, longer = sorted((alias, folded), key=len)
        if len(shorter.split()) >= 2 and f" {shorter} " in f" {longer} ":
            return name
    return ""


def _draft_checker():
    path = HERE / "draft_checks.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("clarion_eval_draft_checks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "draft_problems", None)


@dataclass
class Scores:
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def score(events: dict[str, Event], half: str, verbose: bool) -> Scores:
    from clarion.news.models import Article
    from clarion.news.parse import canonical_url

    labelled = {canonical_url(a.link): a for e in events.values() for a in e.articles}
    stored = {
        a.url: a for a in Article.objects.select_related("story").filter(url__in=list(labelled))
    }
    # An article the pipeline did not store stands alone, as a story of its own.
    story_of: dict[str, int] = {}
    for n, url in enumerate(labelled):
        article = stored.get(url)
        story_of[url] = article.story_id if article and article.story_id else -1 - n
    halves = ["a", "b", "all"] if half == "all" else [half]
    out = Scores()
    checker = _draft_checker()
    if checker is None:
        out.lines.append("draft checks: skipped (eval/news/draft_checks.py does not exist yet)")
    header = (
        f"{'half':<5}{'articles':>9}{'stories':>8} | {'B3 P':>6}{'B3 R':>6}{'B3 F1':>6} | "
        f"{'ctry P':>7}{'ctry R':>7}{'ctry F1':>8} | {'art P':>6}{'art R':>6}{'art F1':>7} | "
        f"{'drafts':>6}{'target':>7}{'tgt P':>6} | {'checks':>7}"
    )
    out.lines.append(header)
    for which in halves:
        items = [u for u, a in labelled.items() if which in ("all", a.half)]
        out.lines.append(_half_line(which, items, labelled, stored, story_of, events, checker))
    out.failures = _failures(labelled, stored, story_of, events, checker, verbose)
    missing = [u for u in labelled if u not in stored]
    if missing:
        out.failures.insert(0, f"not stored: {len(missing)} articles: {missing[:5]}")
    return out


def _drafts_of(items: list[str], stored: dict, labelled: dict) -> list:
    """(story, majority event) for every story with a draft among the items."""
    seen = {}
    for url in items:
        article = stored.get(url)
        if article and article.story_id and article.story.petition_id:
            seen[article.story_id] = article.story
    drafts = []
    for story in seen.values():
        events = Counter(labelled[a.url].event for a in story.articles.all() if a.url in labelled)
        drafts.append((story, events.most_common(1)[0][0]))
    return drafts


def _target_scores(drafts: list, events: dict[str, Event]) -> tuple[int, int, int]:
    hit_drafts = good = total = 0
    for story, event in drafts:
        names = institution_names(events[event])
        targets = [t.name for t in story.petition.targets.all()]
        found = [t for t in targets if matches_institution(t, names)]
        hit_drafts += bool(found)
        good += len(found)
        total += len(targets)
    return hit_drafts, good, total


def _check_draft(checker, story) -> list[str]:
    try:
        return list(checker(story.petition, story.language))
    except Exception as exc:  # a broken check is a result to show, not a crash
        return [f"draft_problems raised {type(exc).__name__}: {exc}"]


def _half_line(which, items, labelled, stored, story_of, events, checker) -> str:
    p, r, f = bcubed(items, story_of, {u: a.event for u, a in labelled.items()})
    story_countries = {}
    pairs, own = [], []
    for url in items:
        article = stored.get(url)
        gold = set(labelled[url].countries)
        if article is None:
            pairs.append((set(), gold))
            own.append((set(), gold))
            continue
        if article.story_id not in story_countries:
            story_countries[article.story_id] = {str(c) for c in article.story.countries}
        pairs.append((story_countries[article.story_id], gold))
        own.append(({str(c) for c in article.countries}, gold))
    cp, cr, cf = micro(pairs)
    ap, ar, af = micro(own)
    drafts = _drafts_of(items, stored, labelled)
    hit, good, total = _target_scores(drafts, events)
    target = f"{hit / len(drafts):.0%}" if drafts else "-"
    target_p = f"{good / total:.0%}" if total else "-"
    if checker is None:
        checks = "skipped"
    else:
        passed = sum(not _check_draft(checker, story) for story, _e in drafts)
        checks = f"{passed}/{len(drafts)}"
    stories = len({story_of[u] for u in items})
    return (
        f"{which:<5}{len(items):>9}{stories:>8} | {p:6.3f}{r:6.3f}{f:6.3f} | "
        f"{cp:7.3f}{cr:7.3f}{cf:8.3f} | {ap:6.3f}{ar:6.3f}{af:7.3f} | "
        f"{len(drafts):>6}{target:>7}{target_p:>6} | {checks:>7}"
    )


def _failures(labelled, stored, story_of, events, checker, verbose) -> list[str]:
    lines: list[str] = []
    by_event: dict[str, Counter[int]] = defaultdict(Counter)
    by_story: dict[int, Counter[str]] = defaultdict(Counter)
    for url, a in labelled.items():
        by_event[a.event][story_of[url]] += 1
        by_story[story_of[url]][a.event] += 1
    titles = {a.story_id: a.story.title for a in stored.values() if a.story_id}
    for slug, stories in sorted(by_event.items()):
        if len(stories) > 1:
            parts = ", ".join(
                f"#{sid} x{n} {titles.get(sid, '(not stored)')[:60]!r}"
                for sid, n in stories.most_common()
            )
            lines.append(f"split  {slug} [{events[slug].half}] into {len(stories)}: {parts}")
    for sid, mix in sorted(by_story.items()):
        if len(mix) > 1:
            parts = ", ".join(f"{e} x{n}" for e, n in mix.most_common())
            lines.append(f"merged #{sid} {titles.get(sid, '')[:60]!r}: {parts}")
    lines += _country_failures(labelled, stored, events, verbose)
    lines += _draft_failures(labelled, stored, events, checker)
    lines += _byline_failures(labelled, stored)
    return lines


def _country_failures(labelled, stored, events, verbose) -> list[str]:
    lines = []
    for slug, event in sorted(events.items()):
        missed: Counter[str] = Counter()
        added: Counter[str] = Counter()
        for a in event.articles:
            from clarion.news.parse import canonical_url

            article = stored.get(canonical_url(a.link))
            got = {str(c) for c in article.story.countries} if article else set()
            missed.update(a.countries - got)
            added.update(got - a.countries)
            if verbose and article:
                own = {str(c) for c in article.countries}
                if own != set(a.countries):
                    lines.append(
                        f"  article countries {a.outlet}: tagged {sorted(own)}, "
                        f"labelled {sorted(a.countries)}"
                    )
        if missed or added:
            lines.append(
                f"countries {slug} [{event.half}]: missed {dict(missed)} added {dict(added)} "
                "(articles whose story has it / lacks it)"
            )
    return lines


def _draft_failures(labelled, stored, events, checker) -> list[str]:
    lines = []
    for story, event in _drafts_of(list(labelled), stored, labelled):
        names = institution_names(events[event])
        targets = [t.name for t in story.petition.targets.all()]
        if not any(matches_institution(t, names) for t in targets):
            lines.append(f"target {event}: draft #{story.petition_id} targets {targets}")
        if checker is not None:
            for problem in _check_draft(checker, story):
                lines.append(f"check  {event}: draft #{story.petition_id}: {problem}")
    return lines


def _byline_failures(labelled, stored) -> list[str]:
    lines = []
    for url, a in labelled.items():
        article = stored.get(url)
        if article is None:
            continue
        if "@" in article.author or (a.author and article.author != a.author):
            lines.append(f"byline {a.outlet}: shows {article.author!r}, expected {a.author!r}")
        if article.outlet_domain != a.domain.removeprefix("www."):
            lines.append(f"outlet {a.outlet}: domain {article.outlet_domain!r}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["a", "b", "all"], default="all")
    parser.add_argument("--verbose", action="store_true", help="show the stories and tags")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    events = load_events(args.half)
    feeds = build_feeds(events)
    server = serve(feeds)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    workdir = Path(tempfile.mkdtemp(prefix="clarion-eval-news-"))
    env = pipeline_env(workdir)
    started = time.perf_counter()
    report = run_pipeline(feeds, base, env)
    server.shutdown()
    elapsed = time.perf_counter() - started
    # Read the results in this process, with the same settings the pipeline used.
    for key in ("SECRET_KEY", "DEBUG", "LOG_LEVEL", "DATABASE_URL", "REDIS_URL"):
        os.environ[key] = env[key]
    os.environ.update({k: v for k, v in env.items() if k.startswith("CLARION_")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clarion.settings")
    import django

    django.setup()
    scores = score(events, args.half, args.verbose)
    count = sum(len(e.articles) for e in events.values())
    print(
        f"{len(events)} events, {count} articles, {len(feeds)} feeds; "
        f"pipeline {elapsed:.1f} s ({report.strip().splitlines()[-1]})"
    )
    print("\n".join(scores.lines))
    if scores.failures:
        print("\nFailures:")
        print("\n".join(scores.failures))
    if args.verbose:
        _print_stories()
    if args.keep:
        print(f"\ndatabase kept in {workdir}")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _print_stories() -> None:
    from clarion.news.models import Story

    print("\nStories:")
    for story in Story.objects.order_by("first_published_at"):
        countries = ",".join(str(c) for c in story.countries)
        print(f"#{story.pk} [{story.language}] {countries} {story.title[:90]}")
        for a in story.articles.order_by("published_at"):
            own = ",".join(str(c) for c in a.countries)
            print(f"    {a.language} {a.outlet_domain:<28} {own:<12} {a.headline[:70]}")


if __name__ == "__main__":
    sys.exit(main())
