"""Open Graph and Twitter card metadata on petition, story and article pages."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from clarion.news.models import Article, Story
from tests.news.factories import ingest, item

pytestmark = pytest.mark.django_db


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")


def _meta(client, path: str) -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 200
    parser = _Meta()
    parser.feed(response.content.decode())
    return parser.meta


def test_a_petition_page_describes_itself_to_social_sites(client, settings, petition):
    settings.CLARION_BASE_URL = "https://petitions.example.org"
    meta = _meta(client, petition.get_absolute_url())
    assert meta["og:title"] == meta["twitter:title"] == "Clean the Thames"
    assert meta["og:description"].startswith("We call on the Ministry of Water")
    assert meta["og:url"] == "https://petitions.example.org/p/clean-the-thames/"
    assert meta["og:type"] == "article"
    assert meta["og:site_name"] == "Clarion"
    assert meta["twitter:card"] == "summary"


def test_story_and_article_pages_describe_themselves(client):
    ingest(item("Harbour dredging halted after silt report", "Portsmouth halted dredging."))
    story = Story.objects.get()
    article = Article.objects.get()
    story_meta = _meta(client, story.get_absolute_url())
    assert story_meta["og:title"] == story.title
    assert story_meta["og:url"].endswith(story.get_absolute_url())
    assert "1 outlet" in story_meta["og:description"]
    article_meta = _meta(client, article.get_absolute_url())
    assert article_meta["og:title"] == article.headline
    assert "Portsmouth" in article_meta["og:description"]
