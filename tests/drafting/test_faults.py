"""A worker killed while drafting: the story is drafted again later, and only once.

The worker is a real `clarion worker` process, killed with SIGKILL while it waits on
the LLM endpoint (a loopback server that does not answer yet).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from clarion.core import broker
from clarion.core.models import Lock
from clarion.drafting import services
from clarion.drafting.services import draft_pending_stories
from clarion.news.models import Feed, Story
from clarion.petitions.models import Petition
from tests.news.factories import ingest, item
from tests.processes import start_worker, wait_for

WATER = (
    "Valparaíso will ration tap water for twelve hours a day from Monday, the regional "
    "water company said, after the driest winter on record left the reservoirs low."
)


def _story() -> Story:
    ingest(item("Valparaíso to ration water as reservoirs run low", WATER))
    # The factories' feeds point at made-up outlets: the worker must not poll them.
    Feed.objects.update(active=False)
    return Story.objects.get()


def _expire_lock(name: str) -> None:
    """Pretend the lock's lease has run out (the clock moved on), on either broker."""
    if settings.REDIS_URL:
        broker.client().delete(f"{settings.CLARION_REDIS_PREFIX}:lock:{name}")
    else:
        Lock.objects.filter(name=name).update(expires_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
def test_it_drafts_again_once_after_a_worker_dies_mid_draft(fake_llm, tmp_path):
    story = _story()
    llm = {
        "CLARION_LLM_URL": fake_llm.url,
        "CLARION_LLM_MODEL": "test-model",
        "CLARION_LLM_TIMEOUT": "300",
    }
    fake_llm.delay = 600.0  # the endpoint takes the request and stays silent
    worker = start_worker(tmp_path, **llm)
    try:
        assert wait_for(lambda: fake_llm.requests, timeout=60), worker.tail()
        worker.kill()
    finally:
        worker.kill()

    # It died before writing anything: no draft, and the story is not marked drafted ...
    story.refresh_from_db()
    assert story.petition is None and story.draft_claimed_at is None
    assert not Petition.objects.exists()
    # ... but it is still held until the dead worker's lease runs out, so another
    # drafter leaves it alone rather than race a worker that might only be slow.
    assert draft_pending_stories() == []
    assert not Petition.objects.exists()

    _expire_lock(f"draft-story:{story.pk}")
    fake_llm.delay = 0.0
    fake_llm.answer_draft()
    worker = start_worker(tmp_path, "worker-2.log", **llm)
    try:
        assert wait_for(lambda: Petition.objects.exists(), timeout=60), worker.tail()
    finally:
        worker.stop()

    petition = Petition.objects.get()
    story.refresh_from_db()
    assert story.petition == petition
    assert petition.status == Petition.Status.DRAFT
    assert (
        petition.title == "Ministry of Public Works must share the water cuts in Valparaíso fairly"
    )
    assert len(fake_llm.requests) == 2  # asked once by each worker
    assert draft_pending_stories() == []


@pytest.mark.django_db
def test_a_drafter_that_outlived_its_lease_does_not_write_a_second_draft(monkeypatch):
    story = _story()
    real_propose = services.propose
    calls = []

    def slow_propose(brief, guidance):
        calls.append(brief)
        if len(calls) == 1:
            # The first drafter is so slow that its lease runs out, and the next round
            # (another worker) takes the story over and drafts it.
            _expire_lock(f"draft-story:{story.pk}")
            assert len(draft_pending_stories()) == 1
        return real_propose(brief, guidance)

    monkeypatch.setattr(services, "propose", slow_propose)

    assert draft_pending_stories() == []  # the slow one finished last and wrote nothing
    assert len(calls) == 2
    assert Petition.objects.count() == 1
    story.refresh_from_db()
    assert story.petition == Petition.objects.get()
