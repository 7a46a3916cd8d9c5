"""Polling feeds and storing what they carry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clarion.news.fetch import FetchError, fetch
from clarion.news.models import Article, Feed
from clarion.news.parse import FeedParseError, ParsedArticle, parse_feed

logger = logging.getLogger("clarion.news")

MAX_BACKOFF = timedelta(hours=24)


@dataclass(frozen=True)
class PollResult:
    feed: Feed
    new: int = 0
    seen: int = 0
    not_modified: bool = False
    error: str = ""


def feed_add(url: str, *, name: str = "", interval_minutes: int = 15) -> Feed:
    url = url.strip()
    URLValidator(schemes=["http", "https"])(url)
    if interval_minutes < 1:
        raise ValidationError("The interval must be at least one minute.")
    if Feed.objects.filter(url=url).exists():
        raise ValidationError(f"The feed {url} is already watched.")
    return Feed.objects.create(url=url, name=name.strip(), interval_minutes=interval_minutes)


def _store(feed: Feed, item: ParsedArticle) -> bool:
    """Store one article unless it is already known. Returns True when it is new."""
    duplicate = Q(url=item.url) | Q(content_hash=item.content_hash)
    if item.guid:
        duplicate |= Q(feed=feed, guid=item.guid)
    if Article.objects.filter(duplicate).exists():
        return False
    now = timezone.now()
    published = item.published_at
    try:
        with transaction.atomic():
            Article.objects.create(
                feed=feed,
                url=item.url,
                guid=item.guid,
                outlet_name=feed.name or item.outlet_name,
                outlet_domain=item.outlet_domain,
                headline=item.headline,
                author=item.author,
                summary=item.summary,
                text=item.text or item.summary,
                language=item.language,
                published_at=published or now,
                published_offset_minutes=(
                    int(published.utcoffset().total_seconds() // 60) if published else 0
                ),
                published_is_fetch_time=published is None,
                content_hash=item.content_hash,
                fetched_at=now,
            )
    except IntegrityError:  # another poller stored it between our check and insert
        return False
    return True


def _record_failure(feed: Feed, message: str) -> None:
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    # Back off a failing feed: double the wait each time, up to a day.
    delay = min(MAX_BACKOFF, timedelta(minutes=feed.interval_minutes) * 2 ** min(failures, 10))
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        last_error=message[:2000],
        last_error_at=now,
        consecutive_failures=failures,
        next_poll_at=now + delay,
    )
    logger.warning("feed %s failed (%s in a row): %s", feed.url, failures, message)


def feed_poll(feed: Feed) -> PollResult:
    """Fetch one feed and store its new articles; record any failure on the feed."""
    try:
        response = fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        items = (
            []
            if response.status == 304
            else parse_feed(response.body, feed_url=feed.url, outlet_name=feed.name)
        )
    except (FetchError, FeedParseError) as exc:
        _record_failure(feed, str(exc))
        return PollResult(feed, error=str(exc))
    new = sum(_store(feed, item) for item in items)
    now = timezone.now()
    updates = {
        "last_polled_at": now,
        "last_success_at": now,
        "consecutive_failures": 0,
        "next_poll_at": now + timedelta(minutes=feed.interval_minutes),
    }
    if response.status != 304:
        updates.update(etag=response.etag[:300], last_modified=response.last_modified[:100])
    Feed.objects.filter(pk=feed.pk).update(**updates)
    return PollResult(feed, new=new, seen=len(items) - new, not_modified=response.status == 304)


def claim_due_feeds(limit: int = 20) -> list[Feed]:
    """Feeds whose turn has come, each claimed so a second worker skips it."""
    now = timezone.now()
    claimed = []
    for feed in Feed.objects.filter(active=True, next_poll_at__lte=now).order_by("next_poll_at")[
        :limit
    ]:
        lease = now + timedelta(seconds=settings.CLARION_FEED_TIMEOUT * 4)
        if Feed.objects.filter(pk=feed.pk, next_poll_at=feed.next_poll_at).update(
            next_poll_at=lease
        ):
            claimed.append(feed)
    return claimed
