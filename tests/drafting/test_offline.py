"""The offline drafter: deterministic, attributed, whole sentences, follows guidance."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from clarion.drafting.guidance import Guidance
from clarion.drafting.offline import offline_draft
from clarion.drafting.proposal import (
    DEMAND_MAX,
    DEMANDS_MAX,
    DEMANDS_MIN,
    GOAL_MAX,
    NARRATIVE_MAX,
    TITLE_MAX,
    CoverageItem,
    StoryBrief,
)
from clarion.drafting.services import proposal_problems

CHILE = timezone(timedelta(hours=-3))

LEDGER = CoverageItem(
    headline="Valparaíso rations tap water as reservoirs fall to 18 percent",
    outlet="The Harbour Ledger",
    url="https://harbourledger.example/2026/11/valparaiso-rationing",
    published_at=datetime(2026, 11, 18, 9, 30, tzinfo=CHILE),
    summary="Twelve-hour cuts from Monday.",
    text=(
        "Households across the Valparaíso region will have their tap water cut for twelve "
        "hours a day from Monday, the regional water authority said. The Ministry of Public "
        "Works said the rationing would last at least six weeks. Farmers in the Aconcagua "
        "valley warned that the cuts would hit avocado growers hardest."
    ),
    language="en",
)
WIRE = CoverageItem(
    headline="Twelve-hour water cuts for Valparaíso as drought drains Peñuelas reservoir",
    outlet="Meridian Wire",
    url="https://meridianwire.example/valparaiso-cuts",
    published_at=datetime(2026, 11, 18, 14, 0, tzinfo=CHILE),
    summary="",
    text=(
        "Chile's Ministry of Public Works confirmed twelve-hour daily water cuts for the "
        "Valparaíso region. The Peñuelas reservoir stands at 18 percent, its lowest level in "
        "decades. Residents queued for bottled water on Sunday."
    ),
    language="en",
)
BRIEF = StoryBrief(
    articles=[LEDGER, WIRE],
    categories=[("water", "Water & sanitation"), ("climate", "Climate & environment")],
    countries=["CL"],
    language="en",
)


def _sentences(text: str) -> set[str]:
    return {s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()}


def test_it_is_deterministic():
    assert offline_draft(BRIEF, Guidance()) == offline_draft(BRIEF, Guidance())


def test_it_addresses_the_bodies_the_coverage_names_with_their_country():
    draft = offline_draft(BRIEF, Guidance())
    assert draft.targets[0].name == "Ministry of Public Works"
    assert draft.targets[0].kind == "office"
    assert draft.targets[0].country == "CL"
    assert "Ministry of Public Works" in draft.title


def test_every_part_respects_its_limits():
    draft = offline_draft(BRIEF, Guidance())
    assert 0 < len(draft.title) <= TITLE_MAX
    assert 0 < len(draft.goal) <= GOAL_MAX
    assert 0 < len(draft.narrative) <= NARRATIVE_MAX
    assert DEMANDS_MIN <= len(draft.demands) <= DEMANDS_MAX
    assert all(len(d) <= DEMAND_MAX and d.endswith(".") for d in draft.demands)
    assert draft.categories == ["water", "climate"]
    assert draft.countries == ["CL"]
    assert draft.drafter == "offline"


def test_the_narrative_cites_whole_sentences_with_their_outlets():
    draft = offline_draft(BRIEF, Guidance())
    source = _sentences(LEDGER.text) | _sentences(WIRE.text)
    quoted = [s for s in source if s.rstrip(".") in draft.narrative]
    assert len(quoted) >= 2, "facts are quoted whole, never cut"
    for paragraph in draft.narrative.split("\n\n"):
        for sentence in _sentences(paragraph):
            if re.search(r"\d", sentence):
                assert "The Harbour Ledger" in sentence or "Meridian Wire" in sentence
    assert draft.narrative.startswith("On 18 November 2026, The Harbour Ledger reported")
    assert "Sources: The Harbour Ledger and Meridian Wire." in draft.narrative
    assert not any(a.headline in draft.narrative for a in BRIEF.articles)


def test_it_passes_the_checks_an_editor_would_apply():
    draft = offline_draft(BRIEF, Guidance())
    assert proposal_problems(draft, BRIEF) == []
    assert draft.title == "The Ministry of Public Works must answer for the drought in Chile"
    assert draft.goal.startswith("We call on the Ministry of Public Works to ")
    assert draft.fallback_demands and set(draft.fallback_demands) <= set(draft.demands)


def test_it_never_cuts_a_text_to_fit():
    long_text = " ".join(
        f"The regional water authority published figure number {n} for the Valparaíso "
        "region, one of many long sentences that fill this unusually long article."
        for n in range(300)
    )
    brief = StoryBrief(
        articles=[CoverageItem(**{**LEDGER.__dict__, "text": long_text, "headline": "W" * 200})],
        categories=[],
        countries=["CL"],
        language="en",
    )
    draft = offline_draft(brief, Guidance())
    assert len(draft.title) <= TITLE_MAX and "W" * 200 not in draft.title
    assert len(draft.narrative) <= NARRATIVE_MAX
    for line in draft.narrative.splitlines():
        assert not line or line.endswith((".", ")", ":", "”.")) or line.startswith("#")


def test_it_follows_the_operators_guidance():
    guidance = Guidance.parse(
        "Write plainly and never speculate.\n"
        "Always demand: Answer every signer's letter within 14 days.\n"
        "Avoid: bottled\n"
        "Signature goal: 2500\n"
        "Closing: Sign now and share this petition with your neighbours."
    )
    draft = offline_draft(BRIEF, guidance)
    assert draft.demands[0] == "Answer every signer's letter within 14 days."
    assert "bottled" not in draft.narrative.lower()
    assert "Sources: The Harbour Ledger and Meridian Wire." in draft.narrative
    assert draft.narrative.endswith("Sign now and share this petition with your neighbours.")
    assert guidance.signature_goal == 2500


def test_a_spanish_story_gets_a_spanish_draft():
    item = CoverageItem(
        headline="Valparaíso raciona el agua potable por la sequía",
        outlet="El Faro del Sur",
        url="https://elfarodelsur.example/valparaiso-agua",
        published_at=datetime(2026, 11, 19, 8, 0, tzinfo=CHILE),
        summary="",
        text=(
            "El Ministerio de Obras Públicas anunció cortes de agua de doce horas diarias en "
            "la región de Valparaíso. El embalse Peñuelas está al 18 por ciento de su "
            "capacidad, según datos oficiales."
        ),
        language="es",
    )
    brief = StoryBrief([item], [("water", "Agua")], ["CL"], "es")
    draft = offline_draft(brief, Guidance())
    assert draft.language == "es"
    assert draft.targets[0].name == "Ministerio de Obras Públicas"
    assert draft.title.startswith("Que el Ministerio de Obras Públicas ")
    assert "El 19 de noviembre de 2026, El Faro del Sur informó" in draft.narrative
    assert draft.goal.startswith("Pedimos al Ministerio de Obras Públicas que ")
    assert proposal_problems(draft, brief) == []


def test_without_a_named_body_it_addresses_the_countrys_government():
    item = CoverageItem(
        **{**WIRE.__dict__, "text": "Water cuts began on Sunday.", "headline": "Cuts"}
    )
    draft = offline_draft(StoryBrief([item], [], ["CL"], "en"), Guidance())
    assert draft.targets[0].name == "the Chilean government"
    assert draft.targets[0].country == "CL"
    spanish = offline_draft(StoryBrief([item], [], ["CL"], "es"), Guidance())
    assert spanish.targets[0].name == "Gobierno de Chile"


# A story in two languages, with calls: who asked whom for what.
FLOOD_EN = CoverageItem(
    headline="River Lerma bursts its banks in Toluca",
    outlet="Valley Courier",
    url="https://valleycourier.example/toluca-flood",
    published_at=datetime(2026, 9, 3, 7, 0, tzinfo=timezone(timedelta(hours=-6))),
    summary="",
    text=(
        "Floodwater from the River Lerma reached 1,200 homes in Toluca overnight, the "
        "Comisión Estatal del Agua said. Residents said the sirens never sounded. "
        "Neighbourhood associations called on the Comisión Estatal del Agua to publish the "
        "maintenance records of the Lerma levees. Families asked why the levee repairs "
        "promised in 2024 were never carried out."
    ),
    language="en",
)
FLOOD_ES = CoverageItem(
    headline="Vecinos de Toluca exigen explicaciones por la inundación del Lerma",
    outlet="Diario del Valle",
    url="https://diariodelvalle.example/lerma",
    published_at=datetime(2026, 9, 3, 9, 0, tzinfo=timezone(timedelta(hours=-6))),
    summary="",
    text=(
        "La crecida del río Lerma inundó unas 1.200 viviendas de Toluca durante la noche. "
        "La Comisión Estatal del Agua admitió que dos compuertas no funcionaron. Las "
        "asociaciones vecinales pidieron a la Comisión Estatal del Agua que publique los "
        "registros de mantenimiento de los bordos del Lerma."
    ),
    language="es",
)
FLOOD = StoryBrief([FLOOD_EN, FLOOD_ES], [], ["MX"], "en")


def test_demands_come_from_the_calls_the_coverage_reports():
    draft = offline_draft(FLOOD, Guidance())
    assert draft.targets[0].name == "Comisión Estatal del Agua"
    drawn = [d for d in draft.demands if d not in draft.fallback_demands]
    assert (
        "Publish the maintenance records of the Lerma levees, as neighbourhood associations "
        "asked." in drawn
    )
    assert any(d.startswith("Explain in public why the levee repairs") for d in drawn)
    assert draft.title.startswith("The Comisión Estatal del Agua must publish the maintenance")
    assert proposal_problems(draft, FLOOD) == []


def test_one_language_per_draft_the_other_languages_sentences_left_out():
    english = offline_draft(FLOOD, Guidance())
    assert "compuertas" not in english.narrative and "viviendas" not in english.narrative
    assert "Diario del Valle" in english.narrative  # named among the sources all the same
    spanish = offline_draft(StoryBrief(FLOOD.articles, [], ["MX"], "es"), Guidance())
    assert "sirens" not in spanish.narrative and "Neighbourhood" not in spanish.narrative
    assert any(d.startswith("Que publique los registros de mantenimiento") for d in spanish.demands)
    assert proposal_problems(spanish, StoryBrief(FLOOD.articles, [], ["MX"], "es")) == []
