from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from clarion.news.models import Article, Feed
from clarion.news.parse import canonical_url
from clarion.news.services import claim_due_feeds, feed_add, feed_poll

pytestmark = pytest.mark.django_db

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>The Valley Ledger</title><language>en-us</language>
<item><title>Heat deaths rise &amp; crews demand shade</title>
<link>https://www.valleyledger.example/heat?utm_source=rss&amp;id=7#top</link>
<guid>vl-1</guid><author>Dana Reyes</author>
<pubDate>Tue, 17 Nov 2026 08:15:00 -0800</pubDate>
<description>&lt;p&gt;Four workers died.&lt;/p&gt;&lt;p&gt;Unions ask for rules.&lt;/p&gt;
</description></item>
<item><title>Library hours cut</title><link>https://valleyledger.example/library</link>
<guid>vl-2</guid><description>Branches will open three days a week.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="es"><title>Diario de la Meseta</title>
<id>urn:x</id><updated>2026-11-18T11:25:00+01:00</updated>
<entry><title>Suben los alquileres</title><id>urn:dm:1</id>
<link href="https://diariodelameseta.example/alquileres?fbclid=abc"/>
<updated>2026-11-18T11:25:00+01:00</updated>
<content type="html">&lt;p&gt;Los alquileres suben un 19%.&lt;/p&gt;</content></entry></feed>"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://old.example/"><title>Old Wire</title><link>https://old.example/</link>
<description>x</description></channel>
<item rdf:about="https://old.example/a"><title>Bridge reopens</title><link>https://old.example/a</link>
<dc:date>2026-11-10T09:00:00+05:30</dc:date><description>The bridge is open.</description></item>
</rdf:RDF>"""

RSS091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>Tiny Times</title>
<link>https://tiny.example/</link><description>x</description>
<item><title>Market day moves</title><link>https://tiny.example/market</link>
<description>Saturday now.</description></item></channel></rss>"""


def _feed(url: str, **kwargs) -> Feed:
    return feed_add(url, **kwargs)


def test_it_reads_rss2_keeping_the_outlets_time_zone(feed_server):
    feed = _feed(feed_server.add("/rss", body=RSS2.encode()))
    result = feed_poll(feed)
    assert (result.new, result.error) == (2, "")
    article = Article.objects.get(guid="vl-1")
    assert article.url == "https://www.valleyledger.example/heat?id=7"
    assert article.headline == "Heat deaths rise & crews demand shade"
    assert article.outlet_name == "The Valley Ledger"
    assert article.outlet_domain == "valleyledger.example"
    assert article.author == "Dana Reyes"
    assert article.language == "en"
    assert article.published_local.isoformat() == "2026-11-17T08:15:00-08:00"
    assert not article.published_is_fetch_time
    assert article.text == "Four workers died.\n\nUnions ask for rules."


def test_an_item_without_a_date_gets_the_fetch_time_marked(feed_server):
    feed_poll(_feed(feed_server.add("/rss", body=RSS2.encode())))
    undated = Article.objects.get(guid="vl-2")
    assert undated.published_is_fetch_time


@pytest.mark.parametrize(
    ("body", "headline", "offset"),
    [
        (ATOM, "Suben los alquileres", "+01:00"),
        (RSS1, "Bridge reopens", "+05:30"),
        (RSS091, "Market day moves", None),
    ],
)
def test_it_reads_atom_rss1_and_rss091(feed_server, body, headline, offset):
    feed_poll(_feed(feed_server.add("/f", body=body.encode())))
    article = Article.objects.get()
    assert article.headline == headline
    if offset:
        assert article.published_local.isoformat().endswith(offset)
    assert "fbclid" not in article.url


def test_it_stores_an_article_once(feed_server):
    feed = _feed(feed_server.add("/rss", body=RSS2.encode()))
    feed_poll(feed)
    # Same items in another order, one re-posted under a new URL with the same text.
    reordered = RSS2.replace("<guid>vl-2</guid>", "<guid>vl-2b</guid>").replace(
        "https://valleyledger.example/library", "https://valleyledger.example/library-2"
    )
    feed_server.add("/rss", body=reordered.encode())
    feed.refresh_from_db()
    result = feed_poll(feed)
    assert (result.new, result.seen) == (0, 2)
    assert Article.objects.count() == 2


def test_it_uses_conditional_get(feed_server):
    url = feed_server.add("/rss", body=RSS2.encode(), headers={"ETag": '"v1"'})
    feed = _feed(url)
    feed_poll(feed)
    feed.refresh_from_db()
    result = feed_poll(feed)
    assert result.not_modified
    assert feed_server.routes["/rss"].requests[-1]["If-None-Match"] == '"v1"'


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"status": 404, "body": b"gone"}, "HTTP 404"),
        ({"status": 500, "body": b"oops"}, "HTTP 500"),
        ({"body": b"<rss><channel><item><title>broken"}, "not a readable"),
        ({"body": b"this is not xml at all"}, "not a readable"),
        ({"body": b"x" * 5000}, "larger than"),
        ({"body": RSS2.encode(), "delay": 3}, "timed out"),
    ],
)
def test_failures_are_recorded_and_backed_off(feed_server, settings, route, message):
    settings.CLARION_FEED_TIMEOUT = 1
    settings.CLARION_FEED_MAX_BYTES = 4096
    feed = _feed(feed_server.add("/bad", **route))
    result = feed_poll(feed)
    assert message in result.error
    feed.refresh_from_db()
    assert message in feed.last_error and feed.consecutive_failures == 1
    assert feed.next_poll_at > feed.last_error_at
    assert not Article.objects.exists()


def test_a_redirect_loop_is_an_error(feed_server):
    feed_server.add("/a", status=302, headers={"Location": "/b"})
    feed_server.add("/b", status=302, headers={"Location": "/a"})
    result = feed_poll(_feed(feed_server.base + "/a"))
    assert "redirect" in result.error


def test_wrong_encoding_and_entities_still_parse(feed_server):
    latin = RSS2.replace("Library hours cut", "Biblioteca: horario reducido, año nuevo")
    feed_poll(_feed(feed_server.add("/rss", body=latin.encode("latin-1"))))
    assert Article.objects.filter(headline__startswith="Biblioteca").exists()


def test_a_second_worker_does_not_claim_the_same_feed(feed_server):
    _feed(feed_server.add("/rss", body=RSS2.encode()))
    assert len(claim_due_feeds()) == 1
    assert claim_due_feeds() == []


def test_feeds_commands(feed_server, capsys):
    url = feed_server.add("/rss", body=RSS2.encode())
    call_command("feeds", "add", url, "--name", "Valley Ledger")
    with pytest.raises(CommandError, match="already watched"):
        call_command("feeds", "add", url)
    with pytest.raises(CommandError):
        call_command("feeds", "add", "ftp://nope.example/feed")
    call_command("ingest", "--once")
    call_command("feeds", "list")
    out = capsys.readouterr().out
    assert "2 new, 0 already known" in out
    assert url in out and "last success: 20" in out
    assert Article.objects.filter(outlet_name="Valley Ledger").count() == 2


def test_canonical_urls():
    assert canonical_url("HTTPS://Example.ORG:443/a?utm_medium=x&b=2&gclid=1#frag") == (
        "https://example.org/a?b=2"
    )
    assert canonical_url("http://example.org") == "http://example.org/"


def test_feed_add_validates():
    with pytest.raises(ValidationError):
        feed_add("not a url")
