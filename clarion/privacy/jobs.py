"""The retention purge, daily (see clarion.core.jobs; `clarion purge` runs it at once)."""

from __future__ import annotations

from clarion.core.jobs import Periodic
from clarion.privacy.services import privacy_purge


def purge_personal_data() -> int:
    result = privacy_purge()
    return result.unconfirmed + result.ip_hashes + result.mail


def periodic_jobs(tick: float) -> list[Periodic]:
    return [Periodic("privacy", purge_personal_data, 86400)]
