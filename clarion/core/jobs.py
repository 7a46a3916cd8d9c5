"""Periodic jobs: what each app asks the worker to run, and how often.

An app with periodic work declares it in its own ``jobs.py``::

    def periodic_jobs(tick: float) -> list[Periodic]:
        return [Periodic("feeds", poll_due_feeds, tick)]

``tick`` is CLARION_WORKER_TICK, the pace of the jobs that only need to run "soon"
(feeds, drafts); jobs a visitor waits for pick their own, shorter period. The worker
finds these modules by itself (``discover``), in the order of INSTALLED_APPS, so this
package never imports an app and a new app's jobs run without touching the worker.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Periodic:
    name: str
    run: Callable[[], int]
    every: float  # seconds


def discover(tick: float) -> list[Periodic]:
    """Every Clarion app's periodic jobs. Two jobs of one name are a mistake."""
    jobs: list[Periodic] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("clarion."):
            continue  # another library's ``jobs`` module means something else (django_rq's)
        module_name = f"{config.name}.jobs"
        if importlib.util.find_spec(module_name) is None:
            continue
        jobs.extend(importlib.import_module(module_name).periodic_jobs(tick))
    names = [job.name for job in jobs]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"two periodic jobs have the same name: {', '.join(twice)}")
    return jobs


def _housekeeping() -> int:
    from clarion.core import locks, ratelimit, tasks

    return (
        tasks.requeue_abandoned()
        + ratelimit.purge_expired()
        + locks.purge()
        + tasks.purge_results()
    )


def periodic_jobs(tick: float) -> list[Periodic]:
    """Core's own jobs: the outbox (what a signer waits for) and housekeeping.

    Housekeeping runs every five minutes: it is what runs again a task whose worker
    died, and the rest of it (deleting what has expired) costs a few indexed DELETEs.
    """
    from clarion.core.outbox import outbox_drain_all

    return [
        Periodic("outbox", outbox_drain_all, 1),
        Periodic("housekeeping", _housekeeping, 300),
    ]
