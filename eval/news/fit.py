"""Fit story grouping's weights on half a: `.venv/bin/python eval/news/fit.py`.

The news desk decides whether an article joins a story from a handful of similarity
features (clarion.news.similarity.FEATURES). This script learns how much each one
counts, from labelled pairs, instead of guessing:

1. Half a's articles go through the real ingestion code, one at a time, in a fresh
   database; each is compared with the candidate stories the index finds, and every
   (features, same event?) pair is recorded. The article then joins the story of its
   own event (teacher forcing), so later articles see the stories as they should be.
2. That is done twice: with the real publication times, and with every event moved
   to start on the same day, so that each article also meets every other event of
   the half as a rival (the real set has few events in any one week).
3. A third pass adds synthetic events from bench/ingest.py: reports that share every
   everyday word and differ only in their names and figures, which is what a busy
   day of similar events looks like.

A logistic regression with balanced classes and a little L2 is fitted on the pairs;
the script prints WEIGHTS for clarion/news/similarity.py. Half b is never read.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))


def _setup() -> None:
    workdir = tempfile.mkdtemp(prefix="clarion-fit-")
    os.environ.update(
        SECRET_KEY="fit-only",  # noqa: S106 - a throwaway database's key
        DEBUG="0",
        CLARION_VAR_DIR=workdir,
        DATABASE_URL=f"sqlite:///{workdir}/fit.sqlite3",
        LOG_LEVEL="WARNING",
        REDIS_URL="",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clarion.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


Pair = tuple[dict[str, float], int]
Weighted = tuple[dict[str, float], int, float]


def _items(shift_to_common_start: bool) -> list[tuple[str, object]]:
    """(event, ParsedArticle) for half a, in feed order as the pipeline would see it."""
    from run import load_events

    from clarion.news.parse import ParsedArticle, canonical_url, outlet_domain

    events = load_events("a")
    items = []
    for event in events.values():
        start = min(a.published for a in event.articles)
        for a in event.articles:
            when = a.published
            if shift_to_common_start:
                # Every event starts on one day: each article meets every other event.
                when = a.published - (start - start.replace(year=2030, month=1, day=1))
            url = canonical_url(a.link)
            items.append(
                (
                    event.slug,
                    ParsedArticle(
                        url=url,
                        guid=url,
                        headline=a.headline,
                        author=a.author,
                        summary="",
                        text=a.text,
                        language="",
                        published_at=when,
                        outlet_name=a.outlet,
                        outlet_domain=outlet_domain(url),
                    ),
                )
            )
    # Feed order: by outlet, as `clarion ingest --once` polls them.
    items.sort(key=lambda pair: (pair[1].outlet_domain, pair[1].published_at))
    return items


def _synthetic(count: int) -> list[tuple[str, object]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from ingest import _feeds  # bench/ingest.py's generator

    from clarion.news.parse import parse_feed

    items = []
    for body in _feeds(count, seed=7):
        for parsed in parse_feed(body, feed_url="https://bench.example/feed.xml"):
            items.append((parsed.url.split("/")[-2], parsed))
    return items


def _same_place(count: int) -> list[tuple[str, object]]:
    """Pairs of synthetic events in one place, on one day, about different things
    (a drought and a strike in one port city): they share the place's names and the
    country, and must stay apart."""
    sys.path.insert(0, str(ROOT / "bench"))
    from datetime import UTC, datetime, timedelta

    from ingest import TOPICS, _article, _events

    from clarion.news.parse import ParsedArticle, html_to_text, outlet_domain

    rng = random.Random(11)
    items = []
    start = datetime(2031, 1, 1, tzinfo=UTC)
    for number, event in enumerate(_events(count, rng)):
        twin = dict(event, id=f"{event['id']}-twin")
        twin["names"] = [name[::-1].title() for name in event["names"]]
        twin["topic"] = TOPICS[(TOPICS.index(event["topic"]) + 3) % len(TOPICS)]
        twin["figure"] = event["figure"]
        for which in (event, twin):
            for k in range(3):
                when = start + timedelta(days=number, hours=k + (which is twin))
                raw = _article(number * 10 + k + 5 * (which is twin), which, rng, when)
                link = raw["link"].replace(f"/e{event['id']}/", f"/e{which['id']}/")
                items.append(
                    (
                        str(which["id"]),
                        ParsedArticle(
                            url=link,
                            guid=link,
                            headline=raw["title"],
                            author="",
                            summary="",
                            text=html_to_text(raw["text"]),
                            language="en",
                            published_at=when,
                            outlet_name="Bench",
                            outlet_domain=outlet_domain(link),
                        ),
                    )
                )
    return items


def collect(items: list[tuple[str, object]]) -> tuple[list[Pair], int]:
    """Run the items through ingestion with teacher forcing; return the pairs seen and
    how many articles did not find their own event's story among the candidates."""
    from clarion.news import grouping, services
    from clarion.news.models import Article, Feed, Story, StoryTerm

    Article.objects.all().delete()
    Story.objects.all().delete()
    StoryTerm.objects.all().delete()
    feed, _created = Feed.objects.get_or_create(url="https://fit.example/feed.xml")
    story_event: dict[int, str] = {}
    pairs: list[Pair] = []
    missed = 0
    current = {"event": ""}
    real_decide = grouping.decide

    def forced(signals, candidates):
        nonlocal missed
        gold = None
        for view in candidates.views:
            values = grouping.similarity.features(signals, view, _idf(candidates))
            same = story_event.get(view.story_id) == current["event"]
            pairs.append((values, int(same)))
            if same:
                gold = view.story_id
        if gold is None:
            # The event's story exists but the index did not find it: join it anyway.
            known = [sid for sid, e in story_event.items() if e == current["event"]]
            if known:
                missed += 1
                gold = known[0]
        return grouping.Match(gold, 1.0) if gold else None

    grouping.decide = forced
    try:
        for event, parsed in items:
            current["event"] = event
            services.ingest_items(feed, [parsed], extract=False)
            article = Article.objects.filter(url=parsed.url).first()
            if article and article.story_id:
                story_event.setdefault(article.story_id, event)
    finally:
        grouping.decide = real_decide
    return pairs, missed


def _idf(candidates):
    return lambda term: candidates.idf.get(term, candidates.default_idf)


def balance(sources: list[list[Pair]]) -> list[Weighted]:
    """Weigh the pairs so that each source, and within it joined and kept-apart pairs,
    count equally: the synthetic pass has ten times the pairs of the real ones."""
    rows: list[Weighted] = []
    for pairs in sources:
        counts = Counter(y for _v, y in pairs)
        for values, y in pairs:
            rows.append((values, y, 1 / (2 * counts[y] * len(sources))))
    return rows


def fit(rows: list[Weighted], l2: float = 0.01, steps: int = 3000, rate: float = 2.0) -> dict:
    """Logistic regression by gradient descent on weighted pairs, with a little L2."""
    from clarion.news.similarity import FEATURES

    names = ["bias", *FEATURES]
    data = [([1.0] + [values[f] for f in FEATURES], y, weight) for values, y, weight in rows]
    w = [0.0] * len(names)
    for _step in range(steps):
        grad = [0.0] * len(names)
        for x, y, weight in data:
            z = sum(wi * xi for wi, xi in zip(w, x, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            for i, xi in enumerate(x):
                grad[i] += weight * (p - y) * xi
        for i in range(len(w)):
            penalty = l2 * w[i] if i else 0.0
            w[i] -= rate * (grad[i] + penalty)
    return {name: round(value, 2) for name, value in zip(names, w, strict=True)}


def report(pairs: list[Pair], weights: dict) -> str:
    from clarion.news.similarity import score

    tp = fp = fn = tn = 0
    for values, y in pairs:
        joined = score(values, weights) > 0
        tp += joined and y
        fp += joined and not y
        fn += (not joined) and y
        tn += (not joined) and not y
    return f"pairs {len(pairs)}: {tp} joined rightly, {fp} wrongly, {fn} missed, {tn} kept apart"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=200, help="bench articles to add")
    args = parser.parse_args()
    _setup()
    random.seed(1)
    sources: list[list[Pair]] = []
    for name, items in (
        ("half a, real times", _items(False)),
        ("half a, events moved to one start day", _items(True)),
        ("synthetic events", _synthetic(args.synthetic) if args.synthetic else []),
        ("synthetic events in one place", _same_place(20)),
    ):
        found, missed = collect(items)
        positives = sum(y for _v, y in found)
        print(f"{name}: {len(found)} pairs ({positives} same event), {missed} not found")
        if found:
            sources.append(found)
    weights = fit(balance(sources))
    for source in sources:
        print(report(source, weights))
    print("WEIGHTS = {")
    for name, value in weights.items():
        print(f'    "{name}": {value},')
    print("}")


if __name__ == "__main__":
    main()
