"""The signals grouping compares, and the countries a report is about."""

from __future__ import annotations

from collections import Counter

from clarion.news.geo import country_weights
from clarion.news.similarity import StoryView, features, score, signals, stem
from clarion.news.tagging import relative, story_countries

FLOOD_EN = signals(
    "Floods kill 16 in Bahía Blanca as rescuers search for missing sisters",
    "Rescuers in Bahía Blanca searched on Monday for two sisters swept away by the "
    "floods. The death toll rose to 16, the mayor, Federico Susbielles, said.",
    "en",
    ["AR"],
)
FLOOD_ES = signals(
    "Sube a 16 el número de muertos por la inundación en Bahía Blanca",
    "El intendente Federico Susbielles confirmó 16 muertos. Los rescatistas buscan a "
    "dos hermanas desaparecidas tras la inundación en Bahía Blanca.",
    "es",
    ["AR"],
)


def test_words_are_stemmed_in_their_own_language():
    assert stem("inundaciones", "es") == stem("inundación", "es")
    assert stem("floods", "en") == stem("flooding", "en") == "flood"


def test_an_english_and_a_spanish_report_share_concepts_names_and_figures():
    assert "~flood" in FLOOD_EN.concepts and "~flood" in FLOOD_ES.concepts
    assert "~dead" in FLOOD_EN.concepts and "~dead" in FLOOD_ES.concepts
    assert {"=bahia", "=blanca", "=susbielles"} <= set(FLOOD_EN.names) & set(FLOOD_ES.names)
    assert "16" in FLOOD_EN.numbers and "16" in FLOOD_ES.numbers


def _story(found) -> StoryView:
    return StoryView(
        story_id=1,
        language=found.language,
        terms=Counter(found.terms()),
        titles=Counter(found.title),
        countries=found.countries,
        gap_days=0.2,
    )


def test_the_fitted_score_joins_the_two_languages_and_not_an_unrelated_report():
    def idf(_term: str) -> float:
        return 1.0

    same = features(FLOOD_ES, _story(FLOOD_EN), idf)
    assert same["cross"] == 1.0 and same["title"] == 0.0  # no words in common
    assert score(same) > 0
    strike = signals(
        "Teachers in Leeds strike over pay",
        "Teachers at 40 schools in Leeds walked out on Monday, the union said.",
        "en",
        ["GB"],
    )
    assert score(features(strike, _story(FLOOD_EN), idf)) < 0


def test_a_country_named_in_passing_is_not_what_the_report_is_about():
    weights = country_weights(
        "Ecuador extends power cuts to 14 hours a day",
        "Ecuador's energy ministry said the cuts would last until December. The drought "
        "has drained the reservoirs of the Paute complex. Further on, the report notes "
        "that Colombia stopped selling electricity to Ecuador in October.",
    )
    assert list(weights) == ["EC"]


def test_a_city_or_region_stands_for_its_country():
    assert list(country_weights("Floods in Bahía Blanca", "")) == ["AR"]
    assert list(country_weights("Rain in Rio Grande do Sul", "")) == ["BR"]
    assert list(country_weights("Huracán en Acapulco", "")) == ["MX"]


def test_a_storys_countries_are_those_most_of_its_reports_name():
    tallies: Counter[str] = Counter()
    for report in (
        {"ES": 9.0, "PT": 6.0},
        {"ES": 6.0, "PT": 6.0},
        {"ES": 5.0, "PT": 4.0},
        {"ES": 7.0, "FR": 2.0},  # France once, in passing
    ):
        for code, weight in relative(report).items():
            tallies[code] += weight
    assert story_countries(dict(tallies)) == ["ES", "PT"]
