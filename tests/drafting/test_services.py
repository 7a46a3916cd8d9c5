"""Drafting from stories: once per story, threshold, LLM with fallback, review queue."""

from __future__ import annotations

import json

import pytest

from clarion.drafting.checks import petition_problems
from clarion.drafting.models import DraftEvidence, DraftingSettings
from clarion.drafting.services import draft_pending_stories
from clarion.news.models import Article, Story
from clarion.petitions.models import Petition
from tests.news.factories import ingest
from tests.news.test_grouping import DROUGHT_A, DROUGHT_B, RAIL, SEQUIA

pytestmark = pytest.mark.django_db


def _use_llm(settings, fake) -> None:
    settings.CLARION_LLM_URL = fake.url
    settings.CLARION_LLM_MODEL = "tiny-7b"
    settings.CLARION_LLM_TIMEOUT = 1


def test_a_new_story_gets_one_offline_draft_waiting_for_review():
    ingest(DROUGHT_A, DROUGHT_B)
    drafted = draft_pending_stories()
    assert len(drafted) == 1
    petition = drafted[0]
    story = Story.objects.get()
    assert story.petition == petition
    assert petition.status == Petition.Status.DRAFT
    assert petition.drafter == "offline"
    assert petition.related_headline == DROUGHT_A.headline
    assert petition.related_url == DROUGHT_A.url
    assert petition.related_time_zone == "-03:00"
    assert petition.related_published_local.hour == 9  # 09:30 at UTC-3, as published
    assert 3 <= petition.demands.count() <= 6
    assert petition.targets.get().name == "Ministry of Public Works"
    assert "water" in {c.slug for c in petition.categories.all()}
    assert [str(c) for c in petition.countries] == ["CL"]
    # Not public until an editor publishes it.
    assert Petition.objects.filter(status=Petition.Status.PUBLISHED).count() == 0


def test_a_story_never_gets_two_drafts():
    ingest(DROUGHT_A)
    draft_pending_stories()
    ingest(DROUGHT_B)  # more coverage of the same story
    assert draft_pending_stories() == []
    assert Petition.objects.count() == 1


def test_a_discarded_draft_is_not_written_again(admin_client, client):
    ingest(DROUGHT_A)
    petition = draft_pending_stories()[0]
    admin_client.post(
        "/admin/drafting/petitiondraft/",
        {"action": "discard", "_selected_action": [petition.pk]},
    )
    petition.refresh_from_db()
    assert petition.status == Petition.Status.DISCARDED
    assert draft_pending_stories() == []
    assert client.get(f"/p/{petition.slug}/").status_code == 404


def test_the_threshold_waits_for_enough_outlets():
    options = DraftingSettings.load()
    options.threshold = 2
    options.save()
    ingest(DROUGHT_A, RAIL)
    assert draft_pending_stories() == []
    ingest(DROUGHT_B)
    drafted = draft_pending_stories()
    assert [p.story.title for p in drafted] == [DROUGHT_A.headline]


def test_autopublish_publishes_at_once(settings, client):
    settings.CLARION_AUTOPUBLISH = True
    ingest(DROUGHT_A)
    petition = draft_pending_stories()[0]
    assert petition.status == Petition.Status.PUBLISHED
    assert client.get(petition.get_absolute_url()).status_code == 200
    assert client.get("/search/?q=Valparaíso").content.decode().count(petition.title) >= 1


def test_it_uses_the_llm_draft_when_it_holds(settings, fake_llm):
    _use_llm(settings, fake_llm)
    DraftingSettings.objects.update_or_create(pk=1, defaults={"guidance": "Be plain."})
    expected = fake_llm.answer_draft()
    ingest(DROUGHT_A)
    petition = draft_pending_stories()[0]
    assert petition.drafter == "llm:tiny-7b"
    assert petition.title == expected["title"]
    assert petition.draft_note == ""
    assert "Be plain." in fake_llm.requests[0]["json"]["messages"][0]["content"]


@pytest.mark.parametrize(
    ("answer", "note"),
    [
        (lambda f: f.answer("{broken"), "not valid JSON"),
        (lambda f: f.answer("I'm sorry, I can't help with that."), "refused"),
        (lambda f: setattr(f, "delay", 3) or f.answer_draft(), "timed out"),
        (lambda f: f.answer_draft(goal="We demand bottled water."), "bottled"),
    ],
)
def test_it_falls_back_to_the_offline_drafter_and_says_why(settings, fake_llm, answer, note):
    _use_llm(settings, fake_llm)
    DraftingSettings.objects.update_or_create(pk=1, defaults={"guidance": "Avoid: bottled"})
    answer(fake_llm)
    ingest(DROUGHT_A)
    petition = draft_pending_stories()[0]
    assert petition.drafter == "offline"
    assert "The LLM draft was not used" in petition.draft_note
    assert note in petition.draft_note


def test_the_review_queue_lists_edits_and_publishes_drafts(admin_client, client):
    ingest(DROUGHT_A, DROUGHT_B)
    petition = draft_pending_stories()[0]
    queue = admin_client.get("/admin/drafting/petitiondraft/")
    assert petition.title in queue.content.decode()
    edit = admin_client.get(f"/admin/drafting/petitiondraft/{petition.pk}/change/")
    assert edit.status_code == 200
    assert "2 articles from 2 outlets" in edit.content.decode()
    admin_client.post(
        "/admin/drafting/petitiondraft/",
        {"action": "publish", "_selected_action": [petition.pk]},
    )
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PUBLISHED
    assert petition.title not in admin_client.get("/admin/drafting/petitiondraft/").content.decode()
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "Related article:" in page and DROUGHT_A.headline in page
    assert "See the coverage from 2 outlets" in page


def test_drafts_stay_out_of_the_api_until_published(client):
    ingest(DROUGHT_A)
    petition = draft_pending_stories()[0]
    listing = json.loads(client.get("/api/v1/petitions").content)
    assert petition.slug not in {item["slug"] for item in listing["results"]}
    assert Article.objects.get().story.petition == petition


def test_a_spanish_story_gets_a_spanish_draft():
    ingest(SEQUIA)
    story = Story.objects.get()
    assert story.language == "es"
    petition = draft_pending_stories()[0]
    assert petition.language == "es"
    assert petition.title.startswith("Que ")
    assert petition.goal.startswith("Pedimos a")
    assert "El 18 de noviembre de 2026, Diariodelpuerto informó" in petition.narrative
    assert petition_problems(petition, "es") == []


def test_the_llm_is_asked_for_the_story_language(settings, fake_llm):
    _use_llm(settings, fake_llm)
    fake_llm.answer_draft()
    ingest(SEQUIA)
    petition = draft_pending_stories()[0]
    system = fake_llm.requests[0]["json"]["messages"][0]["content"]
    assert "Write every field in Spanish (language code 'es')" in system
    assert petition.language == "es"


def test_the_draft_keeps_what_the_drafter_found_and_passes_the_checks():
    ingest(DROUGHT_A, DROUGHT_B)
    petition = draft_pending_stories()[0]
    evidence = DraftEvidence.objects.get(petition=petition)
    assert evidence.candidates[0]["name"] == "Ministry of Public Works"
    assert evidence.candidates[0]["outlets"] == 2
    assert evidence.fallback_demands
    assert set(evidence.fallback_demands) <= {d.text for d in petition.demands.all()}
    assert petition_problems(petition, "en") == []


@pytest.mark.parametrize(
    ("overrides", "note"),
    [
        (
            {"title": "Ministry of Public Works: act now on “Valparaíso rations tap water”"},
            "title quotes a headline",
        ),
        (
            {"goal": "We call on the Ministry of Public Works to act on the demands below."},
            "points at the demands",
        ),
        (
            {"targets": [{"name": "Ministry of Tourism", "kind": "office", "country": "CL"}]},
            "which the coverage does not name",
        ),
        (
            {
                "narrative": "The reservoir fell to 18 percent. El embalse está al 18 por "
                "ciento y los vecinos hacen cola para comprar agua embotellada."
            },
            "fact without its outlet",
        ),
    ],
)
def test_an_llm_draft_an_editor_would_not_keep_is_refused(settings, fake_llm, overrides, note):
    _use_llm(settings, fake_llm)
    fake_llm.answer_draft(**overrides)
    ingest(DROUGHT_A, DROUGHT_B)
    petition = draft_pending_stories()[0]
    assert petition.drafter == "offline"
    assert "The LLM draft was not used: the draft failed the checks" in petition.draft_note
    assert note in petition.draft_note


def test_an_llm_target_may_describe_the_body_it_names(settings, fake_llm):
    _use_llm(settings, fake_llm)
    fake_llm.answer_draft(
        targets=[{"name": "the national ministry, the Ministry of Public Works", "kind": "office"}]
    )
    ingest(DROUGHT_A, DROUGHT_B)
    assert draft_pending_stories()[0].drafter == "llm:tiny-7b"


def test_an_editor_switches_the_target_with_one_click(admin_client):
    from tests.news.factories import item

    ingest(
        item(
            "Water regulator blamed as Valparaíso taps run dry",
            "The Superintendencia de Servicios Sanitarios was blamed by residents for "
            "approving the twelve-hour cuts in Valparaíso. The Ministry of Public Works said "
            "the cuts would last six weeks, and the Superintendencia de Servicios Sanitarios "
            "said it would review the plan.",
        ),
        DROUGHT_A,
    )
    petition = draft_pending_stories()[0]
    first = petition.targets.get().name
    evidence = DraftEvidence.objects.get(petition=petition)
    other = next(i for i, c in enumerate(evidence.candidates) if c["name"] != first)
    other_name = evidence.candidates[other]["name"]
    page = admin_client.get(f"/admin/drafting/petitiondraft/{petition.pk}/change/").content
    assert b"Address this one" in page
    response = admin_client.post(
        f"/admin/drafting/petitiondraft/{petition.pk}/switch-target/{other}/"
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.targets.get().name == other_name
    assert other_name in petition.title and first not in petition.title
    assert other_name in petition.goal and first not in petition.goal
    evidence.refresh_from_db()
    assert evidence.candidates[0]["name"] == other_name
    assert (
        admin_client.get(
            f"/admin/drafting/petitiondraft/{petition.pk}/switch-target/{other}/"
        ).status_code
        == 405
    )
