"""Each app declares its own periodic jobs; the worker finds them by itself."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

import pytest

from clarion.core import jobs
from clarion.core.jobs import Periodic

EXPECTED = {
    "outbox": "clarion.core",
    "feeds": "clarion.news",
    "counts": "clarion.petitions",
    "deadlines": "clarion.petitions",
    "milestones": "clarion.petitions",
    "recount": "clarion.petitions",
    "drafts": "clarion.drafting",
    "privacy": "clarion.privacy",
    "updates": "clarion.updates",
}


def test_the_worker_finds_every_app_s_jobs_in_their_own_apps():
    found = {job.name: job for job in jobs.discover(tick=7)}
    for name, app in EXPECTED.items():
        assert found[name].run.__module__.startswith(app), name
    # The tick paces the jobs that only need to run soon; the others keep their own.
    assert (found["feeds"].every, found["drafts"].every) == (7, 7)
    assert found["outbox"].every == 1


def test_a_new_app_s_jobs_run_without_touching_the_worker(monkeypatch):
    """An app that had no periodic work gains a jobs.py: the worker runs its job."""
    module = types.ModuleType("clarion.letters.jobs")
    module.periodic_jobs = lambda tick: [Periodic("reminders", lambda: 0, tick)]
    monkeypatch.setitem(sys.modules, "clarion.letters.jobs", module)
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str):
        return object() if name == "clarion.letters.jobs" else real_find_spec(name)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert "reminders" in [job.name for job in jobs.discover(tick=5)]


def test_two_jobs_of_one_name_are_refused(monkeypatch):
    def twice(tick):
        return [Periodic("outbox", lambda: 0, 1)]

    monkeypatch.setattr("clarion.news.jobs.periodic_jobs", twice)
    with pytest.raises(ValueError, match="outbox"):
        jobs.discover(tick=5)
