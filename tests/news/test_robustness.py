"""Feeds as they come in the wild: slow, huge, reshuffled, repeated, half-broken.

Every case runs against a real HTTP server on loopback; each must leave the good items
stored once, record what went wrong on the feed, and let the worker go on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from clarion.news.jobs import poll_due_feeds
from clarion.news.models import Article, Feed
from clarion.news.services import feed_add, feed_poll

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _item(n: int, *, guid: str | None = None, link: str | None = None, title: str = "") -> str:
    when = format_datetime(START + timedelta(hours=n))
    link = link or f"https://riverpost.example/news/{n}"
    return (
        f"<item><title>{title or f'Harbour report number {n} on the dredging plan'}</title>"
        f"<link>{link}</link><guid>{guid or link}</guid><pubDate>{when}</pubDate>"
        f"<description>Dredging update {n}: the harbour board met the fishing "
        f"cooperative for the {n}th time about silt in berth {n}.</description></item>"
    )


def _rss(*items: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f'{declaration}<rss version="2.0"><channel><title>River Post</title>'
        f"<link>https://riverpost.example/</link>{''.join(items)}</channel></rss>"
    ).encode()


def _poll(feed_server, body: bytes, **route) -> tuple[Feed, object]:
    feed = feed_add(feed_server.add("/feed", body=body, **route))
    return feed, feed_poll(feed)


def test_a_server_that_trickles_its_answer_is_cut_off_and_recorded(feed_server, settings):
    settings.CLARION_FEED_TIMEOUT = 1
    # Each 16-byte piece arrives well within the socket timeout; the whole never would.
    feed, result = _poll(feed_server, _rss(_item(1), _item(2)), trickle=0.2)
    assert "timed out" in result.error
    feed.refresh_from_db()
    assert "timed out" in feed.last_error
    assert feed.consecutive_failures == 1
    assert not Article.objects.exists()


def test_items_that_change_order_are_stored_once(feed_server):
    feed, first = _poll(feed_server, _rss(_item(1), _item(2), _item(3)))
    assert first.new == 3
    # The outlet reshuffles its feed and adds one item at the bottom.
    feed_server.routes["/feed"].body = _rss(_item(3), _item(1), _item(2), _item(4))
    second = feed_poll(feed)
    assert (second.new, second.seen) == (1, 3)
    assert Article.objects.count() == 4


def test_one_guid_used_twice_in_a_feed_is_one_article(feed_server):
    body = _rss(
        _item(1, guid="rp-77", link="https://riverpost.example/a"),
        _item(2, guid="rp-77", link="https://riverpost.example/b"),
    )
    _feed, result = _poll(feed_server, body)
    assert result.new == 1
    assert Article.objects.get().guid == "rp-77"


def test_an_archive_feed_gives_only_its_newest_items(feed_server, settings):
    settings.CLARION_FEED_MAX_ITEMS = 5
    # Sixty items, oldest first, as some archives list them.
    feed, result = _poll(feed_server, _rss(*(_item(n) for n in range(60))))
    assert result.error == ""
    assert result.new == 5
    stored = sorted(Article.objects.values_list("url", flat=True))
    assert stored == sorted(f"https://riverpost.example/news/{n}" for n in range(55, 60))
    feed.refresh_from_db()
    assert feed.last_success_at is not None and feed.last_error == ""


def test_items_with_unusable_links_are_skipped_and_the_rest_kept(feed_server):
    body = _rss(
        _item(1, link="javascript:alert(1)"),
        _item(2, link="https://riverpost.example/" + "x" * 1200),
        _item(3, link="https://riverpost.example:notaport/3"),
        _item(4),
    )
    _feed, result = _poll(feed_server, body)
    assert result.error == ""
    assert list(Article.objects.values_list("url", flat=True)) == [
        "https://riverpost.example/news/4"
    ]


def test_an_enormous_headline_is_cut_at_a_word(feed_server):
    title = "Dredging " + " ".join(f"berth{n}" for n in range(200))
    _poll(feed_server, _rss(_item(1, title=title)))
    headline = Article.objects.get().headline
    assert len(headline) <= 500
    assert headline.endswith("…")
    assert headline.removesuffix("…").split()[-1] in title.split()


def test_entities_and_a_missing_encoding_declaration(feed_server):
    body = _rss(
        _item(1, title="Caf&#233; owners &amp; the pier&#8217;s future"),
        _item(2, title="Señal débil en la dársena"),
        declaration="",
    )
    _poll(feed_server, body)
    headlines = set(Article.objects.values_list("headline", flat=True))
    assert headlines == {"Café owners & the pier’s future", "Señal débil en la dársena"}


def test_the_worker_goes_on_past_a_broken_feed(feed_server):
    broken = feed_add(feed_server.add("/broken", body=b"<rss><channel><item><title>oops"))
    good = feed_add(feed_server.add("/good", body=_rss(_item(1), _item(2))))
    feed_add(feed_server.add("/gone", status=404, body=b"gone"))
    assert poll_due_feeds() == 2
    broken.refresh_from_db()
    good.refresh_from_db()
    assert "not a readable" in broken.last_error
    assert good.last_success_at is not None and good.last_error == ""
    assert Feed.objects.get(url__endswith="/gone").last_error.startswith("HTTP 404")
