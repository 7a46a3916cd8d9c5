"""The bundled demo feeds show a real event told by several outlets in two languages
as one story."""

from __future__ import annotations

import pytest

from clarion.news.demo_feeds import load_demo_feeds
from clarion.news.models import Article

pytestmark = pytest.mark.django_db


def test_the_demo_valencia_floods_are_one_story_in_two_languages():
    load_demo_feeds()
    reports = Article.objects.filter(url__contains="/2024/10/")
    assert reports.count() == 4
    story = reports.first().story
    assert set(reports.values_list("story_id", flat=True)) == {story.pk}
    assert story.outlet_count == 4
    assert set(reports.values_list("language", flat=True)) == {"en", "es"}
    assert [str(c) for c in story.countries] == ["ES"]
    # The Spanish desk's byline, given as "address (name)", shows the name only.
    assert reports.get(outlet_domain="diariodelturia.example").author == "Jordi Vidal"
