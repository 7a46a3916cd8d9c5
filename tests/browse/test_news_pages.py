"""Public article, story and news pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clarion.drafting.services import draft_pending_stories
from clarion.news.models import Article
from clarion.petitions.models import Petition
from clarion.petitions.services import petition_publish
from tests.news.factories import ingest
from tests.news.test_grouping import DROUGHT_A, DROUGHT_B, RAIL, SEQUIA

pytestmark = pytest.mark.django_db


@pytest.fixture
def drought():
    ingest(DROUGHT_A, DROUGHT_B, RAIL)
    return Article.objects.get(url=DROUGHT_A.url)


def test_an_article_page_shows_what_a_reader_needs(client, drought):
    page = client.get(drought.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert DROUGHT_A.headline in html
    assert "Harbourledger" in html  # outlet
    # Published at 09:30 at UTC-3, and shown so, not in the server's zone.
    assert "18 November 2026, 09:30" in html
    assert "Water" in html and "Chile" in html  # a category and a country
    assert f'href="{DROUGHT_A.url}"' in html  # the original
    assert "Peñuelas reservoir fell to 18 percent" in html  # the extract
    assert DROUGHT_B.headline in html  # other coverage of the story
    assert RAIL.headline not in html


def test_an_article_page_lists_only_public_petitions_about_it(client, drought, moderator):
    draft_pending_stories()
    petition = drought.story.petition
    assert petition.status == Petition.Status.DRAFT
    assert petition.title not in client.get(drought.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert "draft awaiting review" in client.get(drought.get_absolute_url()).content.decode()
    client.logout()
    petition_publish(petition)
    html = client.get(drought.get_absolute_url()).content.decode()
    assert petition.get_absolute_url() in html


def test_a_story_page_lists_all_its_coverage(client, drought):
    html = client.get(drought.story.get_absolute_url()).content.decode()
    assert DROUGHT_A.headline in html and DROUGHT_B.headline in html
    assert "Covered by 2 outlets" in html


def test_the_news_index_shows_the_latest_stories_first(client, drought):
    later = Article.objects.get(url=RAIL.url)
    later.story.last_published_at = drought.story.last_published_at + timedelta(days=1)
    later.story.save()
    html = client.get("/news/").content.decode()
    assert html.index(RAIL.headline) < html.index(DROUGHT_A.headline)


def test_a_wrong_slug_redirects_and_an_unknown_article_is_404(client, drought):
    response = client.get(f"/news/articles/{drought.pk}/old-headline/")
    assert response.status_code == 301
    assert response["Location"] == drought.get_absolute_url()
    assert client.get("/news/articles/99999/x/").status_code == 404
    assert client.get("/news/stories/99999/").status_code == 404


def test_spanish_coverage_is_tagged_as_such(client):
    ingest(SEQUIA)
    article = Article.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="tag tag-language">In Spanish</span>' in html
    assert '<article class="news-article" lang="es">' in html
    story = client.get(article.story.get_absolute_url()).content.decode()
    assert '<span class="tag tag-language">In Spanish</span>' in story
    spanish = client.get(f"/es{article.get_absolute_url()}").content.decode()
    assert '<span class="tag tag-language">En español</span>' in spanish
    # Dates in the interface's language: "miércoles 18 de noviembre de 2026".
    assert "18 de noviembre de 2026, 12:30" in spanish


def test_the_news_index_filters_by_language(client):
    ingest(RAIL, SEQUIA)
    spanish = client.get("/news/", {"language": "es"}).content.decode()
    assert SEQUIA.headline in spanish
    assert RAIL.headline not in spanish
    assert '<a href="?language=es" aria-current="page">In Spanish</a>' in spanish
    everything = client.get("/news/").content.decode()
    assert SEQUIA.headline in everything and RAIL.headline in everything
    # An unknown language shows every story rather than none.
    assert RAIL.headline in client.get("/news/", {"language": "xx"}).content.decode()
