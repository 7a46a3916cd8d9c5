"""/api/v1/articles and /api/v1/stories."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clarion.drafting.services import draft_pending_stories
from clarion.news.models import Article, Story
from clarion.petitions.services import petition_publish
from tests.news.factories import ingest
from tests.news.test_grouping import DROUGHT_A, DROUGHT_B, RAIL

pytestmark = pytest.mark.django_db


@pytest.fixture
def news():
    ingest(DROUGHT_A, DROUGHT_B, RAIL)


def test_it_lists_articles_newest_first_in_their_outlets_zone(client, news):
    body = client.get("/api/v1/articles").json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["headline"] == DROUGHT_B.headline  # 14:30 at UTC-3 is the latest
    assert first["published_at"].endswith("-03:00")
    assert first["original_url"] == DROUGHT_B.url
    assert first["url"].endswith(Article.objects.get(url=DROUGHT_B.url).get_absolute_url())
    assert first["outlet"]["domain"] == "meridianwire.example"
    assert "water" in {c["slug"] for c in first["categories"]}
    assert first["countries"][0] == "CL"
    assert "text" not in first


def test_it_filters_articles(client, news):
    story = Article.objects.get(url=DROUGHT_A.url).story_id
    assert client.get(f"/api/v1/articles?story={story}").json()["count"] == 2
    assert client.get("/api/v1/articles?country=gb").json()["count"] == 1
    assert client.get("/api/v1/articles?category=transport").json()["count"] == 1
    assert client.get("/api/v1/articles?language=es").json()["count"] == 0


def test_one_article_carries_its_text(client, news):
    article = Article.objects.get(url=RAIL.url)
    body = client.get(f"/api/v1/articles/{article.pk}").json()
    assert body["text"] == RAIL.text
    missing = client.get("/api/v1/articles/99999")
    assert missing.status_code == 404 and "99999" in missing.json()["detail"]


@pytest.mark.parametrize("query", ["country=CHL", "page=0", "per_page=500"])
def test_bad_parameters_get_a_422_naming_the_parameter(client, news, query):
    for path in ("/api/v1/articles", "/api/v1/stories"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422
        [issue] = response.json()["detail"]
        assert issue["loc"] == ["query", query.split("=")[0]]
        assert issue["msg"]


def test_it_paginates_with_absolute_links(client, news, settings):
    body = client.get("/api/v1/articles?per_page=2").json()
    assert body["pages"] == 2
    assert body["next"].startswith(settings.CLARION_BASE_URL)
    second = client.get(body["next"].removeprefix(settings.CLARION_BASE_URL)).json()
    assert len(second["results"]) == 1


def test_a_story_lists_its_articles_tags_and_public_petition(client, news, moderator):
    story = Story.objects.get(title=DROUGHT_A.headline)
    draft_pending_stories()
    petition = Story.objects.get(pk=story.pk).petition
    body = client.get(f"/api/v1/stories/{story.pk}").json()
    assert [a["url"] for a in body["articles"]] == [DROUGHT_A.url, DROUGHT_B.url]
    assert body["outlet_count"] == 2 and body["countries"] == ["CL"]
    assert body["petition"] is None  # a draft is not public
    client.force_login(moderator)
    assert client.get(f"/api/v1/stories/{story.pk}").json()["petition"] == petition.slug
    client.logout()
    petition_publish(petition)
    assert client.get(f"/api/v1/stories/{story.pk}").json()["petition"] == petition.slug
    assert client.get("/api/v1/stories/99999").status_code == 404


def test_stories_list_filters_and_is_read_only(client, news):
    body = client.get("/api/v1/stories?country=CL").json()
    assert [s["title"] for s in body["results"]] == [DROUGHT_A.headline]
    assert client.post("/api/v1/stories").status_code == 405


def test_lists_take_a_fixed_number_of_queries(client, news):
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/stories?per_page=1")
    with CaptureQueriesContext(connection) as more:
        client.get("/api/v1/stories?per_page=10")
    assert len(few) == len(more)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/articles?per_page=1")
    with CaptureQueriesContext(connection) as more:
        client.get("/api/v1/articles?per_page=10")
    assert len(few) == len(more)
