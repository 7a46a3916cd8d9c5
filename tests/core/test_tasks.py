"""Queued tasks (django-tasks, in the database or in RQ), the periodic schedule and locks.

Workers here are threads, each with its own database connection or Redis socket, as
separate worker processes would have, or real ``clarion worker`` processes: the
promises only hold if they hold across connections.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import django_rq
import pytest
from django.db import connections, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult
from rq.registry import FailedJobRegistry

from clarion.core import broker, locks, schedule, tasks
from clarion.core.jobs import Periodic
from clarion.core.jobs import periodic_jobs as core_jobs
from clarion.core.worker import Worker
from clarion.petitions.models import Petition, Signature
from clarion.petitions.services import signatures_delete
from tests.core import sample_tasks
from tests.processes import start_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = "rq.timeouts.JobTimeoutException"


@pytest.fixture(autouse=True)
def _fresh_samples() -> Iterator[None]:
    sample_tasks.runs.clear()
    sample_tasks.woke.clear()
    sample_tasks.broken["now"] = True
    yield
    sample_tasks.runs.clear()


@pytest.fixture(params=["database", "redis"])
def on(request, settings) -> str:
    """The schedule and locks on the database, then on a real Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    else:
        settings.REDIS_URL = ""
    return request.param


def _closing(work: Callable[[], object]) -> Callable[[], object]:
    """``work`` for a thread of its own, which closes its database connection after."""

    def run() -> object:
        try:
            return work()
        finally:
            connections.close_all()

    return run


def _in_another_thread(work: Callable[[], object]) -> object:
    answer: list[object] = []
    thread = threading.Thread(target=_closing(lambda: answer.append(work())))
    thread.start()
    thread.join()
    return answer[0]


def _housekeeping() -> int:
    job = next(job for job in core_jobs(tick=5) if job.name == "housekeeping")
    return job.run()


# --- queued tasks in the database ---------------------------------------------------------


def test_a_task_queued_in_a_rolled_back_transaction_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        sample_tasks.record.enqueue(1)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        sample_tasks.record.enqueue(2)
        # Another worker (its own connection) finds nothing to run before the commit.
        assert _in_another_thread(lambda: DBTaskResult.objects.ready().exists()) is False

    assert Worker([]).run_round() == {"tasks": 1}
    assert sample_tasks.runs == [2]
    assert Worker([]).run_round() == {}


def test_each_task_runs_once_with_two_workers():
    results = [sample_tasks.record.enqueue(n) for n in range(30)]
    workers = [Worker([], name=f"worker-{n}") for n in range(2)]
    threads = [
        threading.Thread(target=_closing(lambda w=worker: w.run_tasks(burst=True)))
        for worker in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()

    assert Counter(sample_tasks.runs) == Counter(range(30))
    for result in results:
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert len(result.worker_ids) == 1


def test_a_failed_task_shows_in_admin_and_retry_runs_it_again(client, moderator):
    result = sample_tasks.flaky.enqueue(5)
    assert Worker([]).run_round() == {"tasks": 1}
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert "the mail server is down" in result.errors[0].traceback

    client.force_login(moderator)
    page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200
    assert result.id in page.content.decode() and "flaky" in page.content.decode()

    answer = client.post(
        "/admin/django_tasks_database/dbtaskresult/",
        {"action": "retry", "_selected_action": [result.id]},
        follow=True,
    )
    assert "1 failed task(s) queued again." in answer.content.decode()
    result.refresh()
    assert result.status == TaskResultStatus.READY

    sample_tasks.broken["now"] = False  # the mail server is back
    assert Worker([]).run_round() == {"tasks": 1}
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert sample_tasks.runs == [5]


def test_retry_leaves_tasks_that_did_not_fail_alone():
    waiting = sample_tasks.record.enqueue(1)
    assert tasks.retry_failed([waiting.id]) == 0


def test_a_task_over_its_time_limit_is_stopped_and_recorded_failed():
    result = sample_tasks.sleepy.enqueue()
    # In the main thread, as in `clarion worker`: the limit interrupts the sleep.
    assert Worker([]).run_round() == {"tasks": 1}

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == TIMEOUT
    assert sample_tasks.woke == []


def _claimed_by_a_dead_worker(result, *, seconds_ago: float) -> None:
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("dead-worker")
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_a_dead_workers_task_runs_again_once_past_its_time_limit(settings):
    settings.CLARION_TASK_TIME_LIMIT = 600
    dead = sample_tasks.record.enqueue(7)
    _claimed_by_a_dead_worker(dead, seconds_ago=600 + tasks.GRACE.total_seconds() + 1)
    # A task still within its limit may belong to a live, busy worker: left alone.
    busy = sample_tasks.record.enqueue(8)
    _claimed_by_a_dead_worker(busy, seconds_ago=590)

    assert _housekeeping() >= 1
    dead.refresh()
    busy.refresh()
    assert (dead.status, busy.status) == (TaskResultStatus.READY, TaskResultStatus.RUNNING)

    assert Worker([], name="survivor").run_round() == {"tasks": 1}
    dead.refresh()
    assert dead.status == TaskResultStatus.SUCCESSFUL
    assert dead.worker_ids == ["dead-worker", "survivor"]
    assert sample_tasks.runs == [7]


def test_a_task_whose_worker_was_killed_mid_run_runs_again(database_broker, tmp_path):
    result = sample_tasks.stall.enqueue(9)
    worker = start_worker(tmp_path, SAMPLE_TASKS_STALL="1")
    try:
        assert wait_for(lambda: DBTaskResult.objects.running().exists(), timeout=60), worker.tail()
    finally:
        worker.kill()  # SIGKILL, mid-task: nobody records anything
    result.refresh()
    assert result.status == TaskResultStatus.RUNNING
    assert tasks.requeue_abandoned() == 0  # it might be a slow task of a live worker

    DBTaskResult.objects.filter(pk=result.id).update(
        started_at=timezone.now() - timedelta(seconds=30) - tasks.GRACE - timedelta(seconds=1)
    )
    assert tasks.requeue_abandoned() == 1
    assert Worker([]).run_round() == {"tasks": 1}
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert len(result.worker_ids) == 2
    assert sample_tasks.runs == [9]


def test_a_task_whose_workers_keep_dying_is_recorded_failed():
    result = sample_tasks.record.enqueue(1)
    for _run in range(tasks.MAX_ABANDONED_RUNS):
        _claimed_by_a_dead_worker(result, seconds_ago=3600)
        assert tasks.requeue_abandoned() == 1
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "clarion.core.tasks.WorkerDied"
    assert sample_tasks.runs == []


def test_housekeeping_forgets_old_results_and_keeps_recent_ones():
    old_ok, old_failed, new_failed = (sample_tasks.record.enqueue(n) for n in range(3))
    now = timezone.now()
    for result, status, age in [
        (old_ok, TaskResultStatus.SUCCESSFUL, tasks.KEEP_SUCCESSFUL),
        (old_failed, TaskResultStatus.FAILED, tasks.KEEP_FAILED),
        (new_failed, TaskResultStatus.FAILED, tasks.KEEP_SUCCESSFUL),
    ]:
        DBTaskResult.objects.filter(pk=result.id).update(
            status=status, finished_at=now - age - timedelta(minutes=1)
        )
    assert tasks.purge_results() == 2
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [new_failed.db_result.pk]


# --- queued tasks in RQ (a real Redis) ---------------------------------------------------


def _rq_failed() -> FailedJobRegistry:
    return FailedJobRegistry(queue=django_rq.get_queue("default"))


def test_rq_pushes_a_task_once_its_transaction_commits(rq_tasks):
    queue = django_rq.get_queue("default")
    with pytest.raises(RuntimeError), transaction.atomic():
        sample_tasks.record.enqueue(1)
        raise RuntimeError("rolled back")
    assert queue.count == 0
    with transaction.atomic():
        sample_tasks.record.enqueue(2)
        assert queue.count == 0  # no worker may see it before the change it is about
    assert queue.count == 1

    assert Worker([]).run_round() == {"tasks": 1}
    assert sample_tasks.runs == [2]


def test_rq_a_failed_task_shows_in_the_rq_pages_and_requeued_runs_again(
    rq_tasks, client, moderator, outsider
):
    result = sample_tasks.flaky.enqueue(5)
    assert Worker([]).run_round() == {"tasks": 1}
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert _rq_failed().get_job_ids() == [result.id]

    client.force_login(outsider)
    assert client.get("/admin/rq/queues/0/failed/").status_code == 302  # staff only
    client.force_login(moderator)
    page = client.get("/admin/rq/queues/0/failed/")
    assert page.status_code == 200 and result.id in page.content.decode()
    assert client.post(f"/admin/rq/queues/0/{result.id}/requeue/").status_code == 302
    assert django_rq.get_queue("default").count == 1

    sample_tasks.broken["now"] = False
    assert Worker([]).run_round() == {"tasks": 1}
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert sample_tasks.runs == [5]
    assert _rq_failed().get_job_ids() == []


def test_rq_a_task_over_its_time_limit_is_stopped_and_recorded_failed(rq_tasks):
    result = sample_tasks.sleepy.enqueue()
    assert Worker([]).run_round() == {"tasks": 1}
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == TIMEOUT
    assert sample_tasks.woke == []


def test_rq_two_worker_processes_run_each_task_once_and_stop_on_sigterm(rq_tasks, tmp_path):
    for n in range(20):
        sample_tasks.record_in_redis.enqueue(n)
    ran = broker.client()

    def runs() -> list[int]:
        return [int(n) for n in ran.lrange(broker.key("runs"), 0, -1)]

    workers = [start_worker(tmp_path, f"worker-{n}.log") for n in range(2)]
    try:
        assert wait_for(lambda: len(runs()) >= 20, timeout=90), workers[0].tail()
        # Stopped once running: a worker still importing Django has no handler yet, and
        # one fast worker may have run every task before the other is up.
        for worker in workers:
            assert wait_for(lambda w=worker: " started: " in w.log.read_text(), timeout=60)
        for worker in workers:
            worker.popen.terminate()  # SIGTERM, as an operator or systemd stops it
        for worker in workers:
            assert worker.popen.wait(timeout=30) == 0, worker.tail()
    finally:
        for worker in workers:
            worker.stop()
    assert Counter(runs()) == Counter(range(20))
    assert django_rq.get_queue("default").count == 0


def test_rq_deleting_signatures_recounts_after_commit(rq_tasks, petition, sign):
    sign(petition, "a@example.org")
    sign(petition, "b@example.org")
    signatures_delete(Signature.objects.filter(email="a@example.org"))
    # A fold that read the deleted signature could raise the count again in between ...
    Petition.objects.filter(pk=petition.pk).update(signature_count=2)

    assert Worker([]).run_round() == {"tasks": 1}
    # ... and the queued recount, under the fold lock, puts it right.
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_the_task_backend_follows_redis_url(rq_tasks):
    assert isinstance(task_backends["default"], tasks.RQBackend)
    assert not tasks.on_database()
    assert tasks.requeue_abandoned() == 0  # RQ looks after its own


# --- the periodic schedule and locks, on both ------------------------------------------


def test_a_periodic_job_runs_once_per_period_across_workers(on):
    calls: list[int] = []
    job = Periodic("hourly", lambda: calls.append(1) or 1, 3600)
    first, second = Worker([job], name="one"), Worker([job], name="two")
    assert first.run_round() == {"hourly": 1}
    assert first.run_round() == {}
    assert second.run_round() == {}
    assert calls == [1]


def test_a_periodic_job_runs_again_in_its_next_period(on):
    calls: list[int] = []
    job = Periodic("often", lambda: calls.append(1) or 1, 0.5)
    worker = Worker([job])
    worker.run_round()
    time.sleep(0.6)
    worker.run_round()
    assert calls == [1, 1]


def test_only_one_of_many_racing_workers_wins_a_period(on):
    barrier = threading.Barrier(8)
    wins: list[bool] = []
    guard = threading.Lock()

    def race() -> None:
        barrier.wait()
        won, _wait = schedule.claim_period("race", 60)
        with guard:
            wins.append(won)

    threads = [threading.Thread(target=_closing(race)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]
    won, wait = schedule.claim_period("race", 60)
    assert not won and 55 < wait <= 60


def test_a_lock_has_one_holder_and_its_lease_frees_it(on):
    assert locks.acquire("job", "a", ttl=1.5)
    assert locks.acquire("job", "a", ttl=1.5)  # renewing one's own lock
    assert not locks.acquire("job", "b", ttl=1.5)
    time.sleep(1.7)  # a died holding it
    assert locks.acquire("job", "b", ttl=5)
    assert not locks.acquire("job", "a", ttl=5)
    locks.release("job", "a")  # not a's to release any more
    assert not locks.acquire("job", "c", ttl=5)
    locks.release("job", "b")
    assert locks.acquire("job", "c", ttl=5)


def test_the_lock_helper_waits_or_gives_up(on):
    with locks.lock("shared", ttl=5) as first:
        assert first is not None
        with locks.lock("shared", ttl=5, wait=0.2) as second:
            assert second is None
        assert first.renew()
    with locks.lock("shared", ttl=5) as again:
        assert again is not None


def test_two_threads_never_hold_one_lock_at_once(on):
    holding: list[int] = []
    overlaps: list[int] = []
    guard = threading.Lock()

    def work(n: int) -> None:
        for _round in range(5):
            with locks.lock("counter", ttl=10, wait=30) as held:
                assert held is not None
                with guard:
                    holding.append(n)
                    if len(holding) > 1:
                        overlaps.append(n)
                time.sleep(0.01)
                with guard:
                    holding.remove(n)

    threads = [threading.Thread(target=_closing(lambda n=n: work(n))) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []


def test_housekeeping_forgets_locks_free_for_a_day(database_broker):
    from clarion.core.models import Lock

    Lock.objects.create(name="old", owner="", expires_at=timezone.now() - timedelta(days=2))
    Lock.objects.create(name="held", owner="x", expires_at=timezone.now() + timedelta(minutes=1))
    assert locks.purge() == 1
    assert list(Lock.objects.values_list("name", flat=True)) == ["held"]
