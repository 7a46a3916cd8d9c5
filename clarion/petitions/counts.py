"""Signature counts.

A petition's ``signature_count`` is derived data, written only here:

* Confirming a signature writes the signature alone: it sets ``confirmed_at`` and
  marks it ``count_pending``, in one UPDATE. The petition row is neither locked nor
  rewritten, so confirmations on a popular petition never queue behind one row.
* ``fold_counts`` (the worker runs it every second, under a lock so that one folder
  runs at a time across all workers) takes the pending confirmations from a small
  partial index, raises their petitions' counts to an indexed COUNT of confirmed
  signatures, and only then clears their marks. It needs no clock: a confirmation that
  commits while a fold runs is simply still pending for the next one.
* Counting instead of adding deltas makes a fold safe to repeat: a fold that dies
  before clearing its marks, or two folds at once, can never count a signature twice.
  (The price: a petition that just got signatures costs one index count per fold.)
* A fold only ever raises a count: the number a page shows never goes down, and being
  a COUNT of confirmed signatures it never exceeds them.
* Deleting signatures is a moderator's action and the one way a count goes down: the
  deletion recounts its petitions at once (``refresh_counts``) and again in a task
  under the fold's lock once it has committed, in case a fold that read the signatures
  just before they went wrote over the first recount.
* ``recount_all`` (hourly, and ``clarion recount``) repairs any drift, either way.
* Signatures held by the abuse controls (``held``) are confirmed but never counted;
  releasing them marks them pending for the fold, and invalidating counted ones
  recounts like a deletion (see ``petitions.abuse``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from clarion.core import locks
from clarion.petitions.models import Petition, Signature
from clarion.petitions.selectors import counted, counted_signatures

FOLD_LOCK = "petitions.counts"
FOLD_BATCH = 1000


def _confirmed_count_subquery() -> Coalesce:
    counted = (
        counted_signatures()
        .filter(petition=OuterRef("pk"))
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
    """Fold pending confirmations into counts; returns how many petitions it updated.

    Returns 0 at once when another worker holds the fold lock: it is folding the same
    confirmations right now.
    """
    if not Signature.objects.filter(count_pending=True).exists():
        return 0  # the usual answer, found in a tiny index without taking the lock
    # A short lease: should a folder die holding the lock, the next takes over within
    # seconds. A long fold renews it after every batch.
    with locks.lock(FOLD_LOCK, ttl=20) as held:
        if held is None:
            return 0
        return _fold(held)


def _fold(held: locks.Held) -> int:
    folded = 0
    while True:
        pending = list(
            Signature.objects.filter(count_pending=True)
            .order_by()
            .values_list("pk", "petition_id")[:FOLD_BATCH]
        )
        if not pending:
            return folded
        # One transaction: a reader sees these confirmations either still pending or
        # counted, never both (selectors.count_now adds the pending ones to the count).
        with transaction.atomic():
            # GREATEST: a fold only ever raises a count (see the module's docstring).
            folded += Petition.objects.filter(
                pk__in={petition_id for _pk, petition_id in pending}
            ).update(signature_count=Greatest(F("signature_count"), _confirmed_count_subquery()))
            # Only now that the counts include them are these confirmations folded. One
            # confirmed since the read above is not in the list and waits for the next.
            Signature.objects.filter(pk__in=[pk for pk, _petition in pending]).update(
                count_pending=False
            )
        if len(pending) < FOLD_BATCH or not held.renew():
            # Done, or the lease ran out and another folder carries on.
            return folded


def recount_petitions(petition_ids: list[int]) -> int:
    """Recount some petitions under the fold lock, so no fold can write in between."""
    with locks.lock(FOLD_LOCK, ttl=60, wait=30) as held:
        if held is None:
            raise RuntimeError("the signature count lock stayed busy for 30 seconds")
        return refresh_counts(petition_ids)


def recount_all() -> int:
    """Repair every petition's count; returns how many were wrong."""
    with locks.lock(FOLD_LOCK, ttl=600, wait=30) as held:
        if held is None:
            raise RuntimeError("the signature count lock stayed busy for 30 seconds")
        wrong = Petition.objects.annotate(
            actual=Count(
                "signatures",
                filter=counted("signatures__"),
            )
        ).exclude(signature_count=F("actual"))
        ids = list(wrong.values_list("pk", flat=True))
        refresh_counts(ids)
        return len(ids)
