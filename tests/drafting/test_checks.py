"""The draft checks: what an editor would keep, and each way a draft can fall short."""

from __future__ import annotations

import dataclasses

import pytest

from clarion.drafting.checks import Coverage, DraftText, draft_problems, sentence_language

COVERAGE = Coverage(
    outlets=["The Harbour Ledger", "El Faro del Sur"],
    headlines=[
        "Valparaíso rations tap water as reservoirs fall to 18 percent",
        "Vecinos de Valparaíso exigen explicaciones por los cortes de agua",
    ],
    texts=[
        "The regional water company ESVAL will cut tap water for twelve hours a day in "
        "Valparaíso, the Ministry of Public Works said. Neighbourhood groups demanded that "
        "the ministry publish the reservoir levels every week. The Peñuelas reservoir is at "
        "18 percent.",
        "Los vecinos de Valparaíso pidieron al Ministerio de Obras Públicas que publique "
        "cada semana el nivel de los embalses. El embalse Peñuelas está al 18 por ciento.",
    ],
)

GOOD = DraftText(
    language="en",
    title="Ministry of Public Works must publish the reservoir levels every week",
    goal=(
        "We call on the Ministry of Public Works to publish the Peñuelas reservoir levels "
        "every week and to share the water cuts in Valparaíso fairly."
    ),
    narrative=(
        "On 18 November 2026, The Harbour Ledger reported that tap water in Valparaíso "
        "will be cut for twelve hours a day.\n\n"
        "The Peñuelas reservoir is at 18 percent, The Harbour Ledger reported. "
        "Neighbourhood groups want the levels published, El Faro del Sur reported.\n\n"
        "Sources: The Harbour Ledger and El Faro del Sur."
    ),
    demands=[
        "Publish the Peñuelas reservoir levels every week, as neighbourhood groups asked.",
        "Share the water cuts in Valparaíso fairly between neighbourhoods.",
        "Give a full account of the rationing plan for Valparaíso.",
    ],
    targets=["Ministry of Public Works"],
    fallback_demands=frozenset(["Give a full account of the rationing plan for Valparaíso."]),
)


def _problems(**changes) -> list[str]:
    return draft_problems(dataclasses.replace(GOOD, **changes), COVERAGE, "en")


def test_a_good_draft_passes():
    assert draft_problems(GOOD, COVERAGE, "en") == []


def test_a_good_spanish_draft_passes():
    draft = DraftText(
        language="es",
        title="Que el Ministerio de Obras Públicas publique el nivel de los embalses",
        goal=(
            "Pedimos al Ministerio de Obras Públicas que publique cada semana el nivel "
            "del embalse Peñuelas y reparta con justicia los cortes de agua."
        ),
        narrative=(
            "El Faro del Sur informó el 19 de noviembre de 2026 de que el embalse "
            "Peñuelas está al 18 por ciento.\n\nFuentes: El Faro del Sur."
        ),
        demands=[
            "Publicar cada semana el nivel de los embalses, como pidieron los vecinos.",
            "Repartir los cortes de agua de Valparaíso con justicia.",
            "Explicar en público el plan de cortes de agua en Valparaíso.",
        ],
        targets=["Ministerio de Obras Públicas"],
    )
    assert draft_problems(draft, COVERAGE, "es") == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"title": "ministry of Public Works must act"}, "starts in lower case"),
        (
            {"title": "Ministry of Public Works: act on “Valparaíso rations tap water”"},
            "quotes a headline",
        ),
        (
            {"title": "Valparaíso rations tap water as reservoirs fall to 18 percent"},
            "repeats a headline",
        ),
        ({"title": "MINISTRY MUST PUBLISH THE RESERVOIR LEVELS"}, "in capitals"),
        ({"title": "Ministry Must Publish Weekly Reservoir Levels Now"}, "Title Case"),
        ({"title": "Water for Valparaíso"}, "not an ask"),
        ({"title": "Act"}, "characters"),
    ],
)
def test_titles_an_editor_would_rewrite(changes, problem):
    assert any(problem in p for p in _problems(**changes)), _problems(**changes)


@pytest.mark.parametrize(
    ("goal", "problem"),
    [
        (
            "We call on the Ministry of Public Works to answer in public and to act on the "
            "demands below.",
            "points at the demands",
        ),
        (
            "We call on the regional authorities to publish the reservoir levels every week.",
            "does not name the target",
        ),
        (
            "We call on the Ministry of Public Works to publish the levels. It must also "
            "share the cuts fairly.",
            "more than one sentence",
        ),
        ("the Ministry of Public Works and the reservoir levels in Valparaíso", "sentence"),
        ("The Ministry of Public Works and the reservoir levels in Valparaíso.", "asks for"),
    ],
)
def test_goals_an_editor_would_rewrite(goal, problem):
    assert any(problem in p for p in _problems(goal=goal)), _problems(goal=goal)


def test_a_spanish_placeholder_goal_fails():
    draft = dataclasses.replace(
        GOOD,
        language="es",
        goal="Pedimos al Ministry of Public Works que atienda las demandas que siguen.",
    )
    assert any("points at the demands" in p for p in draft_problems(draft, COVERAGE, "es"))


@pytest.mark.parametrize(
    ("narrative", "problem"),
    [
        (
            "Valparaíso rations tap water as reservoirs fall to 18 percent The cuts start "
            "on Monday, The Harbour Ledger reported.",
            "glues the headline",
        ),
        (
            "Vecinos de Valparaíso exigen explicaciones\nThe cuts start on Monday, The "
            "Harbour Ledger reported.",
            "without final punctuation",
        ),
        (
            "The Peñuelas reservoir is at 18 percent. Sources: The Harbour Ledger.",
            "without its outlet",
        ),
        ("Water will be cut for twelve hours a day.", "cites no outlet"),
        (
            "The cuts start on Monday, The Harbour Ledger reported. El embalse está al 18 "
            "por ciento y los vecinos se quejan de los cortes, según El Faro del Sur.",
            "sentence in es",
        ),
    ],
)
def test_narratives_an_editor_would_rewrite(narrative, problem):
    found = _problems(narrative=narrative)
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {
                "demands": [
                    *GOOD.demands[:2],
                    "Publish the environmental data behind every decision.",
                ]
            },
            "off-topic",
        ),
        (
            {"demands": [*GOOD.demands[:2], "Give a full account of the plan for Valparaíso."]},
            "not marked as a fallback",
        ),
        ({"demands": GOOD.demands[:2]}, "2 demands"),
        (
            {
                "demands": [d.lower() for d in GOOD.demands],
                "fallback_demands": frozenset(),
            },
            "does not start a sentence",
        ),
        (
            {"demands": [*GOOD.demands[:2], "Publicar cada semana el nivel de los embalses."]},
            "demand has a sentence in es",
        ),
    ],
)
def test_demands_an_editor_would_rewrite(changes, problem):
    found = _problems(**changes)
    assert any(problem in p for p in found), found


def test_the_draft_must_be_in_the_storys_language_and_address_someone():
    found = draft_problems(dataclasses.replace(GOOD, targets=[]), COVERAGE, "es")
    assert any("written in en, the story in es" in p for p in found)
    assert "the draft addresses no one" in found


def test_names_keep_their_language_inside_a_sentence():
    english = (
        "The Ministerio para la Transición Ecológica y el Reto Demográfico said the grid "
        "was stable, El País reported."
    )
    assert sentence_language(english, "en") == ""
    assert sentence_language("Los vecinos se quejan de que el agua no llega.", "en") == "es"
    assert sentence_language("The neighbours say that the water is not arriving.", "es") == "en"
