"""The updates mailing's periodic job (see clarion.core.jobs)."""

from __future__ import annotations

from clarion.core.jobs import Periodic
from clarion.updates.services import updates_mail


def periodic_jobs(tick: float) -> list[Periodic]:
    # Updates to signers, queued into the outbox a batch at a time.
    return [Periodic("updates", updates_mail, 2)]
