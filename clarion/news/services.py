"""Polling feeds and storing what they carry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clarion.core.fetch import FetchError, fetch
from clarion.news.extract import looks_like_summary, main_text
from clarion.news.grouping import Profile, best_story, reindex
from clarion.news.language import detect_language
from clarion.news.models import Article, Feed, Story
from clarion.news.parse import FeedParseError, ParsedArticle, parse_feed
from clarion.news.similarity import Signals, signals
from clarion.news.tagging import MAX_CATEGORIES, Taxonomy, relative, story_countries, tag_article

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


def ingest_items(
    feed: Feed,
    items: list[ParsedArticle],
    *,
    extract: bool | None = None,
    errors: list[str] | None = None,
) -> int:
    """Store, tag and group a feed's items; returns how many were new.

    Each article is stored in its own transaction with its tags and its place in a
    story, so a failure leaves nothing half-written and the rest of the feed goes on:
    an item that raises is logged, added to ``errors``, and skipped.
    """
    if extract is None:
        extract = settings.CLARION_EXTRACT_TEXT
    taxonomy = Taxonomy.load()
    new = 0
    for item in items:
        try:
            new += _ingest_one(feed, item, taxonomy, extract=extract) is not None
        except Exception as exc:  # one bad item must never stop the others
            logger.exception("feed %s: item %s failed", feed.url, item.url)
            if errors is not None:
                errors.append(f"{item.url}: {type(exc).__name__}: {exc}"[:500])
    return new


def _is_known(feed: Feed, item: ParsedArticle) -> bool:
    duplicate = Q(url=item.url) | Q(content_hash=item.content_hash)
    if item.guid:
        duplicate |= Q(feed=feed, guid=item.guid)
    return Article.objects.filter(duplicate).exists()


def _main_text(item: ParsedArticle, *, extract: bool) -> tuple[str, str]:
    text = item.text or item.summary
    if not looks_like_summary(text):
        return text, Article.TextSource.FEED
    extracted = main_text(item.url) if extract else ""
    if len(extracted) > len(text):
        return extracted, Article.TextSource.EXTRACTED
    return text, Article.TextSource.SUMMARY


def _ingest_one(
    feed: Feed, item: ParsedArticle, taxonomy: Taxonomy, *, extract: bool
) -> Article | None:
    if _is_known(feed, item):
        return None
    text, source = _main_text(item, extract=extract)
    now = timezone.now()
    published = item.published_at
    tags = tag_article(taxonomy, item.headline, text)
    language = detect_language(f"{item.headline}.\n{text}", hint=item.language)
    found = signals(item.headline, text, language, tags.countries)
    try:
        with transaction.atomic():
            article = Article(
                feed=feed,
                url=item.url,
                guid=item.guid,
                # An item that names its own outlet (an aggregator's <source>) is
                # credited to it; otherwise the outlet is the feed's, as named on add.
                outlet_name=(
                    item.outlet_name if item.outlet_from_source else (feed.name or item.outlet_name)
                ),
                outlet_domain=item.outlet_domain,
                headline=item.headline,
                author=item.author,
                summary=item.summary,
                text=text,
                text_source=source,
                language=language,
                countries=tags.countries,
                published_at=published or now,
                published_offset_minutes=(
                    int(published.utcoffset().total_seconds() // 60) if published else 0
                ),
                published_is_fetch_time=published is None,
                content_hash=item.content_hash,
                fetched_at=now,
            )
            story = _story_for(article, found)
            article.story = story
            article.save(force_insert=True)
            Article.categories.through.objects.bulk_create(
                [
                    Article.categories.through(article_id=article.pk, category_id=category_id)
                    for category_id in tags.category_ids
                ]
            )
            story_absorb(story, article, found, relative(tags.country_weights), tags.category_ids)
    except IntegrityError:  # another poller stored it between our check and insert
        return None
    return article


def _story_for(article: Article, found: Signals) -> Story:
    """The recent story the article belongs to, locked for update, or a new one."""
    match = best_story(found, article.published_at)
    if match is not None:
        story = Story.objects.select_for_update().filter(pk=match.story_id).first()
        if story is not None:  # it may have been deleted since the lookup
            return story
    return Story.objects.create(
        title=article.headline,
        language=article.language,
        first_published_at=article.published_at,
        last_published_at=article.published_at,
    )


def story_absorb(
    story: Story,
    article: Article,
    found: Signals,
    countries: dict[str, float],
    category_ids: list[int],
) -> None:
    """Add one article to its story's counts, times, tags and index, in place.

    The caller holds the story's row lock (or SQLite's write lock), so two workers
    adding coverage to one story can't lose each other's tallies.
    """
    profile = Profile.from_json(story.profile)
    before = profile.indexed
    old_categories = _top_categories(profile)
    profile.add(found, countries, category_ids, article.outlet_domain)
    profile.indexed = profile.top_terms()
    story.article_count += 1
    story.outlet_count = len(profile.outlets)
    story.first_published_at = min(story.first_published_at, article.published_at)
    story.last_published_at = max(story.last_published_at, article.published_at)
    story.countries = story_countries(dict(profile.countries))
    # Drafts follow the story's language: the one most of its reports are in.
    story.language = profile.language(story.language)
    story.profile = profile.to_json()
    story.save(
        update_fields=[
            "article_count",
            "outlet_count",
            "first_published_at",
            "last_published_at",
            "countries",
            "language",
            "profile",
        ]
    )
    new_categories = _top_categories(profile)
    if new_categories != old_categories:
        story.categories.set(new_categories)
    reindex(story.pk, before, profile.indexed, story.last_published_at)


def _top_categories(profile: Profile) -> list[int]:
    ranked = sorted(profile.categories.items(), key=lambda item: (-item[1], item[0]))
    return [category_id for category_id, _n in ranked[:MAX_CATEGORIES]]


def _record_failure(feed: Feed, message: str, *, warning: str = "") -> None:
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    # Back off a failing feed: double the wait each time, up to a day.
    delay = min(MAX_BACKOFF, timedelta(minutes=feed.interval_minutes) * 2 ** min(failures, 10))
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        last_error=message[:2000],
        last_error_at=now,
        last_warning=warning[:2000],
        consecutive_failures=failures,
        next_poll_at=now + delay,
    )
    logger.warning("feed %s failed (%s in a row): %s", feed.url, failures, message)


def feed_poll(feed: Feed) -> PollResult:
    """Fetch one feed and store its new articles; record any failure on the feed.

    Nothing that goes wrong with one feed or one of its items escapes: it is recorded
    on the feed (a failure, with backoff) and the worker's round goes on.
    """
    try:
        return _poll(feed)
    except Exception as exc:
        logger.exception("feed %s: unexpected failure", feed.url)
        message = f"unexpected error: {type(exc).__name__}: {exc}"
        _record_failure(feed, message)
        return PollResult(feed, error=message)


def _poll(feed: Feed) -> PollResult:
    warnings: list[str] = []
    try:
        response = fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        items = (
            []
            if response.status == 304
            else parse_feed(
                response.body,
                feed_url=feed.url,
                outlet_name=feed.name,
                max_items=settings.CLARION_FEED_MAX_ITEMS,
                warnings=warnings,
            )
        )
    except (FetchError, FeedParseError) as exc:
        _record_failure(feed, str(exc))
        return PollResult(feed, error=str(exc))
    errors: list[str] = []
    new = ingest_items(feed, items, errors=errors)
    seen = len(items) - new - len(errors)
    if errors:
        # What was stored stays; the feed counts a failure and waits longer.
        message = f"{len(errors)} item(s) failed; first: {errors[0]}"
        _record_failure(feed, message, warning="\n".join(warnings))
        return PollResult(feed, new=new, seen=seen, error=message)
    now = timezone.now()
    updates = {
        "last_polled_at": now,
        "last_success_at": now,
        "consecutive_failures": 0,
        "next_poll_at": now + timedelta(minutes=feed.interval_minutes),
        "last_warning": "\n".join(warnings)[:2000],
    }
    if response.status != 304:
        updates.update(etag=response.etag[:300], last_modified=response.last_modified[:100])
    Feed.objects.filter(pk=feed.pk).update(**updates)
    return PollResult(feed, new=new, seen=seen, not_modified=response.status == 304)


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


def ingest_file(path: Path, *, name: str, url: str) -> int:
    """Ingest a feed stored on disk (the bundled demo feeds), as if polled from url.

    The feed row is created inactive: its address is only a label and is never polled.
    """
    feed, _created = Feed.objects.get_or_create(url=url, defaults={"name": name, "active": False})
    items = parse_feed(path.read_bytes(), feed_url=url, outlet_name=name)
    return ingest_items(feed, items, extract=False)
