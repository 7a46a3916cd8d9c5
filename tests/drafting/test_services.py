"""Drafting from stories: once per story, threshold, LLM with fallback, review queue."""

from __future__ import annotations

import json

import pytest

from clarion.drafting.models import DraftingSettings
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
    assert petition.goal.startswith("Pedimos a")
    assert "Lo que se ha informado" in petition.narrative
    assert "What was reported" not in petition.narrative


def test_the_llm_is_asked_for_the_story_language(settings, fake_llm):
    _use_llm(settings, fake_llm)
    fake_llm.answer_draft()
    ingest(SEQUIA)
    petition = draft_pending_stories()[0]
    system = fake_llm.requests[0]["json"]["messages"][0]["content"]
    assert "Write every field in Spanish (language code 'es')" in system
    assert petition.language == "es"
