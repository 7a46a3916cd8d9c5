"""The LLM drafter against a real HTTP server on loopback."""

from __future__ import annotations

import json
import socket

import pytest

from clarion.drafting.llm import LLMConfig, LLMDraftError, llm_draft
from tests.drafting.test_offline import BRIEF, FLOOD


def _config(fake, **kwargs) -> LLMConfig:
    return LLMConfig(url=fake.url, model="tiny-7b", **kwargs)


def test_it_turns_a_good_answer_into_a_draft(fake_llm):
    fake_llm.answer_draft()
    draft = llm_draft(BRIEF, guidance="Be brief.", config=_config(fake_llm, api_key="k-1"))
    assert draft.drafter == "llm:tiny-7b"
    assert draft.language == "en"
    assert draft.targets[0].country == "CL"
    assert draft.categories == ["water"]  # an unknown slug is dropped
    assert draft.countries == ["CL"]


def test_it_sends_the_model_key_guidance_and_facts(fake_llm):
    fake_llm.answer_draft()
    llm_draft(BRIEF, guidance="Never speculate.", config=_config(fake_llm, api_key="k-1"))
    request = fake_llm.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer k-1"
    payload = request["json"]
    assert payload["model"] == "tiny-7b"
    assert payload["response_format"] == {"type": "json_object"}
    system, user = payload["messages"][0]["content"], payload["messages"][1]["content"]
    assert "Never speculate." in system
    for article in BRIEF.articles:
        assert article.headline in user and article.outlet in user


def test_it_sends_the_same_brief_the_offline_drafter_works_from(fake_llm):
    fake_llm.answer_draft(
        fallback_demands=["Tell every home in Valparaíso when its tap water will be cut."]
    )
    draft = llm_draft(FLOOD, guidance="", config=_config(fake_llm))
    system, user = (m["content"] for m in fake_llm.requests[0]["json"]["messages"])
    # The candidate targets, best first, with their evidence ...
    assert "Candidate targets" in user
    assert "- Comisión Estatal del Agua (kind body, country MX, level national; 2 outlets" in user
    # ... the calls the coverage reports, who asked whom for what ...
    assert (
        "Neighbourhood associations asked the Comisión Estatal del Agua to: publish the "
        "maintenance records of the Lerma levees" in user
    )
    assert "Families asked why the levee repairs promised in 2024 were never carried out" in user
    # ... and citable facts with their outlets, in both languages.
    assert "[Diario del Valle, 2026-09-03, es]" in user
    assert "translate anything the coverage says in another language" in system
    assert "fallback_demands" in system
    assert draft.fallback_demands == [
        "Tell every home in Valparaíso when its tap water will be cut."
    ]
    assert draft.candidates[0]["name"] == "Comisión Estatal del Agua"


def test_it_sends_no_authorization_without_a_key(fake_llm):
    fake_llm.answer_draft()
    llm_draft(BRIEF, guidance="", config=_config(fake_llm))
    assert "Authorization" not in fake_llm.requests[0]["headers"]


def test_it_accepts_fenced_json_with_a_preamble(fake_llm):
    draft = fake_llm.answer_draft()
    fake_llm.answer("Here is the draft:\n```json\n" + json.dumps(draft) + "\n```")
    assert llm_draft(BRIEF, guidance="", config=_config(fake_llm)).title == draft["title"]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda f: f.answer("{not json"), "not valid JSON"),
        (lambda f: f.answer("I'm sorry, I can't help with that."), "refused"),
        (lambda f: f.answer("", refusal="Not allowed."), "refused"),
        (lambda f: f.answer("{}", finish_reason="length"), "cut off"),
        (lambda f: f.answer("{}", finish_reason="content_filter"), "content filter"),
        (lambda f: f.answer_draft(demands=["Only one."]), "demands"),
        (lambda f: f.answer_draft(title="T" * 300), "title"),
        (
            lambda f: f.answer_draft(targets=[{"name": "X", "kind": "king", "country": ""}]),
            "kind",
        ),
        (lambda f: setattr(f, "body", b"<html>oops</html>"), "not JSON"),
        (lambda f: setattr(f, "body", b'{"choices": []}'), "no choices"),
    ],
)
def test_every_bad_answer_is_a_clear_error(fake_llm, setup, reason):
    setup(fake_llm)
    with pytest.raises(LLMDraftError, match=reason):
        llm_draft(BRIEF, guidance="", config=_config(fake_llm))


def test_an_http_error_names_its_status(fake_llm):
    fake_llm.status, fake_llm.body = 500, b'{"error": "model not loaded"}'
    with pytest.raises(LLMDraftError, match=r"HTTP 500.*model not loaded"):
        llm_draft(BRIEF, guidance="", config=_config(fake_llm))


def test_a_slow_endpoint_times_out(fake_llm):
    fake_llm.answer_draft()
    fake_llm.delay = 2
    with pytest.raises(LLMDraftError, match=r"timed out after 0\.5 s"):
        llm_draft(BRIEF, guidance="", config=_config(fake_llm, timeout=0.5))


def test_a_closed_port_is_a_connection_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = LLMConfig(url=f"http://127.0.0.1:{port}/v1", model="m", timeout=2)
    with pytest.raises(LLMDraftError, match="could not connect"):
        llm_draft(BRIEF, guidance="", config=config)
