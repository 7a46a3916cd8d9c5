"""The news desk's periodic job (see clarion.core.jobs)."""

from __future__ import annotations

from clarion.core.jobs import Periodic
from clarion.news.services import claim_due_feeds, feed_poll


def poll_due_feeds() -> int:
    new = 0
    for feed in claim_due_feeds():
        new += feed_poll(feed).new
    return new


def periodic_jobs(tick: float) -> list[Periodic]:
    return [Periodic("feeds", poll_due_feeds, tick)]
