"""Queued tasks: Django's tasks API (the django-tasks backport), each with a time limit.

A task is a module-level function decorated with ``@task()`` from here, and queued with
``its_task.enqueue(...)`` (JSON-able arguments). Where it waits depends on the site:

* **The database** (default, django-tasks-db): enqueueing INSERTs a ``DBTaskResult`` row
  in the caller's transaction, so a rolled-back change queues nothing. A worker claims a
  row (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive transaction on
  SQLite), runs it and records it successful or failed.
* **Redis** (``REDIS_URL`` set, django-tasks-rq on RQ): the job is pushed once the
  caller's transaction commits, so a worker never sees a task about a change it can't
  see yet, and a rolled-back change pushes nothing.

``clarion worker`` runs them (``clarion.core.worker``). Every task has a time limit, its
own (``@task(time_limit=...)``) or ``CLARION_TASK_TIME_LIMIT``: a task still running then
is stopped and recorded failed. A failed task is not retried by itself (what failed
once usually fails again at once); the admin shows it and retries it on request. A
task whose worker died is run again (see ``requeue_abandoned``), so tasks are written
to be safe to repeat.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any, ParamSpec, TypeVar

import django_rq
import django_tasks
import django_tasks_rq
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus, task_backends
from django_tasks.base import Task
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_module_path, get_random_id
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_rq.backend import Job, failed_callback, success_callback
from rq.job import Callback

P = ParamSpec("P")
T = TypeVar("T")

# A worker that died mid-task leaves its row RUNNING; it is run again once it has been
# RUNNING for its time limit plus this, which no live worker lets a task reach.
GRACE = timedelta(seconds=60)
# Runs after which a task whose workers keep dying is recorded failed instead: it is
# likely what kills them (out of memory, say).
MAX_ABANDONED_RUNS = 3
# How long finished results stay on the database backend (RQ expires its own).
KEEP_SUCCESSFUL = timedelta(days=1)
KEEP_FAILED = timedelta(days=30)

_time_limits: dict[str, int] = {}


class WorkerDied(Exception):
    """Recorded on a task whose workers died while running it too many times."""


def task(
    *, time_limit: int | None = None, **options: Any
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """``django_tasks.task`` with a time limit in seconds (default: CLARION_TASK_TIME_LIMIT)."""

    def wrap(func: Callable[P, T]) -> Task[P, T]:
        if time_limit is not None:
            if time_limit < 1:
                raise ValueError("a task's time limit is a whole number of seconds, 1 or more")
            _time_limits[get_module_path(func)] = time_limit
        return django_tasks.task(**options)(func)

    return wrap


def time_limit_of(task_path: str) -> int:
    """Seconds the task at ``task_path`` (its ``module_path``) may run."""
    if task_path not in _time_limits:
        # Its module declares its limit as it loads; a task gone from the code gets the
        # default.
        with contextlib.suppress(ImportError):
            import_string(task_path)
    return _time_limits.get(task_path, settings.CLARION_TASK_TIME_LIMIT)


def on_database() -> bool:
    """Whether tasks wait in the database (rather than in RQ)."""
    return isinstance(task_backends["default"], DatabaseBackend)


# --- the database backend's upkeep (the housekeeping job) -------------------------------


def requeue_abandoned() -> int:
    """Run again the tasks whose worker died while running them. Returns how many.

    A live worker stops a task at its time limit and records it, so a row still RUNNING
    past its limit plus ``GRACE`` belongs to a dead worker. Each UPDATE re-checks that
    the row is still RUNNING and as old, so a worker that records it at that moment, or
    another worker's housekeeping, wins cleanly. (RQ does the same for its own jobs: a
    job whose worker stopped sending heartbeats goes to the failed jobs.)
    """
    if not on_database():
        return 0
    now = timezone.now()
    running = DBTaskResult.objects.running()
    moved = 0
    for task_path in set(running.values_list("task_path", flat=True)):
        cutoff = now - timedelta(seconds=time_limit_of(task_path)) - GRACE
        abandoned = running.filter(task_path=task_path, started_at__lt=cutoff)
        # worker_ids grows by one per run: an element at this index means that many runs.
        moved += abandoned.filter(
            **{f"worker_ids__{MAX_ABANDONED_RUNS - 1}__isnull": False}
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=get_module_path(WorkerDied),
            traceback=f"Its worker died while running it, {MAX_ABANDONED_RUNS} times.",
        )
        moved += abandoned.update(status=TaskResultStatus.READY, started_at=None)
    return moved


def retry_failed(ids: list[Any]) -> int:
    """Queue failed tasks again (the admin's "Retry"). Returns how many.

    Only failed ones: a task still waiting or running is on its way already.
    """
    return (
        DBTaskResult.objects.failed()
        .filter(pk__in=ids)
        .update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            exception_class_path="",
            traceback="",
        )
    )


def purge_results() -> int:
    """Delete finished results nobody is likely to look at any more."""
    if not on_database():
        return 0
    now = timezone.now()
    successful = DBTaskResult.objects.successful().filter(finished_at__lt=now - KEEP_SUCCESSFUL)
    failed = DBTaskResult.objects.failed().filter(finished_at__lt=now - KEEP_FAILED)
    return successful.delete()[0] + failed.delete()[0]


# --- the Redis backend --------------------------------------------------------------------


class RQBackend(django_tasks_rq.RQBackend):
    """django-tasks-rq, pushing once the caller's transaction commits, with time limits.

    ``run_after`` is refused: it needs RQ's scheduler, a process of its own that
    ``clarion worker`` does not start, and no Clarion task waits that way.
    """

    supports_defer = False

    def enqueue(self, task: Task[P, T], args: Any, kwargs: Any) -> TaskResult[T]:
        self.validate_task(task)  # a bad task fails here, in the caller
        result: TaskResult[T] = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # Robust: once the change has committed, a Redis hiccup is logged rather than
        # turned into an error for a request whose work is done.
        transaction.on_commit(partial(self._push, result), robust=True)
        return result

    def _push(self, result: TaskResult) -> None:
        task = result.task
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=result.args,
            kwargs=result.kwargs,
            job_id=result.id,
            timeout=time_limit_of(task.module_path),
            failure_ttl=int(KEEP_FAILED.total_seconds()),
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
        )
        queue.enqueue_job(job)
        task_enqueued.send(type(self), task_result=result)
