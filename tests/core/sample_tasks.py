"""Tasks the task tests queue: a module of its own, which worker processes import too."""

from __future__ import annotations

import os
import threading
import time

from clarion.core import broker
from clarion.core.tasks import task

_guard = threading.Lock()
# What ran in this process, in order (workers that are threads, or this process's own).
runs: list[int] = []
# While True, ``flaky`` fails, as a task does while what it needs is down.
broken = {"now": True}
# Set by ``sleepy`` if it ever gets past its sleep.
woke: list[bool] = []


@task()
def record(n: int) -> None:
    time.sleep(0.01)  # long enough for other workers to try the same task meanwhile
    with _guard:
        runs.append(n)


@task()
def record_in_redis(n: int) -> None:
    """``record`` for workers that are other processes: the test reads Redis."""
    broker.client().rpush(broker.key("runs"), n)


@task()
def flaky(n: int) -> None:
    if broken["now"]:
        raise RuntimeError("the mail server is down")
    record.call(n)


@task(time_limit=1)
def sleepy() -> None:
    time.sleep(60)
    woke.append(True)


@task(time_limit=30)
def stall(n: int) -> None:
    """``record``, except in a worker started with SAMPLE_TASKS_STALL=1: that one hangs
    in it, to be killed mid-task."""
    if os.environ.get("SAMPLE_TASKS_STALL") == "1":
        time.sleep(3600)
    record.call(n)
