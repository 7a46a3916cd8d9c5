"""Petition work the worker does in the background."""

from __future__ import annotations

from clarion.core.tasks import task
from clarion.petitions.counts import recount_petitions

RECOUNT = "petitions.recount"


@task(RECOUNT)
def recount(petition_ids: list[int]) -> None:
    recount_petitions(petition_ids)
