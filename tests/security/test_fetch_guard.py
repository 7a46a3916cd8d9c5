"""No fetch reaches inside the network (issue 14, outcome 1).

Every outbound fetch goes through clarion.core.fetch: http and https only, every
address the host resolves to must be public, the connection goes to the address that
was checked, and every redirect hop is checked again. CLARION_FETCH_ALLOW_PRIVATE lets
private and loopback addresses through (tests serve feeds on loopback), never
link-local ones.
"""

from __future__ import annotations

import socket

import pytest

from clarion.core import fetch as guarded
from clarion.core.fetch import FetchError, Refused, fetch
from clarion.news.models import Article, Feed
from clarion.news.services import feed_add, feed_poll

pytestmark = pytest.mark.django_db

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Post</title>'
    b"<item><title>Harbour board meets the fishing cooperative</title>"
    b"<link>LINK</link><description>Short.</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",  # loopback
        "http://10.0.0.8/feed",  # private
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",  # link-local: cloud metadata
        "http://100.64.0.1/",  # shared (CGNAT)
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",  # reserved
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fd00::1]/",  # unique local
        "http://[fe80::1]/",  # link-local
        "http://[::ffff:127.0.0.1]/",  # IPv4 inside IPv6
        "http://2130706433/",  # 127.0.0.1 in decimal
        "http://0177.0.0.1/",  # in octal
        "http://0x7f.1/",  # in hex, shortened
        "http://127.1/",
    ],
)
def test_it_refuses_every_address_that_is_not_public(url, settings):
    settings.CLARION_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(Refused):
        fetch(url)


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "file:///etc/passwd", "gopher://x/"])
def test_it_fetches_http_and_https_only(url):
    with pytest.raises(Refused, match="only http and https"):
        fetch(url)


def test_a_host_whose_name_resolves_inside_is_refused(monkeypatch, settings):
    settings.CLARION_FETCH_ALLOW_PRIVATE = False
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == "rebind.example":  # a public-looking name that points inside
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(guarded.socket, "getaddrinfo", resolver)
    with pytest.raises(Refused, match=r"127\.0\.0\.1 is not a public internet address"):
        fetch("http://rebind.example/feed")


def test_link_local_stays_refused_when_private_addresses_are_allowed(settings):
    settings.CLARION_FETCH_ALLOW_PRIVATE = True
    with pytest.raises(Refused):
        fetch("http://169.254.169.254/latest/meta-data/")


def test_it_connects_to_the_address_it_checked_not_a_second_lookup(
    feed_server, monkeypatch, settings
):
    """A hostile DNS server that answers "public" first and "inside" next gets nowhere:
    the name is resolved once and the connection goes to that address."""
    settings.CLARION_FETCH_ALLOW_PRIVATE = True
    feed_server.add("/feed", body=b"ok")
    port = int(feed_server.base.rsplit(":", 1)[1])
    answers = []
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        # Only the feed's name is hostile: anything else this process resolves meanwhile
        # (the test Redis, in the PostgreSQL and Redis pass) gets its real address.
        if host != "news.example":
            return real(host, *args, **kwargs)
        answers.append(host)
        return real("127.0.0.1" if len(answers) == 1 else "10.255.255.1", *args, **kwargs)

    monkeypatch.setattr(guarded.socket, "getaddrinfo", resolver)
    result = fetch(f"http://news.example:{port}/feed")
    assert result.body == b"ok"
    assert answers == ["news.example"]
    # The server was asked for the name the feed gave, at the checked address.
    assert feed_server.routes["/feed"].requests[0]["Host"] == f"news.example:{port}"


def test_every_redirect_hop_is_checked_again(feed_server, settings):
    settings.CLARION_FETCH_ALLOW_PRIVATE = True
    to_metadata = feed_server.add(
        "/a", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    to_ftp = feed_server.add("/b", status=301, headers={"Location": "ftp://files.example/x"})
    with pytest.raises(Refused):
        fetch(to_metadata)
    with pytest.raises(Refused, match="only http and https"):
        fetch(to_ftp)


def test_a_refused_feed_is_recorded_with_its_reason(feed_server, settings):
    url = feed_server.add("/feed", body=FEED.replace(b"LINK", b"https://post.example/a"))
    feed = feed_add(url)
    settings.CLARION_FETCH_ALLOW_PRIVATE = False
    result = feed_poll(feed)
    feed.refresh_from_db()
    assert "not a public internet address" in result.error
    assert "not a public internet address" in feed.last_error
    assert "CLARION_FETCH_ALLOW_PRIVATE" in feed.last_error
    assert feed.consecutive_failures == 1
    assert not Article.objects.exists()


def test_an_item_linking_inside_never_publishes_what_is_there(
    feed_server, client, settings, monkeypatch
):
    """The reproduced hole: a feed item linking to an "internal only" page had that
    page's text fetched and shown through the API. Now the page is never fetched."""
    settings.CLARION_EXTRACT_TEXT = True
    internal = "http://169.254.169.254/latest/meta-data/iam/credentials"
    url = feed_server.add("/feed", body=FEED.replace(b"LINK", internal.encode()))
    asked = []
    real_connect = guarded._Pinned.connect

    def spy(self):
        asked.append(str(self.address))
        real_connect(self)

    monkeypatch.setattr(guarded._Pinned, "connect", spy)
    assert feed_poll(Feed.objects.get(pk=feed_add(url).pk)).new == 1
    article = Article.objects.get()
    assert "169.254.169.254" not in asked  # only the feed itself was fetched
    answer = client.get(f"/api/v1/articles/{article.pk}").json()
    assert answer["text"] == "Short."


def test_refusals_are_fetch_errors_for_callers(settings):
    settings.CLARION_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchError):
        fetch("http://127.0.0.1/")
