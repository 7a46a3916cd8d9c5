"""One bad item or feed never stops a round; ill-formed but readable feeds are read
(issue 14, outcomes 2 and 3). Every case runs against a real server on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest

from clarion.news import services
from clarion.news.jobs import poll_due_feeds
from clarion.news.models import Article, Feed
from clarion.news.services import feed_add, feed_poll

pytestmark = pytest.mark.django_db


def _item(n: int, link: str = "") -> str:
    link = link or f"https://riverpost.example/news/{n}"
    return (
        f"<item><title>Harbour report {n} on the dredging plan for berth {n}</title>"
        f"<link>{link}</link><description>The harbour board met the fishing cooperative "
        f"about silt in berth {n}.</description></item>"
    )


def _rss(*items: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f'{declaration}<rss version="2.0"><channel><title>River Post</title>'
        f"<link>https://riverpost.example/</link>{''.join(items)}</channel></rss>"
    ).encode()


def test_an_item_that_raises_is_recorded_and_the_others_are_stored(feed_server, monkeypatch):
    real = services._ingest_one

    def breaks_on_two(feed, item, taxonomy, *, extract):
        if item.url.endswith("/2"):
            raise RuntimeError("a parser bug on one item")
        return real(feed, item, taxonomy, extract=extract)

    monkeypatch.setattr(services, "_ingest_one", breaks_on_two)
    feed = feed_add(feed_server.add("/feed", body=_rss(_item(1), _item(2), _item(3))))
    result = feed_poll(feed)
    assert result.new == 2
    assert sorted(Article.objects.values_list("url", flat=True)) == [
        "https://riverpost.example/news/1",
        "https://riverpost.example/news/3",
    ]
    feed.refresh_from_db()
    # It counts as the feed's failure, with backoff, and says which item.
    assert feed.consecutive_failures == 1
    assert "news/2" in feed.last_error and "RuntimeError" in feed.last_error
    assert feed.next_poll_at > feed.last_polled_at


def test_a_link_with_a_space_stores_the_item_with_its_summary(feed_server, settings):
    settings.CLARION_EXTRACT_TEXT = True  # the page would be fetched: http.client refuses it
    feed = feed_add(
        feed_server.add("/feed", body=_rss(_item(1, link=f"{feed_server.base}/a page"), _item(2)))
    )
    result = feed_poll(feed)
    assert (result.new, result.error) == (2, "")
    assert Article.objects.filter(url__contains="page").exists()


@contextmanager
def _raw_server(answer) -> Iterator[str]:
    """A TCP server on loopback that answers each connection with ``answer(conn)``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _address = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                with suppress(OSError):
                    answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed"
    finally:
        stop.set()
        listener.close()


def test_a_server_answering_garbage_fails_its_feed_and_the_round_goes_on(feed_server, settings):
    settings.CLARION_FETCH_ALLOW_PRIVATE = True
    good = feed_add(feed_server.add("/feed", body=_rss(_item(1))))
    with _raw_server(lambda conn: conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")) as url:
        bad = feed_add(url)
        Feed.objects.update(next_poll_at=good.next_poll_at)  # both due, the bad one too
        assert poll_due_feeds() == 1
    bad.refresh_from_db()
    assert "not HTTP" in bad.last_error and bad.consecutive_failures == 1
    assert Article.objects.count() == 1


def test_the_deadline_covers_the_status_line_and_headers(settings):
    settings.CLARION_FETCH_ALLOW_PRIVATE = True
    settings.CLARION_FEED_TIMEOUT = 2

    def one_header_byte_a_second(conn: socket.socket) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 60:
            conn.sendall(bytes([byte]))
            time.sleep(0.2 if byte != ord("a") else 1.0)

    with _raw_server(one_header_byte_a_second) as url:
        feed = feed_add(url)
        started = time.monotonic()
        result = feed_poll(feed)
        elapsed = time.monotonic() - started
    assert "timed out after 2 s" in result.error
    assert elapsed < 10  # cut off at the deadline, not after the whole minute
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1


ILL_FORMED = {
    "undefined entity": _rss(
        "<item><title>Flood&nbsp;warning for the lower valley</title>"
        "<link>https://riverpost.example/a</link><description>Water&nbsp;rose overnight "
        "in the lower valley.</description></item>"
    ),
    "wrong declared encoding": _rss(_item(5))
    .replace(b"dredging", "dragado en Cádiz".encode())
    .decode("utf-8")
    .encode("latin-1"),
    "unclosed tag": _rss(
        "<item><title>Council reopens <b>the library</title>"
        "<link>https://riverpost.example/c</link><description>The council reopened the "
        "library on <p>Monday.</description></item>"
    ),
}


@pytest.mark.parametrize("kind", list(ILL_FORMED))
def test_an_ill_formed_but_readable_feed_is_read_with_a_warning(feed_server, kind):
    feed = feed_add(feed_server.add("/feed", body=ILL_FORMED[kind]))
    result = feed_poll(feed)
    assert (result.new, result.error) == (1, "")
    feed.refresh_from_db()
    assert feed.last_error == "" and feed.consecutive_failures == 0
    assert feed.last_warning.startswith("read despite an ill-formed feed")
