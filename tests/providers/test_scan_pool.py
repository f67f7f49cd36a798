"""The one bounded pool of a scan and its stop: results in order, unfinished work as None, the first
error propagating, a deadline, a stop from another thread, several drivers sharing the pool."""

from __future__ import annotations

import _thread
import threading
import time

import pytest

from auditor.providers.scan_pool import ScanPool, ScanStop, run_each


def test_results_come_back_in_job_order() -> None:
    with ScanPool(4, ScanStop(), "t") as pool:
        results = pool.run([lambda n=n: (time.sleep(0.01 * (5 - n)), n)[1] for n in range(5)])
    assert results == [0, 1, 2, 3, 4]


def test_the_pool_never_runs_more_than_max_workers_at_once() -> None:
    running, peak, lock = 0, 0, threading.Lock()

    def job() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1

    stop = ScanStop()
    with ScanPool(3, stop, "t") as pool:
        run_each(stop, list(range(4)), lambda _: pool.run([job] * 6), max_parallel=4, name="d")
    assert peak == 3


def test_a_deadline_leaves_the_unfinished_jobs_as_none_and_returns_on_time() -> None:
    release = threading.Event()
    stop = ScanStop(timeout=0.5)
    started = time.monotonic()
    try:
        with ScanPool(2, stop, "t") as pool:
            results = pool.run([lambda: "quick", lambda: release.wait(30) and "slow"])
    finally:
        release.set()
    assert results == ["quick", None]
    assert time.monotonic() - started < 5
    assert stop.reason == "timeout"
    assert stop.describe()[:2] == ("timeout", "ScanTimeout")
    assert "--timeout of 0.5 s" in stop.describe()[2]


def test_a_stop_from_another_thread_ends_the_wait_and_later_runs_start_nothing() -> None:
    release = threading.Event()
    stop = ScanStop()
    threading.Timer(0.3, stop.stop, args=("cancelled",)).start()
    try:
        with ScanPool(2, stop, "t") as pool:
            first = pool.run([lambda: release.wait(30)])
            ran = []
            second = pool.run([lambda: ran.append(1)])
    finally:
        release.set()
    assert first == [None] and second == [None] and ran == []
    assert stop.describe()[1] == "Cancelled"
    values, errors = stop.unfinished("azure", "sub-1", "global", "monitor", ("a", "b"))
    assert values == {"a": None, "b": None}
    assert [(e.dataset, e.code, e.service, e.account) for e in errors] == [
        ("a", "Cancelled", "monitor", "sub-1"),
        ("b", "Cancelled", "monitor", "sub-1"),
    ]


def test_ctrl_c_in_the_waiting_thread_stops_the_scan(default_sigint: None) -> None:
    """``_thread.interrupt_main`` raises KeyboardInterrupt in this (the main) thread as SIGINT would."""
    release = threading.Event()
    stop = ScanStop()
    threading.Timer(0.2, _thread.interrupt_main).start()
    try:
        with ScanPool(2, stop, "t") as pool:
            results = pool.run([lambda: "done", lambda: release.wait(30)])
    finally:
        release.set()
    assert results == ["done", None]
    assert stop.reason == "interrupted"
    assert "Ctrl-C" in stop.describe()[2]


def test_the_first_error_propagates() -> None:
    def broken() -> None:
        raise RuntimeError("a bug")

    with ScanPool(2, ScanStop(), "t") as pool, pytest.raises(RuntimeError, match="a bug"):
        pool.run([lambda: time.sleep(0.05), broken])


def test_run_each_skips_the_items_a_stop_came_before() -> None:
    stop = ScanStop()
    done: list[int] = []

    def work(item: int) -> int:
        done.append(item)
        if item == 1:
            stop.stop("cancelled")
        return item * 10

    results = run_each(stop, [1, 2, 3], work, max_parallel=1, name="d")
    assert results == [10, None, None] and done == [1]
    kind, code, message = stop.describe_not_started("account")
    assert (kind, code) == ("failed", "Cancelled") and message.startswith("account not started")
