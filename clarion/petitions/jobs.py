"""Petitions' periodic jobs (see clarion.core.jobs)."""

from __future__ import annotations

from clarion.core.jobs import Periodic
from clarion.petitions.counts import fold_counts, recount_all
from clarion.petitions.services import milestones_record, petitions_close_due


def periodic_jobs(tick: float) -> list[Periodic]:
    return [
        # What a signer waits for: the count going up.
        Periodic("counts", fold_counts, 1),
        # Closing on time (signing already stops at closes_at) and goals reached.
        Periodic("deadlines", petitions_close_due, 15),
        Periodic("milestones", milestones_record, 5),
        Periodic("recount", recount_all, 3600),
    ]
