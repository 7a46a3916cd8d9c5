"""Started petitions' periodic job (see clarion.core.jobs)."""

from __future__ import annotations

from clarion.campaigns.services import milestones_tell_creators, sponsors_check
from clarion.core.jobs import Periodic


def periodic_jobs(tick: float) -> list[Periodic]:
    # A petition whose last supporter just confirmed goes to moderation within seconds.
    return [
        Periodic("sponsors", sponsors_check, 5),
        # After petitions' milestone job has recorded a goal: the creator hears within a minute.
        Periodic("milestones-creators", milestones_tell_creators, 60),
    ]
