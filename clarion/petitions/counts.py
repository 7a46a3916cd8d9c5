"""Signature counts.

A petition's ``signature_count`` is derived data: it is always recomputed from the
confirmed signatures (an indexed COUNT), never incremented, so it cannot drift.
"""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from clarion.petitions.models import Petition, Signature


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
    """Recount the given petitions from their confirmed signatures."""
    if not petition_ids:
        return 0
    return Petition.objects.filter(pk__in=petition_ids).update(
        signature_count=_confirmed_count_subquery()
    )


def recount_all() -> int:
    """Repair every petition's count; returns how many were wrong."""
    wrong = Petition.objects.annotate(
        actual=Count("signatures", filter=Q(signatures__confirmed_at__isnull=False))
    ).exclude(signature_count=F("actual"))
    ids = list(wrong.values_list("pk", flat=True))
    refresh_counts(ids)
    return len(ids)
