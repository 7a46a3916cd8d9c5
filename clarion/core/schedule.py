"""The periodic schedule every worker shares: a job runs once per period.

However many workers run, on one machine or several, the worker that moves a job's
next run forward is the one that runs it. With ``REDIS_URL`` empty the next run is a
row moved by a conditional UPDATE; with it set, a key set with ``NX`` that lives one
period.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from clarion.core import broker
from clarion.core.locks import worker_id
from clarion.core.models import PeriodicSlot


def claim_period(name: str, every: float) -> tuple[bool, float]:
    """(whether this caller runs the job now, seconds until it is worth asking again)."""
    if settings.REDIS_URL:
        return _redis_claim(name, every)
    return _database_claim(name, every)


def _database_claim(name: str, every: float) -> tuple[bool, float]:
    now = timezone.now()
    next_run = PeriodicSlot.objects.filter(name=name).values_list("next_run_at", flat=True)
    due = next_run.first()
    if due is None:
        PeriodicSlot.objects.bulk_create(
            [PeriodicSlot(name=name, next_run_at=now)], ignore_conflicts=True
        )
    elif due > now:
        # Reading first keeps a waiting worker from taking write locks for nothing.
        return False, (due - now).total_seconds()
    won = PeriodicSlot.objects.filter(name=name, next_run_at__lte=now).update(
        next_run_at=now + timedelta(seconds=every)
    )
    return (True, every) if won else (False, min(every, 0.1))


def _redis_claim(name: str, every: float) -> tuple[bool, float]:
    client = broker.client()
    period_key = broker.key("periodic", name)
    period_ms = max(1, int(every * 1000))
    # The key lives exactly one period: whoever creates it runs this period's job.
    if client.set(period_key, worker_id(), nx=True, px=period_ms):
        return True, every
    left = client.pttl(period_key)
    if left == -1:  # no expiry: not ours, and it would never open again
        client.pexpire(period_key, period_ms)
        return False, every
    return False, (left / 1000 if left > 0 else 0.01)
