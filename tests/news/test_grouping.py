"""Story grouping: coverage of one event from several outlets joins one story."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clarion.news.grouping import article_terms, best_story
from clarion.news.models import Article, Story
from tests.news.factories import BASE_TIME, ingest, item

pytestmark = pytest.mark.django_db

DROUGHT_A = item(
    "Valparaíso rations tap water as reservoirs fall to 18 percent",
    "Households across the Valparaíso region will have their tap water cut for twelve hours "
    "a day from Monday, the regional water authority said, after the Peñuelas reservoir fell "
    "to 18 percent of capacity. The Ministry of Public Works said the rationing would last "
    "at least six weeks. Farmers in the Aconcagua valley warned that the cuts would hit "
    "avocado growers hardest.",
    outlet="harbourledger.example",
)
DROUGHT_B = item(
    "Twelve-hour water cuts for Valparaíso as drought drains Peñuelas reservoir",
    "Chile's Ministry of Public Works confirmed twelve-hour daily water cuts for the "
    "Valparaíso region. The Peñuelas reservoir stands at 18 percent, its lowest level in "
    "decades. Residents of Viña del Mar queued for bottled water on Sunday, and schools "
    "asked for tanker deliveries before the rationing begins.",
    outlet="meridianwire.example",
    published=BASE_TIME + timedelta(hours=5),
)
DROUGHT_C = item(
    "Rationing in Valparaíso: what the water cuts mean for the Aconcagua valley",
    "The rationing announced for the Valparaíso region will cut water for twelve hours a "
    "day. Growers in the Aconcagua valley say the Peñuelas reservoir, now at 18 percent, "
    "cannot carry another dry summer, and they asked the Ministry of Public Works for "
    "emergency wells.",
    outlet="northfieldcourier.example",
    published=BASE_TIME + timedelta(days=1),
)
RAIL = item(
    "Leeds to Harrogate rail line to close for two years of repairs",
    "Network operators said the line between Leeds and Harrogate will close from March "
    "for two years while a viaduct is rebuilt. Commuters will rely on replacement buses, "
    "and the Department for Transport said the cost had risen to 240 million pounds.",
    outlet="harbourledger.example",
)


def test_it_joins_coverage_of_one_event_from_several_outlets():
    assert ingest(DROUGHT_A, DROUGHT_B, DROUGHT_C) == 3
    stories = list(Story.objects.all())
    assert len(stories) == 1
    story = stories[0]
    assert story.article_count == 3
    assert story.outlet_count == 3
    assert story.title == DROUGHT_A.headline
    assert story.first_published_at == DROUGHT_A.published_at
    assert story.last_published_at == DROUGHT_C.published_at


def test_it_keeps_different_events_apart():
    ingest(DROUGHT_A, RAIL, DROUGHT_B)
    assert Story.objects.count() == 2
    rail_story = Article.objects.get(url=RAIL.url).story
    assert rail_story.article_count == 1
    assert Article.objects.get(url=DROUGHT_B.url).story.article_count == 2


def test_coverage_long_after_the_event_starts_a_new_story():
    later = item(
        DROUGHT_B.headline,
        DROUGHT_B.text + " A year on, the reservoir is full again.",
        outlet="meridianwire.example",
        published=BASE_TIME + timedelta(days=30),
    )
    ingest(DROUGHT_A, later)
    assert Story.objects.count() == 2


def test_terms_favour_the_headline_and_skip_stop_words_and_years():
    terms = article_terms(
        "Water cuts in Valparaíso", "The cuts start in 2026 and the water is low."
    )
    assert terms["valpara"] >= 3  # a headline word, stemmed, accents folded
    assert "2026" not in terms
    assert "the" not in terms and "and" not in terms
    assert terms["water"] > terms.get("start", 0)


def test_lookup_cost_does_not_grow_with_stored_stories():
    # The match goes through the (term, seen_at) index: one query, however many
    # older or unrelated stories are stored.
    old = BASE_TIME - timedelta(days=60)
    for n in range(40):
        ingest(
            item(
                f"Unrelated council vote number {n} on parking permits in Ghent",
                f"Councillors in Ghent voted on parking permit fees, motion {n}, after a "
                "long debate about residents and delivery vans.",
                outlet=f"outlet{n % 4}.example",
                published=old + timedelta(hours=n),
            )
        )
    ingest(DROUGHT_A)
    terms = article_terms(DROUGHT_B.headline, DROUGHT_B.text)
    with CaptureQueriesContext(connection) as queries:
        match = best_story(terms, DROUGHT_B.published_at)
    assert len(queries) == 1
    assert match is not None
    assert match.story_id == Article.objects.get(url=DROUGHT_A.url).story_id
