"""A fast slice of `make eval-news`: real events from eval/news/events/ go through
ingestion, and each must make one story about the right country, apart from its
hard distractor (the same city's protest ten days after the floods)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from clarion.news.models import Article
from clarion.news.parse import ParsedArticle, canonical_url, outlet_domain
from tests.news.factories import ingest

pytestmark = pytest.mark.django_db

EVENTS = Path(__file__).resolve().parents[2] / "eval" / "news" / "events"


def _articles(event: str) -> list[ParsedArticle]:
    data = json.loads((EVENTS / f"{event}.json").read_text(encoding="utf-8"))
    items = []
    for n, a in enumerate(data["articles"]):
        # Several articles only know the outlet's home page: give each its own path.
        url = canonical_url(f"https://{a['domain']}/eval/{event}/{n}")
        items.append(
            ParsedArticle(
                url=url,
                guid=url,
                headline=a["headline"],
                author=a["author"],
                summary="",
                text=a["text"],
                language="",
                published_at=datetime.fromisoformat(a["published"]),
                outlet_name=a["outlet"],
                outlet_domain=outlet_domain(url),
            )
        )
    return items


def _stories(event: str) -> set[int]:
    return set(
        Article.objects.filter(url__contains=f"/eval/{event}/").values_list("story_id", flat=True)
    )


# Interleaved by outlet, as one poll of many feeds delivers them, not by time.
@pytest.mark.parametrize(
    ("events", "country"),
    [
        (["valencia-dana-2024", "valencia-dana-protest-2024"], "ES"),
        (["thames-water-fine-2025"], "GB"),
        (["bahia-blanca-flood-2025"], "AR"),
    ],
)
def test_each_real_event_is_one_story_in_its_country(events, country):
    items = [item for event in events for item in _articles(event)]
    items.sort(key=lambda item: item.outlet_domain)
    ingest(*items)
    for event in events:
        stories = _stories(event)
        assert len(stories) == 1, f"{event} split into {len(stories)} stories"
        story = Article.objects.filter(story_id=stories.pop()).first().story
        assert [str(c) for c in story.countries] == [country]
        assert len({a.language for a in story.articles.all()}) == 2  # English and Spanish
    if len(events) == 2:
        assert _stories(events[0]) != _stories(events[1]), "the follow-up joined the floods"


def _rss(items: list[ParsedArticle]) -> bytes:
    from email.utils import format_datetime
    from xml.sax.saxutils import escape

    body = "".join(
        f"<item><title>{escape(i.headline)}</title><link>{escape(i.url)}</link>"
        f"<pubDate>{format_datetime(i.published_at)}</pubDate>"
        f"<description>{escape(i.text)}</description></item>"
        for i in items
    )
    return f'<rss version="2.0"><channel><title>x</title>{body}</channel></rss>'.encode()


def test_a_users_own_feeds_about_one_event_give_one_story_and_one_draft(feed_server, settings):
    """What docs/news.md tells a new user to do: `clarion feeds add` for each outlet,
    then `clarion ingest --once`."""
    from django.core.management import call_command

    from clarion.petitions.models import Petition

    settings.CLARION_FETCH_ALLOW_PRIVATE = True  # the test's feeds are on loopback
    by_outlet: dict[str, list[ParsedArticle]] = {}
    for parsed in _articles("bahia-blanca-flood-2025"):
        by_outlet.setdefault(parsed.outlet_domain, []).append(parsed)
    for domain, items in by_outlet.items():
        url = feed_server.add(f"/{domain}.xml", body=_rss(items))
        call_command("feeds", "add", url, "--name", items[0].outlet_name)
    call_command("ingest", "--once")
    assert len(_stories("bahia-blanca-flood-2025")) == 1
    assert Article.objects.count() == 7
    assert Petition.objects.count() == 1
