"""Main text from the article page when a feed carries only a summary."""

from __future__ import annotations

import pytest

from clarion.news.models import Article
from clarion.news.services import feed_add, feed_poll

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    "The port authority of Lisbon approved a second cruise terminal on Tuesday, despite "
    "objections from residents of Alfama who say the ships already foul the air.",
    "Air-quality monitors on the riverfront recorded nitrogen dioxide above the legal limit "
    "on 41 days last year, according to figures published by the city environment office.",
    "Residents' associations said they would appeal the decision and asked the city council "
    "to cap the number of ships allowed to dock on the same day during the summer months.",
    "The authority said the new terminal would bring shore power within three years, so "
    "that docked ships could switch off their engines while passengers are ashore.",
]

PAGE = (
    "<!doctype html><html><head><title>Cruise terminal approved</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Lisbon approves second cruise terminal</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article><footer>Subscribe to our newsletter. Cookie settings.</footer></body></html>"
)


def _feed(server, link: str, description: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tagus Post</title><link>{server.base}/</link>
<description>News</description>
<item><title>Lisbon approves second cruise terminal</title><link>{link}</link>
<guid>{link}</guid><pubDate>Tue, 17 Nov 2026 10:00:00 +0000</pubDate>
<description>{description}</description></item>
</channel></rss>""".encode()


def test_a_summary_only_item_gets_the_pages_main_text(feed_server, settings):
    settings.CLARION_EXTRACT_TEXT = True
    link = feed_server.add(
        "/2026/11/terminal",
        body=PAGE.encode(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    url = feed_server.add("/feed.xml", body=_feed(feed_server, link, "A second terminal."))
    feed_poll(feed_add(url))
    article = Article.objects.get()
    assert article.text_source == Article.TextSource.EXTRACTED
    assert "nitrogen dioxide above the legal limit" in article.text
    assert "Subscribe to our newsletter" not in article.text
    assert article.summary == "A second terminal."
    assert feed_server.routes["/2026/11/terminal"].requests, "the page was fetched"


def test_an_unreachable_page_keeps_the_summary_and_says_so(feed_server, settings):
    settings.CLARION_EXTRACT_TEXT = True
    link = feed_server.add("/gone", body=b"gone", status=404)
    url = feed_server.add("/feed.xml", body=_feed(feed_server, link, "A second terminal."))
    result = feed_poll(feed_add(url))
    assert result.new == 1 and not result.error
    article = Article.objects.get()
    assert article.text_source == Article.TextSource.SUMMARY
    assert article.text == "A second terminal."


def test_a_full_text_item_is_not_fetched_again(feed_server, settings):
    settings.CLARION_EXTRACT_TEXT = True
    link = feed_server.add("/2026/11/terminal", body=PAGE.encode())
    full = " ".join(PARAGRAPHS)
    url = feed_server.add("/feed.xml", body=_feed(feed_server, link, full))
    feed_poll(feed_add(url))
    assert Article.objects.get().text_source == Article.TextSource.FEED
    assert feed_server.routes["/2026/11/terminal"].requests == []
