"""Story grouping: coverage of one event from several outlets joins one story."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clarion.news.grouping import INDEXED, best_story
from clarion.news.models import Article, Story, StoryTerm
from clarion.news.similarity import names_in, signals
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
    found = signals(
        "Water cuts in Valparaíso", "The cuts start in 2026 and the water is low.", "en", []
    )
    terms = found.terms()
    assert terms["valparaiso"] >= 3  # a headline word, stemmed, accents folded
    assert "2026" not in terms
    assert "the" not in terms and "and" not in terms
    assert terms["water"] > terms.get("start", 0)


def _lookup_queries(found, when) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        match = best_story(found, when)
    return len(queries), match


def test_lookup_cost_does_not_grow_with_stored_stories():
    # The match goes through the (term, seen_at) index: the same few queries, however
    # many older or unrelated stories are stored.
    ingest(DROUGHT_A)
    found = signals(DROUGHT_B.headline, DROUGHT_B.text, "en", ["CL"])
    few, _match = _lookup_queries(found, DROUGHT_B.published_at)
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
    many, match = _lookup_queries(found, DROUGHT_B.published_at)
    # Three index queries and one read of the few candidates' profiles.
    assert many == few <= 4
    assert match is not None
    assert match.story_id == Article.objects.get(url=DROUGHT_A.url).story_id


def _council_report(n: int, place: str, when) -> object:
    return item(
        f"{place} council approves budget amendment {n} after late session",
        f"Councillors in {place} approved budget amendment {n} after a late session. "
        f"Residents asked questions about the budget, the council, the session and "
        f"the amendment, and the mayor of {place} answered for an hour.",
        outlet=f"outlet{n % 5}.example",
        published=when,
    )


def test_a_long_story_does_not_swallow_other_events():
    # Twenty-five reports of one event, then a report of another event that uses the
    # same everyday vocabulary: it must start its own story.
    for n in range(25):
        ingest(_council_report(n, "Dunmore", BASE_TIME + timedelta(hours=n)))
    story = Story.objects.get()
    assert story.article_count == 25
    ingest(_council_report(99, "Kilbride", BASE_TIME + timedelta(hours=26)))
    assert Story.objects.count() == 2
    assert Article.objects.get(headline__startswith="Kilbride").story_id != story.pk


def test_a_storys_index_stays_capped_and_its_tallies_match_its_coverage():
    for n in range(25):
        ingest(_council_report(n, "Dunmore", BASE_TIME + timedelta(hours=n)))
    story = Story.objects.get()
    assert 0 < StoryTerm.objects.filter(story=story).count() <= INDEXED
    # The counts kept in place equal what a full recount of the coverage gives.
    coverage = Article.objects.filter(story=story)
    assert story.article_count == coverage.count()
    assert story.outlet_count == coverage.values("outlet_domain").distinct().count()
    assert story.first_published_at == min(a.published_at for a in coverage)
    assert story.last_published_at == max(a.published_at for a in coverage)
    assert set(StoryTerm.objects.filter(story=story).values_list("seen_at", flat=True)) == {
        story.last_published_at
    }


def test_words_that_most_recent_stories_share_do_not_join_them():
    # Forty unrelated recent events all mention "flooding", "river" and "emergency";
    # a forty-first event that shares only those words is not any of them.
    for n in range(40):
        ingest(
            item(
                f"Town{n}ville evacuates {n} homes near the river",
                f"Flooding emergency in Town{n}ville: the river rose overnight and "
                f"{n + 10} families left their homes near the {n}th street bridge.",
                outlet=f"outlet{n % 5}.example",
                published=BASE_TIME + timedelta(minutes=n),
            )
        )
    ingest(
        item(
            "Flooding emergency declared as river overflows in Marrowby",
            "A river flooding emergency was declared in Marrowby after the weir failed.",
            outlet="outlet9.example",
            published=BASE_TIME + timedelta(hours=2),
        )
    )
    assert Story.objects.count() == 41


SEQUIA = item(
    "Valparaíso raciona el agua: cortes de doce horas por la sequía",
    "Los hogares de la región de Valparaíso tendrán cortes de agua de doce horas diarias "
    "desde el lunes. El embalse Peñuelas está al 18 por ciento de su capacidad, y los "
    "vecinos de Viña del Mar hicieron fila para comprar agua embotellada.",
    outlet="diariodelpuerto.example",
    language="es",
    published=BASE_TIME + timedelta(hours=3),
)


def test_reports_in_two_languages_about_one_event_join_one_story():
    ingest(DROUGHT_A, DROUGHT_B, SEQUIA)
    assert Story.objects.count() == 1
    story = Story.objects.get()
    assert story.outlet_count == 3
    assert story.language == "en"  # the first report's language


def test_same_language_reports_sharing_only_a_place_and_a_figure_stay_apart():
    # Same city, same country, same figure, same week: a different event, and in the
    # same language the whole text must match, not only the names and numbers.
    ingest(DROUGHT_A)
    ingest(
        item(
            "Valparaíso port strike: 18 cranes idle at Peñuelas terminal",
            "Dockers in Valparaíso stopped 18 cranes at the Peñuelas terminal over pay, "
            "and the union said talks with the port company had failed.",
            outlet="meridianwire.example",
            published=BASE_TIME + timedelta(hours=2),
        )
    )
    assert Story.objects.count() == 2


def test_names_are_capitalised_words_inside_sentences_but_not_countries():
    names = names_in(
        "Water agency meets farmers",
        "Chile's water agency met farmers in Valparaíso. Officials said "
        '"the Peñuelas reservoir" was low; Kenyan experts and the Ministry of Public Works '
        "agreed.",
    )
    assert {"=valparaiso", "=penuelas", "=public", "=works"} <= set(names)
    # Country words, sentence starts and offices are not names.
    assert not {"=chile", "=kenyan", "=officials", "=ministry"} & set(names)
