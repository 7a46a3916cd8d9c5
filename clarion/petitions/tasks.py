"""Petition work the worker does in the background."""

from __future__ import annotations

from clarion.core.tasks import task
from clarion.petitions.counts import recount_petitions


# The recount waits up to 30 s for the fold lock, then counts a few petitions.
@task(time_limit=120)
def recount(petition_ids: list[int]) -> None:
    recount_petitions(petition_ids)
