"""The worker: periodic jobs and queued tasks, shared by every worker process.

Each periodic job has its own lane (a thread) in every worker, so a slow feed or a slow
mail server never holds up the signature counts. A lane runs its job only when it wins
the job's period on the shared schedule (``clarion.core.schedule``), so with any number
of workers, on one machine or several, each job runs once per period. Any job may still
overlap a slower run of itself elsewhere: each one claims its rows (feeds by
next_poll_at, mail by status) or takes a lock with a lease (each story being drafted,
the count fold), so overlapping runs never do anything twice.

Queued tasks (``clarion.core.tasks``) run in the main thread, one at a time, with the
libraries' own workers: django-tasks-db's on the database, RQ's ``SimpleWorker`` on
Redis. The main thread because a task's time limit is a SIGALRM, which only reaches
that thread and also cuts a blocking call (a socket read, a sleep) short; RQ also
handles SIGTERM and SIGINT there. For more tasks at once, run more workers.

A job or task that fails is logged (a task is recorded failed); it never stops the others.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable
from types import FrameType
from typing import Protocol

from django.db import connections
from django_rq.queues import get_queues
from django_tasks import task_backends
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_rq import Job
from rq import Queue, SimpleWorker
from rq.timeouts import (
    BaseDeathPenalty,
    JobTimeoutException,
    TimerDeathPenalty,
    UnixSignalDeathPenalty,
)

from clarion.core import schedule, tasks
from clarion.core.jobs import Periodic
from clarion.core.locks import worker_id

logger = logging.getLogger("clarion.worker")


def _fresh_connections() -> None:
    """Drop connections that broke or outlived CONN_MAX_AGE, as a request start does.

    A connection inside a transaction is left alone: whoever opened it (a test, say)
    still needs it.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


class TaskRunner(Protocol):
    def process(self) -> int:
        """Run queued tasks, until none is left (burst) or until interrupted; how many."""
        ...

    def interrupt(self) -> None:
        """Ask ``process`` to return once the task it is running, if any, is recorded."""
        ...


class _TimeLimitInThread(JobTimeoutException):
    """A time limit raised into a worker thread. RQ's TimerDeathPenalty rewrites the
    ``__init__`` of the class it raises, so it gets this one rather than RQ's own."""


class DatabaseTasks(db_worker.Worker):
    """django-tasks-db's worker (claims, runs and records tasks), with time limits."""

    def __init__(self, name: str, *, burst: bool) -> None:
        super().__init__(
            queue_names=["*"],
            interval=1.0,  # seconds between looks at an empty queue
            batch=burst,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=name[:64],
            excluded_queue_names=[],
        )

    def process(self) -> int:
        self.run()
        return self._run_tasks

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # SIGALRM reaches only the main thread (where `clarion worker` runs tasks); a
        # worker run in another thread (tests) has the exception raised in that thread.
        penalty: BaseDeathPenalty
        limit = tasks.time_limit_of(db_task_result.task_path)
        if _in_main_thread():
            penalty = UnixSignalDeathPenalty(limit, JobTimeoutException)
        else:
            penalty = TimerDeathPenalty(limit, _TimeLimitInThread)
        _fresh_connections()
        try:
            # The library records the timeout as the task's failure, like any exception.
            with penalty:
                super().run_task(db_task_result)
        except JobTimeoutException:
            # The limit struck while the outcome was being written: the row stays
            # RUNNING, and housekeeping runs it again later.
            logger.error("task %s hit its time limit while being recorded", db_task_result.pk)

    def interrupt(self) -> None:
        self.running = False


class RQTasks(SimpleWorker):
    """RQ's worker that runs jobs in its own process (no fork), in the main thread."""

    def __init__(self, name: str, *, burst: bool, on_stop: Callable[[], None]) -> None:
        backend = task_backends["default"]
        queues: list[Queue] = get_queues(*sorted(backend.queues), job_class=Job)
        super().__init__(
            queues,
            name=f"{name.replace(':', '.')}.{uuid.uuid4().hex[:8]}",
            connection=queues[0].connection,
            job_class=Job,
        )
        self.burst = burst
        self.on_stop = on_stop
        self.ran = 0

    def execute_job(self, job: Job, queue: Queue) -> None:
        _fresh_connections()
        super().execute_job(job, queue)
        self.ran += 1

    def subscribe(self) -> None:
        # RQ's own listens for commands (`rq` shutdown, stop-job) in reads of up to 60 s,
        # and redis-py's PubSubWorkerThread.stop() waits for the current read to end, so
        # every stop (each `--once` included) took up to a minute. Reads of a second each
        # cost nothing (no command is sent) and bound that wait.
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.on_stop()  # SIGTERM or SIGINT: the lanes stop too
        super().request_stop(signum, frame)

    def process(self) -> int:
        if not _in_main_thread():
            raise RuntimeError("RQ tasks run in the main thread: their time limit is a signal")
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        level = logging.getLevelName(logging.getLogger("clarion").getEffectiveLevel())
        try:
            self.work(burst=self.burst, logging_level=level)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        return self.ran

    def interrupt(self) -> None:
        if self._stop_requested:
            return
        self._stop_requested = True  # seen before RQ waits for the next job ...
        if not _in_main_thread():
            # ... but a wait already begun (a blocking read of several minutes) ends
            # only for a signal, whose handler (``request_stop``) stops RQ.
            os.kill(os.getpid(), signal.SIGTERM)


class Worker:
    def __init__(self, jobs: list[Periodic], *, name: str | None = None) -> None:
        self.jobs = jobs
        self.name = name or worker_id()
        self.stopped = threading.Event()
        self._tasks: TaskRunner | None = None

    @property
    def stopping(self) -> bool:
        return self.stopped.is_set()

    def stop(self, *_args: object) -> None:
        if not self.stopping:
            logger.info("worker stopping after the current jobs")
        self.stopped.set()
        runner = self._tasks
        if runner is not None:
            runner.interrupt()

    def run_job(self, job: Periodic) -> tuple[int | None, float]:
        """Run ``job`` if this period is ours: (its result or None, seconds to the next try)."""
        won, wait = schedule.claim_period(job.name, job.every)
        if not won:
            return None, wait
        started = time.monotonic()
        _fresh_connections()
        try:
            result = job.run()
        except Exception:
            logger.exception("job %s failed; it runs again next period", job.name)
            result = None
        return result, max(0.0, job.every - (time.monotonic() - started))

    def task_runner(self, *, burst: bool) -> TaskRunner:
        if tasks.on_database():
            return DatabaseTasks(self.name, burst=burst)
        return RQTasks(self.name, burst=burst, on_stop=self.stop)

    def run_tasks(self, *, burst: bool) -> int:
        """Run queued tasks in this thread: every one waiting (burst), or until stopped."""
        runner = self._tasks = self.task_runner(burst=burst)
        try:
            # stop() sets ``stopped`` before it looks for a runner to interrupt: either it
            # found this one, or this sees ``stopped``.
            if self.stopping:
                return 0
            return runner.process()
        finally:
            self._tasks = None

    def run_round(self) -> dict[str, int]:
        """Run every job whose period is due, then every queued task (``--once``)."""
        done: dict[str, int] = {}
        for job in self.jobs:
            if self.stopping:
                break
            result, _wait = self.run_job(job)
            if result is not None:
                done[job.name] = result
        ran = self.run_tasks(burst=True)
        if ran:
            done["tasks"] = ran
        return done

    def _lane(self, job: Periodic) -> None:
        try:
            while not self.stopping:
                try:
                    result, wait = self.run_job(job)
                except Exception:  # the schedule itself is unreachable (database, Redis)
                    logger.exception("could not reach the schedule for %s", job.name)
                    result, wait = None, 5.0
                if result:
                    logger.info("%s: %s", job.name, result)
                self.stopped.wait(max(0.01, wait))
        finally:
            connections.close_all()

    def start(self) -> list[threading.Thread]:
        """Start every job's lane; they run until ``stop()``."""
        lanes = [
            threading.Thread(target=self._lane, args=(job,), name=f"job-{job.name}", daemon=True)
            for job in self.jobs
        ]
        for lane in lanes:
            lane.start()
        return lanes

    def run_forever(self) -> None:
        """Run the lanes, and queued tasks in this thread, until SIGTERM, SIGINT or stop()."""
        handlers = {}
        if _in_main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                handlers[sig] = signal.signal(sig, self.stop)
        names = ", ".join(job.name for job in self.jobs)
        logger.info("worker %s started: %s, and queued tasks", self.name, names)
        lanes = self.start()
        try:
            while not self.stopping:
                try:
                    self.run_tasks(burst=False)
                except Exception:
                    logger.exception("could not reach the task queue")
                # RQ's worker also returns when Redis stopped answering: start it again.
                self.stopped.wait(5.0)
        finally:
            self.stopped.set()
            for lane in lanes:
                lane.join()
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
