"""Categories from the editable taxonomy, and countries, on articles and stories."""

from __future__ import annotations

import pytest

from clarion.news.models import Article
from clarion.taxonomy.models import Category
from tests.news.factories import ingest, item
from tests.news.test_grouping import DROUGHT_A, DROUGHT_B

pytestmark = pytest.mark.django_db


def test_a_fresh_site_ships_a_civic_taxonomy_with_descriptions_and_keywords():
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert {"climate", "health", "housing", "transport", "water"} <= slugs
    for category in Category.objects.all():
        assert category.description, category.slug
        assert category.keywords.strip(), category.slug


def test_articles_get_categories_from_keywords_and_countries_from_the_text():
    ingest(DROUGHT_A)
    article = Article.objects.get(url=DROUGHT_A.url)
    assert "water" in {c.slug for c in article.categories.all()}
    assert [str(code) for code in article.countries][:1] == ["CL"]  # Valparaíso, Chile


def test_the_operator_edits_the_taxonomy_and_tagging_follows():
    Category.objects.create(
        name="Fruit growers", slug="fruit", description="Orchards.", keywords="avocado\norchard"
    )
    ingest(DROUGHT_A)
    article = Article.objects.get(url=DROUGHT_A.url)
    assert "fruit" not in {c.slug for c in article.categories.all()}  # one text hit only
    ingest(
        item(
            "Avocado orchards dry out",
            "Avocado growers say orchards need water; avocado prices rise.",
            outlet="meridianwire.example",
        )
    )
    tagged = Article.objects.get(headline="Avocado orchards dry out")
    assert "fruit" in {c.slug for c in tagged.categories.all()}


def test_a_story_carries_its_coverages_categories_and_countries():
    ingest(DROUGHT_A, DROUGHT_B)
    story = Article.objects.get(url=DROUGHT_A.url).story
    assert "water" in {c.slug for c in story.categories.all()}
    assert str(story.countries[0]) == "CL"
