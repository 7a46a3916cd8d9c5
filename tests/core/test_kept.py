"""Kept values: served stale while one background thread rebuilds them, warmed by serve."""

from __future__ import annotations

import threading

import pytest

from clarion.core import kept


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(kept, "clock", fake)
    return fake


class Builder:
    """Counts its builds; each build can be made to wait for a go-ahead."""

    def __init__(self) -> None:
        self.builds = 0
        self.go = threading.Event()
        self.go.set()
        self.started = threading.Event()

    def __call__(self) -> int:
        self.builds += 1
        self.started.set()
        self.go.wait(5)
        return self.builds


def _wait_for_rebuild(value: kept.Kept) -> None:
    for thread in threading.enumerate():
        if thread.name == f"kept {value.key}":
            thread.join(5)


@pytest.fixture(params=[False, True], ids=["process", "shared"])
def make(request):
    made: list[kept.Kept] = []

    def make_kept(build, fresh: float = 60) -> kept.Kept:
        value = kept.Kept(f"test:kept:{len(made)}", build, fresh=fresh, shared=request.param)
        made.append(value)
        return value

    yield make_kept
    for value in made:
        value.forget()
        kept._ALL.remove(value)


def test_a_fresh_value_is_built_once(make, clock):
    build = Builder()
    value = make(build)
    assert value.get() == 1
    clock.now += 59
    assert value.get() == 1
    assert build.builds == 1


def test_a_stale_value_is_served_while_one_thread_rebuilds_it(make, clock):
    build = Builder()
    value = make(build)
    assert value.get() == 1
    clock.now += 61
    build.go.clear()
    build.started.clear()
    # The reader is not kept waiting: it gets the stale value at once, however many ask.
    assert [value.get() for _ in range(5)] == [1, 1, 1, 1, 1]
    assert build.started.wait(5)
    build.go.set()
    _wait_for_rebuild(value)
    assert build.builds == 2  # one rebuild for the five stale reads
    assert value.get() == 2


def test_a_failed_rebuild_keeps_the_stale_value(make, clock, caplog):
    calls = []

    def build() -> str:
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("database away")
        return "first"

    value = make(build)
    assert value.get() == "first"
    clock.now += 61
    assert value.get() == "first"
    _wait_for_rebuild(value)
    assert value.get() == "first"
    assert "rebuilding test:kept" in caplog.text
    _wait_for_rebuild(value)
    assert len(calls) >= 2  # and it is tried again on a later stale read


def test_warm_up_builds_what_is_missing_or_stale_and_skips_what_fails(make, clock, caplog):
    build = Builder()
    value = make(build)

    def broken() -> int:
        raise RuntimeError("no such table")

    failing = make(broken)
    kept.warm_up()
    assert build.builds == 1
    assert "could not build test:kept:1 ahead of use: no such table" in caplog.text
    kept.warm_up()
    assert build.builds == 1  # still fresh
    clock.now += 61
    kept.warm_up()
    assert build.builds == 2
    assert value.get() == 2
    with pytest.raises(RuntimeError):
        failing.get()  # a value that can't be built says so in the request


def test_a_shared_value_is_built_once_for_every_process(clock):
    # Two Kept with one key stand for the same value in two processes sharing the cache.
    build = Builder()
    one = kept.Kept("test:kept:shared", build, fresh=60, shared=True)
    other = kept.Kept("test:kept:shared", build, fresh=60, shared=True)
    try:
        assert one.get() == 1
        assert other.get() == 1
        assert build.builds == 1
    finally:
        one.forget()
        kept._ALL.remove(one)
        kept._ALL.remove(other)


def test_peek_never_builds_but_serves_and_refreshes_what_is_there(make, clock):
    build = Builder()
    value = make(build)
    assert value.peek() is None
    assert build.builds == 0
    assert value.get() == 1
    clock.now += 61
    assert value.peek() == 1  # stale, served, and rebuilt behind the reader
    _wait_for_rebuild(value)
    assert build.builds == 2
    assert value.peek() == 2
