"""Signature counts: confirming leaves the petition alone, the fold catches up."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from clarion.confirmations.services import confirm as confirm_link
from clarion.core import locks
from clarion.petitions import counts
from clarion.petitions.counts import FOLD_LOCK, fold_counts, recount_all
from clarion.petitions.models import Petition, Signature
from clarion.petitions.services import SignatureInput, signature_create
from tests.conftest import fold, issued_token

pytestmark = pytest.mark.django_db


def _pending(petition: Petition, email: str) -> Signature:
    data = SignatureInput(full_name="Ana Example", email=email, country="GB")
    return signature_create(petition=petition, data=data)


def _confirmed_without_fold(petition: Petition, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        confirm_link("signature", issued_token(_pending(petition, f"signer{n}@example.org")))


def _count(petition: Petition) -> int:
    petition.refresh_from_db(fields=["signature_count"])
    return petition.signature_count


def test_confirming_does_not_touch_the_petition_row(petition):
    token = issued_token(_pending(petition, "ana@example.org"))
    before = Petition.objects.values().get(pk=petition.pk)

    with CaptureQueriesContext(connection) as queries:
        confirm_link("signature", token)

    table = Petition._meta.db_table
    writes = [
        q["sql"]
        for q in queries
        if table in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert writes == []
    assert not any("FOR UPDATE" in q["sql"].upper() for q in queries)
    assert Petition.objects.values().get(pk=petition.pk) == before
    confirmed = Signature.objects.get()
    assert confirmed.confirmed_at is not None
    assert confirmed.count_pending  # waiting for the fold


def test_the_fold_brings_the_count_in_line(petition, make_petition):
    other = make_petition()
    _confirmed_without_fold(petition, 3)
    _pending(petition, "pending@example.org")
    _confirmed_without_fold(other, 1, start=10)
    assert (_count(petition), _count(other)) == (0, 0)

    assert fold_counts() == 2

    assert (_count(petition), _count(other)) == (3, 1)
    assert not Signature.objects.filter(count_pending=True).exists()
    assert fold_counts() == 0  # nothing new: nothing changes


def test_a_confirmation_made_while_a_fold_runs_waits_for_the_next_fold(petition, monkeypatch):
    _confirmed_without_fold(petition, 1)
    late_token = issued_token(_pending(petition, "late@example.org"))
    count_subquery = counts._confirmed_count_subquery

    def confirm_meanwhile():
        # Lands after the fold read its pending confirmations, before it clears them.
        monkeypatch.setattr(counts, "_confirmed_count_subquery", count_subquery)
        confirm_link("signature", late_token)
        return count_subquery()

    monkeypatch.setattr(counts, "_confirmed_count_subquery", confirm_meanwhile)
    fold()

    late = Signature.objects.get(email="late@example.org")
    assert late.count_pending  # not cleared by a fold that did not read it
    fold()
    assert _count(petition) == 2
    assert not Signature.objects.filter(count_pending=True).exists()


def test_the_fold_never_lowers_a_count_and_the_recount_repairs_drift(petition, sign):
    sign(petition, "a@example.org")
    Petition.objects.filter(pk=petition.pk).update(signature_count=40)
    sign(petition, "b@example.org")  # folds
    assert _count(petition) == 40  # a page never sees its count go down ...

    assert recount_all() == 1  # ... and the hourly recount puts it right

    assert _count(petition) == 2
    Petition.objects.filter(pk=petition.pk).update(signature_count=0)
    assert recount_all() == 1
    assert _count(petition) == 2
    assert recount_all() == 0


def test_the_fold_waits_its_turn_while_another_worker_folds(petition):
    _confirmed_without_fold(petition, 2)
    with locks.lock(FOLD_LOCK) as held:
        assert held is not None
        assert fold_counts() == 0
        assert _count(petition) == 0
    assert fold_counts() == 1
    assert _count(petition) == 2


def test_deleting_signatures_recounts_at_once_and_again_after_commit(
    database_broker, petition, sign
):
    from clarion.petitions.services import signatures_delete

    sign(petition, "a@example.org")
    sign(petition, "b@example.org")

    signatures_delete(Signature.objects.filter(email="a@example.org"))

    assert _count(petition) == 1
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "clarion.petitions.tasks.recount"
    assert queued.args_kwargs == {"args": [], "kwargs": {"petition_ids": [petition.pk]}}
    # A fold that read the deleted signature could raise the count again in between ...
    Petition.objects.filter(pk=petition.pk).update(signature_count=2)
    call_command("worker", "--once")
    # ... and the queued recount, under the fold lock, puts it right.
    assert _count(petition) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["database", "redis"])
def test_folders_racing_in_several_workers_never_double_count(request, broker, make_petition):
    if broker == "redis":
        request.getfixturevalue("redis_url")
    petition = make_petition()
    _confirmed_without_fold(petition, 5)
    barrier = threading.Barrier(4)
    raised: list[int] = []

    def folder() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                raised.append(fold_counts())  # while more confirmations arrive
        finally:
            connections.close_all()

    threads = [threading.Thread(target=folder) for _ in range(4)]
    for thread in threads:
        thread.start()
    _confirmed_without_fold(petition, 5, start=100)
    for thread in threads:
        thread.join()
    fold()

    assert _count(petition) == 10 == Signature.objects.filter(confirmed_at__isnull=False).count()
    # Counting, not adding, means a repeated fold can't inflate anything.
    assert fold_counts() == 0
    assert _count(petition) == 10
