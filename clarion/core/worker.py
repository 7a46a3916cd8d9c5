"""The worker: periodic jobs and queued tasks, shared by every worker process.

Each periodic job has its own lane (a thread) in every worker, so a slow feed or a slow
mail server never holds up the signature counts. A lane runs its job only when it wins
the job's period on the shared schedule (``clarion.core.tasks``), so with any number of
workers, on one machine or several, each job runs once per period. Consumer threads
run queued tasks. Any job may still overlap a slower run of itself elsewhere: each one
claims its rows (feeds by next_poll_at, mail by status) or takes a lock with a lease
(each story being drafted, the count fold), so overlapping runs never do anything twice.

A job or task that fails is logged and runs again later; it never stops the others.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.db import connections

from clarion.core import tasks
from clarion.core.jobs import Periodic

logger = logging.getLogger("clarion.worker")


def _fresh_connections() -> None:
    """Drop connections that broke or outlived CONN_MAX_AGE, as a request start does.

    A connection inside a transaction is left alone: whoever opened it (a test, say)
    still needs it.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


class Worker:
    def __init__(
        self,
        jobs: list[Periodic],
        *,
        backend: tasks.Backend | None = None,
        consumers: int = 1,
        name: str | None = None,
    ) -> None:
        tasks.discover()
        self.jobs = jobs
        self.backend = backend or tasks.get_backend()
        self.consumers = consumers
        self.name = name or tasks.worker_id()
        self.stopped = threading.Event()

    @property
    def stopping(self) -> bool:
        return self.stopped.is_set()

    def stop(self, *_args: object) -> None:
        logger.info("worker stopping after the current jobs")
        self.stopped.set()

    def run_job(self, job: Periodic) -> tuple[int | None, float]:
        """Run ``job`` if this period is ours: (its result or None, seconds to the next try)."""
        won, wait = self.backend.claim_period(job.name, job.every)
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

    def run_task(self, consumer: str, wait: float = 0.0) -> tasks.Claimed | None:
        """Run the next queued task, waiting up to ``wait`` s for one; None if none came."""
        claimed = self.backend.claim(consumer, wait)
        if claimed is not None:
            _fresh_connections()
            tasks.execute(self.backend, claimed)
        return claimed

    def run_round(self) -> dict[str, int]:
        """Run every job whose period is due, then every queued task (``--once``)."""
        done: dict[str, int] = {}
        for job in self.jobs:
            if self.stopping:
                break
            result, _wait = self.run_job(job)
            if result is not None:
                done[job.name] = result
        consumer = f"{self.name}/once"
        while not self.stopping and (claimed := self.run_task(consumer)) is not None:
            done[claimed.name] = done.get(claimed.name, 0) + 1
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

    def _consume(self, number: int) -> None:
        consumer = f"{self.name}/{number}"
        try:
            while not self.stopping:
                try:
                    self.run_task(consumer, wait=1.0)
                except Exception:
                    logger.exception("could not reach the task queue")
                    self.stopped.wait(5.0)
        finally:
            connections.close_all()

    def start(self) -> list[threading.Thread]:
        """Start every lane and consumer thread; they run until ``stop()``."""
        threads = [
            threading.Thread(target=self._lane, args=(job,), name=f"job-{job.name}", daemon=True)
            for job in self.jobs
        ] + [
            threading.Thread(target=self._consume, args=(n,), name=f"tasks-{n}", daemon=True)
            for n in range(self.consumers)
        ]
        for thread in threads:
            thread.start()
        return threads

    def run_forever(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        names = ", ".join(job.name for job in self.jobs)
        logger.info("worker %s started: %s; %s task consumer(s)", self.name, names, self.consumers)
        threads = self.start()
        # Waiting in short steps keeps the main thread responsive to signals.
        while not self.stopped.wait(0.5):
            pass
        for thread in threads:
            thread.join()
