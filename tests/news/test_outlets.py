"""Outlets and authors as the reader knows them: the real outlet behind an aggregator,
bylines without email addresses, and each language once in the news filter."""

from __future__ import annotations

import pytest

from clarion.news.models import Article, Story
from clarion.news.parse import byline, parse_feed
from clarion.news.services import feed_add, feed_poll
from tests.news.factories import ingest, item

pytestmark = pytest.mark.django_db

# An aggregator's feed: every link is the aggregator's own, the real outlet is in
# <source>, and the headline repeats it after a dash.
AGGREGATOR = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News Digest</title><link>https://digest.example/</link>
<item><title>Riada en Paiporta: los vecinos piden explicaciones - El Faro del Sur</title>
<link>https://digest.example/r/abc123</link><guid>d-1</guid>
<source url="https://www.elfarodelsur.example/">El Faro del Sur</source>
<author>newsdesk@elfarodelsur.example (Rosa Medel)</author>
<pubDate>Wed, 30 Oct 2024 10:40:00 +0100</pubDate>
<description>Los vecinos de Paiporta piden explicaciones por la alerta tardía.</description></item>
<item><title>Paiporta residents ask why the flood alert came late - Meridian Wire</title>
<link>https://digest.example/r/def456</link><guid>d-2</guid>
<source url="https://meridianwire.example/world">Meridian Wire</source>
<author>desk@meridianwire.example</author>
<pubDate>Wed, 30 Oct 2024 12:10:00 +0100</pubDate>
<description>Residents of Paiporta asked why the flood alert came so late.</description></item>
</channel></rss>"""


def test_an_aggregator_feed_credits_the_real_outlet_and_counts_it(feed_server):
    feed = feed_add(feed_server.add("/digest.xml", body=AGGREGATOR.encode()), name="Digest")
    assert feed_poll(feed).new == 2
    faro = Article.objects.get(guid="d-1")
    assert faro.outlet_name == "El Faro del Sur"
    assert faro.outlet_domain == "elfarodelsur.example"
    # The outlet's name is not left at the end of the headline.
    assert faro.headline == "Riada en Paiporta: los vecinos piden explicaciones"
    wire = Article.objects.get(guid="d-2")
    assert (wire.outlet_name, wire.outlet_domain) == ("Meridian Wire", "meridianwire.example")
    # Outlet counts are of real outlets, not of the one aggregator.
    outlets = {story.pk: story.outlet_count for story in Story.objects.all()}
    assert sum(outlets.values()) == 2


def test_a_feed_without_source_is_credited_to_the_feed_as_named():
    [parsed] = parse_feed(
        b'<rss version="2.0"><channel><title>Harbour Ledger</title><item><title>A</title>'
        b"<link>https://harbourledger.example/a</link></item></channel></rss>",
        feed_url="https://harbourledger.example/feed.xml",
    )
    assert (parsed.outlet_name, parsed.outlet_domain) == ("Harbour Ledger", "harbourledger.example")
    assert not parsed.outlet_from_source


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("newsdesk@example.org (Rosa Medel)", "Rosa Medel"),
        ("Rosa Medel <rosa@example.org>", "Rosa Medel"),
        ("rosa@example.org", ""),
        ("Alex Mann and Darcy Costello", "Alex Mann and Darcy Costello"),
        ("Belén Zapata, Gerardo Lemos", "Belén Zapata, Gerardo Lemos"),
    ],
)
def test_a_byline_keeps_the_name_and_never_an_email_address(raw, shown):
    assert byline(raw) == shown


def test_no_public_surface_shows_an_authors_email_address(client, feed_server):
    feed = feed_add(feed_server.add("/digest.xml", body=AGGREGATOR.encode()), name="Digest")
    feed_poll(feed)
    faro = Article.objects.get(guid="d-1")
    assert faro.author == "Rosa Medel"
    assert Article.objects.get(guid="d-2").author == ""
    pages = [
        client.get(faro.get_absolute_url()),
        client.get(faro.story.get_absolute_url()),
        client.get("/news/"),
        client.get("/api/v1/articles"),
        client.get(f"/api/v1/articles/{faro.pk}"),
        client.get("/api/v1/stories"),
        client.get("/feeds/stories.atom"),
    ]
    for page in pages:
        assert page.status_code == 200, page.request["PATH_INFO"]
        body = page.content.decode()
        assert "elfarodelsur.example (" not in body and "@elfarodelsur" not in body
        assert "@meridianwire" not in body
    assert "Rosa Medel" in pages[0].content.decode()
    assert pages[4].json()["author"] == "Rosa Medel"


def test_the_language_filter_lists_each_language_once(client):
    ingest(
        item("Cortes de agua en Valparaíso", "Texto de la noticia.", language="es"),
        item("Huelga en el puerto de Santos", "Texto de otra noticia.", language="es"),
        item("Library hours cut in Leeds", "Branches will open three days a week."),
    )
    first, second, _english = Story.objects.order_by("pk")
    # A story stored with a regional code (before codes were normalised, or by hand).
    Story.objects.filter(pk=second.pk).update(language="es-ES")
    html = client.get("/news/").content.decode()
    assert html.count('href="?language=es"') == 1
    assert 'href="?language=es-ES"' not in html
    spanish = client.get("/news/", {"language": "es"}).content.decode()
    assert first.title in spanish and second.title in spanish
