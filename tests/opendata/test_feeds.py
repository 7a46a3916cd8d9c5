"""Atom feeds of new petitions (all, per category, per country) and of news stories."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from clarion.petitions.models import Petition
from tests.news.factories import ingest, item

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.CLARION_BASE_URL = "https://petitions.example.org"


def _feed(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.tag == f"{ATOM}feed"
    # What Atom requires of a feed and of each entry: id, title, updated, an author.
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}").text
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Clarion"
    assert root.find(f"{ATOM}link[@rel='self']").get("href").startswith("https://petitions.")
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text, required
    return root


def _titles(root: ET.Element) -> list[str]:
    return [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]


def test_it_lists_published_petitions_newest_first(client, make_petition):
    now = timezone.now()
    make_petition(title="Older", published_at=now - timedelta(days=3))
    make_petition(title="Newer", published_at=now - timedelta(days=1))
    make_petition(title="A draft", status=Petition.Status.DRAFT, published_at=None)
    root = _feed(client, "/feeds/petitions.atom")
    assert _titles(root) == ["Newer", "Older"]
    entry = root.find(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith("https://petitions.example.org/p/protect-river-")
    assert entry.find(f"{ATOM}id").text == link


def test_it_has_a_feed_per_category_and_per_country(client, make_petition, category):
    make_petition(title="Climate in Mexico", categories=[category], countries=["MX"])
    make_petition(title="Elsewhere", countries=["GB", "FR"])
    assert _titles(_feed(client, "/feeds/categories/climate.atom")) == ["Climate in Mexico"]
    assert _titles(_feed(client, "/feeds/countries/mx.atom")) == ["Climate in Mexico"]
    assert _titles(_feed(client, "/feeds/countries/FR.atom")) == ["Elsewhere"]
    assert client.get("/feeds/categories/nothing.atom").status_code == 404
    assert client.get("/feeds/countries/XX.atom").status_code == 404
    assert client.get("/feeds/nothing.atom").status_code == 404


def test_it_lists_news_stories(client):
    ingest(
        item(
            "Harbour dredging halted after silt report",
            "The harbour board in Portsmouth halted dredging after a silt report.",
        )
    )
    root = _feed(client, "/feeds/stories.atom")
    assert _titles(root) == ["Harbour dredging halted after silt report"]


def test_pages_point_feed_readers_at_their_feeds(client, make_petition, category):
    make_petition(categories=[category], countries=["MX"])
    expected = {
        "/": "/feeds/petitions.atom",
        "/categories/climate/": "/feeds/categories/climate.atom",
        "/countries/MX/": "/feeds/countries/MX.atom",
        "/news/": "/feeds/stories.atom",
    }
    for page, feed in expected.items():
        html = client.get(page).content.decode()
        assert 'type="application/atom+xml" title="' in html
        assert f'href="{feed}"' in html, page
