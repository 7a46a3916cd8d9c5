"""Small builders for news-desk tests: parsed items and stored articles."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from clarion.news.models import Feed
from clarion.news.parse import ParsedArticle, canonical_url, outlet_domain
from clarion.news.services import ingest_items

_ids = itertools.count(1)
BASE_TIME = datetime(2026, 11, 18, 9, 30, tzinfo=timezone(timedelta(hours=-3)))


def item(
    headline: str,
    text: str,
    *,
    outlet: str = "harbourledger.example",
    published: datetime | None = BASE_TIME,
    language: str = "en",
    guid: str = "",
    summary: str = "",
) -> ParsedArticle:
    n = next(_ids)
    url = canonical_url(f"https://{outlet}/2026/11/article-{n}")
    return ParsedArticle(
        url=url,
        guid=guid or url,
        headline=headline,
        author="Staff reporter",
        summary=summary or text[:200],
        text=text,
        language=language,
        published_at=published,
        outlet_name=outlet.split(".")[0].title(),
        outlet_domain=outlet_domain(url),
    )


def feed_for(outlet: str) -> Feed:
    feed, _created = Feed.objects.get_or_create(
        url=f"https://{outlet}/feed.xml", defaults={"name": outlet.split(".")[0].title()}
    )
    return feed


def ingest(*items: ParsedArticle) -> int:
    new = 0
    for parsed in items:
        new += ingest_items(feed_for(parsed.outlet_domain), [parsed])
    return new
