"""Who a draft addresses: the bodies the coverage names, ranked by what it says of them.

The reports here are made up for the tests; the bodies are real kinds of bodies.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from clarion.drafting.evidence import calls
from clarion.drafting.proposal import CoverageItem
from clarion.drafting.targets import candidates, same_body

WHEN = datetime(2026, 3, 4, 8, 0, tzinfo=timezone(timedelta(hours=1)))


def _item(text: str, *, outlet: str = "Valley Courier", language: str = "en") -> CoverageItem:
    url = f"https://{outlet.replace(' ', '').lower()}.example/"
    return CoverageItem("Report", outlet, url, WHEN, "", text, language)


def _names(items: list[CoverageItem], countries: list[str]) -> list[str]:
    return [c.name for c in candidates(items, countries)]


def test_variants_and_acronyms_of_one_body_are_one_candidate():
    found = candidates(
        [
            _item(
                "The National Rail Safety Board (NRSB) opened an inquiry into the derailment. "
                "The NRSB said its investigators reached the site by noon."
            ),
            _item(
                "Investigators from the NRSB recovered the data recorder, and the Coast Guard "
                "searched the river. The US Coast Guard said two people were missing.",
                outlet="Meridian Wire",
            ),
        ],
        ["US"],
    )
    names = [c.name for c in found]
    assert names[0] == "National Rail Safety Board"
    assert found[0].outlets == 2 and "NRSB" in found[0].aliases
    assert "US Coast Guard" in names and "Coast Guard" not in names


def test_one_body_named_in_two_languages_is_addressed_in_the_drafts_language():
    found = candidates(
        [
            _item("The Federal Water Commission (FWC) ordered the dam gates opened on Monday."),
            _item(
                "La Comisión Federal del Agua (FWC) ordenó abrir las compuertas de la presa.",
                outlet="Diario del Valle",
                language="es",
            ),
        ],
        ["MX"],
    )
    body = found[0]
    assert body.outlets == 2
    assert body.name_in("en") == "Federal Water Commission"
    assert body.name_in("es") == "Comisión Federal del Agua"


def test_responsibility_and_breadth_outrank_a_passing_mention():
    names = _names(
        [
            _item(
                "Residents blamed the Junta de Aguas del Norte for the dry taps, and the Junta "
                "de Aguas del Norte admitted that two pumps had failed. The Ministry of "
                "Culture held a concert in the square."
            ),
            _item(
                "The Junta de Aguas del Norte said repairs would take a week.",
                outlet="Meridian Wire",
            ),
        ],
        ["CL"],
    )
    assert names[0] == "Junta de Aguas del Norte"


def test_spanish_el_gobierno_is_the_national_government_not_a_verb():
    names = _names(
        [
            _item(
                "El Gobierno espera que la lluvia llegue pronto. El Gobierno anunció cortes de "
                "luz de ocho horas.",
                language="es",
            )
        ],
        ["EC"],
    )
    assert "Gobierno de Ecuador" in names
    assert not any(name.startswith("Gobierno espera") for name in names)


def test_a_body_of_a_country_mentioned_in_passing_ranks_last():
    found = candidates(
        [
            _item(
                "The Ministry of Energy of Peru sent condolences. The Ministry of Water "
                "Resources ordered the reservoir drained and said it would review the dam."
            )
        ],
        ["EC"],
    )
    assert found[0].name == "Ministry of Water Resources"
    peru = next(c for c in found if "Peru" in c.name)
    assert peru.country == "PE" and peru.score < found[0].score


def test_people_campaigners_and_outlets_are_not_addressed():
    names = _names(
        [
            _item(
                "The survivors' group Tower Families United said justice had been denied. "
                "Housing Ombudsman chief executive Dana Whitlow said the landlord failed "
                "tenants, and Whitlow said the Housing Ombudsman would publish its findings. "
                "The Valley Courier said the borough council refused to comment.",
            )
        ],
        ["GB"],
    )
    assert "Tower Families United" not in names
    assert not any("Whitlow" in name for name in names)
    assert "Valley Courier" not in names
    assert "Housing Ombudsman" in names


def test_a_ministers_portfolio_names_the_ministry():
    names = _names(
        [
            _item(
                "La ministra de Energía y Minas anunció cortes de catorce horas. La ministra "
                "de Energía y Minas dijo que la sequía empeoró.",
                language="es",
            )
        ],
        ["EC"],
    )
    assert names[0] == "Ministerio de Energía y Minas"


def test_same_body_reads_articles_variants_and_acronyms():
    assert same_body("the Generalitat", "Generalitat Valenciana")
    assert same_body("NTSB", "National Transportation Safety Board")
    assert not same_body("Ministry of Health", "Ministry of Housing")


def test_calls_are_who_asked_whom_for_what_not_advice_to_the_public():
    found = calls(
        [
            _item(
                "Firefighters told residents to stay indoors. Tenant associations called on "
                "the borough council to rehouse every family from the tower. Families asked "
                "why the cladding was never replaced. Questions mounted over the fire doors, "
                "which failed within minutes. Residents asked for every flat to be inspected."
            ),
            _item(
                "Los vecinos pidieron a la población que no saliera de casa. Las familias "
                "exigieron la dimisión del alcalde, Tomás Ferrer.",
                outlet="Diario del Valle",
                language="es",
            ),
        ]
    )
    summary = [(c.kind, c.who, c.whom, c.what) for c in found]
    assert (
        "do",
        "Tenant associations",
        "the borough council",
        "rehouse every family from the tower",
    ) in summary
    assert ("why", "Families", "", "the cladding was never replaced") in summary
    assert ("questions", "", "", "the fire doors") in summary
    assert ("do", "Residents", "every flat", "be inspected") in summary
    assert ("resign", "Las familias", "", "Tomás Ferrer") in summary
    assert not any("indoors" in c.what or "casa" in c.what for c in found)
