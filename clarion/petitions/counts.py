"""Signature counts.

A petition's ``signature_count`` is derived data, written only here:

* Confirming a signature sets the signature's ``confirmed_at`` and nothing else. The
  petition row is neither locked nor rewritten, so confirmations on a popular petition
  do not queue up behind one row.
* ``fold_counts`` (the worker runs it every second, under a lock so that one folder
  runs at a time across all workers) finds the petitions with confirmations since its
  high-water mark and raises their count to an indexed COUNT of their confirmed
  signatures. Counting instead of adding deltas makes a fold safe to repeat, so two
  folds, or overlapping windows, can never count a signature twice.
* A fold only ever raises a count: the number a page shows never goes down, and being
  a COUNT of confirmed signatures it never exceeds them.
* Deleting signatures is a moderator's action and the one way a count goes down: the
  deletion recounts its petitions at once (``refresh_counts``) and again in a task
  under the fold's lock once it has committed, in case a fold that read the signatures
  just before they went wrote over the first recount.
* ``recount_all`` (hourly, and ``clarion recount``) repairs any drift, either way.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from clarion.core import tasks
from clarion.petitions.models import CountFold, Petition, Signature

FOLD_LOCK = "petitions.counts"
# ``confirmed_at`` is stamped a moment before its transaction commits, so a fold may
# read past a confirmation that is not visible yet. Each fold re-reads this far behind
# its high-water mark to pick such late arrivals up; the hourly recount catches any
# later still.
FOLD_OVERLAP = timedelta(seconds=10)
FOLD_BATCH = 500


def _confirmed_count_subquery() -> Coalesce:
    counted = (
        Signature.objects.filter(petition=OuterRef("pk"), confirmed_at__isnull=False)
        .order_by()
        .values("petition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def refresh_counts(petition_ids: list[int]) -> int:
    """Set the given petitions' counts to their confirmed signatures, up or down."""
    if not petition_ids:
        return 0
    return Petition.objects.filter(pk__in=petition_ids).update(
        signature_count=_confirmed_count_subquery()
    )


def fold_counts() -> int:
    """Bring in the confirmations since the last fold; returns how many counts rose.

    Returns 0 at once when another worker holds the fold lock: it is folding the same
    confirmations right now.
    """
    # A short lease: should a folder die holding the lock, the next takes over within
    # seconds. A long fold renews it after every batch.
    with tasks.lock(FOLD_LOCK, ttl=20) as held:
        if held is None:
            return 0
        return _fold(held)


def _fold(held: tasks.Held) -> int:
    state = CountFold.objects.filter(pk=1).first()
    confirmed = Signature.objects.filter(confirmed_at__isnull=False)
    if state is not None:
        confirmed = confirmed.filter(confirmed_at__gte=state.folded_until - FOLD_OVERLAP)
    newest = confirmed.aggregate(newest=Max("confirmed_at"))["newest"]
    if newest is None:
        return 0
    # Reads the confirmed_at index only; a confirmation newer than ``newest`` is left
    # for the next fold, which starts from ``newest`` (less the overlap).
    petition_ids = list(
        confirmed.filter(confirmed_at__lte=newest)
        .order_by()
        .values_list("petition_id", flat=True)
        .distinct()
    )
    raised = 0
    for start in range(0, len(petition_ids), FOLD_BATCH):
        batch = petition_ids[start : start + FOLD_BATCH]
        actual = _confirmed_count_subquery()
        raised += Petition.objects.filter(pk__in=batch, signature_count__lt=actual).update(
            signature_count=actual
        )
        if not held.renew():
            # The lease ran out and another folder has the lock: it carries on from our
            # old mark, so leave the mark where it was.
            return raised
    if state is None:
        CountFold.objects.bulk_create([CountFold(pk=1, folded_until=newest)], ignore_conflicts=True)
    # Only ever forward, should a slower folder finish after a faster one.
    CountFold.objects.filter(pk=1, folded_until__lt=newest).update(folded_until=newest)
    return raised


def recount_petitions(petition_ids: list[int]) -> int:
    """Recount some petitions under the fold lock, so no fold can write in between."""
    with tasks.lock(FOLD_LOCK, ttl=60, wait=30) as held:
        if held is None:
            raise RuntimeError("the signature count lock stayed busy for 30 seconds")
        return refresh_counts(petition_ids)


def recount_all() -> int:
    """Repair every petition's count; returns how many were wrong."""
    with tasks.lock(FOLD_LOCK, ttl=600, wait=30) as held:
        if held is None:
            raise RuntimeError("the signature count lock stayed busy for 30 seconds")
        wrong = Petition.objects.annotate(
            actual=Count("signatures", filter=Q(signatures__confirmed_at__isnull=False))
        ).exclude(signature_count=F("actual"))
        ids = list(wrong.values_list("pk", flat=True))
        refresh_counts(ids)
        return len(ids)
