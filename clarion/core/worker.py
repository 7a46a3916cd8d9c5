"""The in-process worker: periodic jobs on the database as the queue.

Every job claims its rows with a conditional UPDATE (feeds by next_poll_at, stories by
draft_claimed_at, mail by status), so several workers can run side by side without
doing anything twice. A job that fails is logged and retried next round; it never
stops the others.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import close_old_connections

from clarion.delivery.services import outbox_drain
from clarion.drafting.services import draft_pending_stories
from clarion.news.services import claim_due_feeds, feed_poll
from clarion.petitions.counts import recount_all

logger = logging.getLogger("clarion.worker")


def poll_due_feeds() -> int:
    new = 0
    for feed in claim_due_feeds():
        new += feed_poll(feed).new
    return new


def draft_stories() -> int:
    return len(draft_pending_stories())


@dataclass
class Job:
    name: str
    run: Callable[[], int]
    every: float  # seconds
    last_run: float = field(default=float("-inf"))

    def due(self, now: float) -> bool:
        return now - self.last_run >= self.every


def default_jobs(tick: float) -> list[Job]:
    return [
        Job("feeds", poll_due_feeds, tick),
        Job("drafts", draft_stories, tick),
        Job("outbox", outbox_drain, tick),
        # Counts are kept right on every change; the hourly recount repairs any drift.
        Job("recount", recount_all, 3600),
    ]


class Worker:
    def __init__(self, jobs: list[Job], tick: float) -> None:
        self.jobs = jobs
        self.tick = tick
        self.stopping = False

    def stop(self, *_args: object) -> None:
        logger.info("worker stopping after the current job")
        self.stopping = True

    def run_round(self) -> dict[str, int]:
        done: dict[str, int] = {}
        now = time.monotonic()
        for job in self.jobs:
            if self.stopping or not job.due(now):
                continue
            job.last_run = now
            close_old_connections()
            try:
                done[job.name] = job.run()
            except Exception:
                logger.exception("job %s failed; it runs again next round", job.name)
        return done

    def run_forever(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        logger.info("worker started: %s", ", ".join(job.name for job in self.jobs))
        while not self.stopping:
            for name, count in self.run_round().items():
                if count:
                    logger.info("%s: %s", name, count)
            deadline = time.monotonic() + self.tick
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, self.tick))
