"""Ingestion throughput: feed XML -> parsed, de-duplicated, tagged, grouped, stored.

    .venv/bin/python bench/ingest.py [--sizes 1000 10000 100000] [--database-url URL]

For each size, a fresh database receives that many synthetic articles (about four per
event, from 20 outlets, roughly 1,000 a day, in RSS feeds of 100 items). It prints
articles per second over the whole run and over the last 1,000 articles (the rate
once the store holds that many), beside a baseline measured in the same run: parsing
the same XML alone, without storing anything. The network is left out.

Speed means little if grouping breaks down, so it also scores the stories against the
events the articles were generated from: purity (the share of articles whose story is
mostly about their event) and completeness (the share of articles in their event's
main story).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNTRIES = ["Chile", "Kenya", "Portugal", "Mexico", "India", "Germany", "Spain", "Canada"]
TOPICS = [
    "water rationing reservoir drought",
    "hospital maternity ward patients",
    "rent increases tenants eviction",
    "rail line closure commuters",
    "teachers strike schools pupils",
    "data breach personal data",
    "wildfire emissions heatwave",
    "election transparency corruption",
]
# Made-up names for places, people and bodies: 24 syllables, four to a name, so that
# events rarely share a name by chance (real names are far more varied still).
SYLLABLES = "ka lo mi ren ta vo shi ped ul an dor bez gri fa nu sel mak ti or bu zan ke po hil"
SYLLABLES = SYLLABLES.split()


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(4)).capitalize()


def _events(count: int, rng: random.Random) -> list[dict]:
    return [
        {
            "id": number,
            "place": _word(rng),
            "body": f"Ministry of {_word(rng)}",
            "names": [_word(rng) for _ in range(4)],
            "figure": rng.randint(100, 99_000),
            "topic": rng.choice(TOPICS),
            "country": rng.choice(COUNTRIES),
        }
        for number in range(count)
    ]


def _article(n: int, event: dict, rng: random.Random, when: datetime) -> dict:
    # The event's number is in the link, so grouping can be scored against the truth.
    names = " and ".join(rng.sample(event["names"], 2))
    text = (
        f"<p>In {event['place']}, {event['country']}, the {event['body']} said on Monday that "
        f"{event['figure']} people were affected by the {event['topic']} crisis. "
        f"Residents of {names} asked for answers.</p><p>Officials gave no timetable, "
        f"according to a report number {n}. {_word(rng)} {_word(rng)} commented.</p>"
    )
    outlet = f"outlet{rng.randrange(20)}.example"
    return {
        "title": f"{event['place']}: {event['topic'].split()[0]} crisis hits {names}",
        "link": f"https://{outlet}/2026/e{event['id']}/{n}",
        "date": format_datetime(when),
        "text": text,
    }


def _feeds(size: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    events = _events(max(1, size // 4), rng)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items = []
    for n in range(size):
        # Coverage of an event arrives within a day or two of its first report.
        index = min(len(events) - 1, n // 4 + rng.randint(-2, 2))
        when = start + timedelta(seconds=86.4 * n + rng.randint(0, 3600))
        items.append(_article(n, events[max(0, index)], rng, when))
    feeds = []
    for offset in range(0, size, 100):
        body = "".join(
            f"<item><title>{escape(i['title'])}</title><link>{i['link']}</link>"
            f"<guid>{i['link']}</guid><pubDate>{i['date']}</pubDate>"
            f"<description>{escape(i['text'])}</description></item>"
            for i in items[offset : offset + 100]
        )
        feeds.append(
            (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Bench</title><link>https://bench.example/</link>{body}"
                "</channel></rss>"
            ).encode()
        )
    return feeds


def grouping_quality() -> tuple[float, float]:
    """Purity (share of articles in a story whose main event is theirs) and
    completeness (share of articles in their event's main story)."""
    from clarion.news.models import Article

    by_story: dict[int, Counter[str]] = defaultdict(Counter)
    by_event: dict[str, Counter[int]] = defaultdict(Counter)
    for url, story_id in Article.objects.values_list("url", "story_id"):
        event = url.split("/")[-2]
        by_story[story_id][event] += 1
        by_event[event][story_id] += 1
    total = sum(sum(c.values()) for c in by_story.values()) or 1
    purity = sum(c.most_common(1)[0][1] for c in by_story.values()) / total
    completeness = sum(c.most_common(1)[0][1] for c in by_event.values()) / total
    return purity, completeness


def _setup(database_url: str | None) -> None:
    workdir = tempfile.mkdtemp(prefix="clarion-bench-")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DEBUG"] = "0"
    os.environ["CLARION_VAR_DIR"] = workdir
    os.environ["LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clarion.settings")
    import django

    django.setup()


def run(size: int) -> None:
    from django.core.management import call_command

    from clarion.news.models import Article, Feed, Story, StoryTerm
    from clarion.news.parse import parse_feed
    from clarion.news.services import ingest_items

    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)  # the flush emptied the default taxonomy too
    Article.objects.all().delete()
    Story.objects.all().delete()
    StoryTerm.objects.all().delete()
    feeds = _feeds(size, seed=size)

    started = time.perf_counter()
    for body in feeds:
        parse_feed(body, feed_url="https://bench.example/feed.xml")
    parse_only = size / (time.perf_counter() - started)

    feed = Feed.objects.create(url="https://bench.example/feed.xml", name="Bench", active=False)
    started = time.perf_counter()
    tail_started = started
    stored = 0
    for index, body in enumerate(feeds):
        if index == len(feeds) - 10:
            tail_started = time.perf_counter()
            tail_from = stored
        items = parse_feed(body, feed_url=feed.url)
        stored += ingest_items(feed, items, extract=False)
    elapsed = time.perf_counter() - started
    tail = (stored - tail_from) / (time.perf_counter() - tail_started)
    purity, completeness = grouping_quality()
    print(
        f"{size:>7} articles: {stored / elapsed:8.0f}/s overall, {tail:8.0f}/s for the last "
        f"1,000 | baseline, parsing alone: {parse_only:8.0f}/s | stored {stored}, "
        f"events {max(1, size // 4)}, stories {Story.objects.count()} "
        f"(purity {purity:.1%}, completeness {completeness:.1%}), "
        f"index rows {StoryTerm.objects.count()}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    _setup(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for size in args.sizes:
        run(max(1000, size))


if __name__ == "__main__":
    main()
