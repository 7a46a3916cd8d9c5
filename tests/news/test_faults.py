"""A worker killed in the middle of a feed poll: the poll runs again, nothing doubles.

The worker is a real `clarion worker` process polling a real loopback feed server; it
is killed with SIGKILL while it waits for the second article's page, after the first
article is stored and before the others are.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from clarion.news.models import Article, Feed, Story
from clarion.news.services import feed_add
from clarion.petitions.models import Petition
from tests.conftest import FeedServer
from tests.processes import start_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

# Three unrelated events, so each article makes a story (and a draft) of its own.
EVENTS = [
    (
        "harbour-cranes",
        "Dockers strike over automated cranes in Rotterdam",
        "Dockers at the port of Rotterdam walked out on Monday over plans to replace "
        "crane drivers with remote-controlled cranes, halting container traffic.",
    ),
    (
        "glacier-melt",
        "Alpine glacier loses a tenth of its ice in one summer",
        "Glaciologists in Switzerland measured the Rhône glacier after a record hot "
        "summer and found it had lost a tenth of its remaining ice volume.",
    ),
    (
        "library-cuts",
        "Council votes to close nine branch libraries in Leeds",
        "Leeds city council voted to close nine branch libraries to save money, despite "
        "a petition from readers and a protest by children outside the town hall.",
    ),
]


def _page(headline: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{text} {n}</p>" for n in range(1, 6))
    return (
        f"<!doctype html><html><head><title>{headline}</title></head><body>"
        f"<article><h1>{headline}</h1>{paragraphs}</article></body></html>"
    ).encode()


class StallingFeedServer(FeedServer):
    """A feed server whose second article page hangs until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.pages_served = 0
        self.stalled = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        if request.path.startswith("/pages/"):
            with self._lock:
                self.pages_served += 1
                stall = self.pages_served == 2 and not self.release.is_set()
            if stall:
                self.stalled.set()
                self.release.wait(120)
                return
        super().handle(request)


@pytest.fixture
def stalling_feed():
    with StallingFeedServer().running() as server:
        items = []
        for slug, headline, text in EVENTS:
            link = server.add(
                f"/pages/{slug}",
                body=_page(headline, text),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
            # Only a one-line summary in the feed: the worker fetches each page for
            # the main text, one article at a time.
            items.append(
                f"<item><title>{headline}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>Tue, 17 Nov 2026 10:0{len(items)}:00 +0000</pubDate>"
                f"<description>{headline}.</description></item>"
            )
        feed = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Wire</title><link>{server.base}/</link><description>News</description>"
            + "".join(items)
            + "</channel></rss>"
        )
        server.url = server.add(
            "/feed.xml", body=feed.encode(), headers={"Content-Type": "application/rss+xml"}
        )
        try:
            yield server
        finally:
            server.release.set()


def test_it_polls_again_after_a_worker_dies_mid_poll_and_stores_each_article_once(
    stalling_feed, tmp_path
):
    feed = feed_add(stalling_feed.url, name="Wire")
    env = {"CLARION_EXTRACT_TEXT": "1", "CLARION_FEED_TIMEOUT": "60"}
    worker = start_worker(tmp_path, **env)
    try:
        assert wait_for(stalling_feed.stalled.is_set, timeout=60), worker.tail()
        worker.kill()
    finally:
        worker.kill()

    # Killed half-way: the first article is in, the others are not.
    assert Article.objects.count() == 1
    feed.refresh_from_db()
    assert feed.last_success_at is None
    # The dead worker's claim on the feed holds until its lease runs out ...
    assert feed.next_poll_at > timezone.now()
    # ... so pretend that time has passed, and let the page answer from now on.
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now() - timedelta(seconds=1))
    stalling_feed.release.set()

    worker = start_worker(tmp_path, "worker-2.log", **env)
    try:
        assert wait_for(
            lambda: (
                Feed.objects.filter(pk=feed.pk, last_success_at__isnull=False).exists()
                and Petition.objects.count() == len(EVENTS)
            ),
            timeout=60,
        ), worker.tail()
    finally:
        worker.stop()

    # Every article once, each in one story, each story drafted once.
    urls = sorted(Article.objects.values_list("url", flat=True))
    assert urls == sorted(f"{stalling_feed.base}/pages/{slug}" for slug, _h, _t in EVENTS)
    assert all(Article.objects.filter(url=url).count() == 1 for url in urls)
    assert Story.objects.count() == len(EVENTS)
    assert Story.objects.aggregate(n=Sum("article_count"))["n"] == len(EVENTS)
    assert not Story.objects.annotate(n=Count("articles")).exclude(n=1).exists()
    assert Petition.objects.count() == len(EVENTS)
    assert not Story.objects.filter(petition__isnull=True).exists()
    feed.refresh_from_db()
    assert feed.last_error == ""
