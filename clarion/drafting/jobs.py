"""Drafting's periodic job (see clarion.core.jobs)."""

from __future__ import annotations

from clarion.core.jobs import Periodic
from clarion.drafting.services import draft_pending_stories


def draft_stories() -> int:
    return len(draft_pending_stories())


def periodic_jobs(tick: float) -> list[Periodic]:
    return [Periodic("drafts", draft_stories, tick)]
