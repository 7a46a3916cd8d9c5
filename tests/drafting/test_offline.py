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


def test_the_narrative_attributes_whole_sentences_to_their_outlets():
    draft = offline_draft(BRIEF, Guidance())
    source = _sentences(LEDGER.text) | _sentences(WIRE.text)
    bullets = [line[2:] for line in draft.narrative.splitlines() if line.startswith("- ")]
    assert bullets
    for bullet in bullets:
        sentence, outlet = re.fullmatch(r"(.+) \((.+)\)", bullet).groups()
        assert sentence in source, "a fact is quoted whole, never cut"
        assert outlet in ("The Harbour Ledger", "Meridian Wire")
    assert "18 November 2026" in draft.narrative
    assert "Sources: The Harbour Ledger and Meridian Wire." in draft.narrative


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
    assert draft.title.startswith("Ministerio de Obras Públicas")
    assert "19 de noviembre de 2026" in draft.narrative
    assert draft.goal.startswith("Pedimos a")


def test_without_a_named_body_it_addresses_the_countrys_government():
    item = CoverageItem(
        **{**WIRE.__dict__, "text": "Water cuts began on Sunday.", "headline": "Cuts"}
    )
    draft = offline_draft(StoryBrief([item], [], ["CL"], "en"), Guidance())
    assert draft.targets[0].name == "the government of Chile"
    assert draft.targets[0].country == "CL"
