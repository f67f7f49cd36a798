"""One bounded pool of workers for a whole scan, and the one way a scan stops early.

Every collector (AWS, Azure, GCP) runs its reads as jobs on a ``ScanPool``: one pool for all the
accounts, subscriptions or projects of a scan, their regions and their services, so a scan of twenty
accounts keeps ``max_workers`` calls in flight, never twenty times that, and never fewer while work is
waiting. Callers that drive several accounts at once (``collect_aws_organization``) submit from their own
threads; the pool is safe for that.

A ``ScanStop`` is shared by everything a scan runs. It ends the scan early, for one of two reasons:

- the overall ``--timeout`` ran out (the deadline is a ``time.monotonic()`` instant);
- the user pressed Ctrl-C (``KeyboardInterrupt`` in the thread that waits);
- the user cancelled the scan in the TUI (``stop("cancelled")`` from the UI thread).

Either way the jobs still queued are cancelled, those in flight are abandoned (their threads are not
waited for, and what they return later is dropped), and ``run`` returns ``None`` in their place, so the
caller records each unfinished job's datasets as ERROR with ``ScanStop.describe()``: not finished, never
lost, never PASS. The first exception a job raises (a bug, a read-only violation, the progress callback
cancelling) cancels the rest and propagates.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Literal, TypeVar

from auditor.model import CollectionError

T = TypeVar("T")

StopReason = Literal["timeout", "interrupted", "cancelled"]
WAIT_SLICE = 0.25
"""Longest wait between looks at the stop: a Ctrl-C taken by another thread is seen this soon."""


class ScanStop:
    """Why (and whether) a scan stopped before its work finished; shared by every thread of the scan."""

    def __init__(self, timeout: float | None = None, deadline: float | None = None) -> None:
        if deadline is None and timeout is not None:
            deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.deadline = deadline
        self._reason: StopReason | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    @property
    def reason(self) -> StopReason | None:
        if self._reason is None and self.deadline is not None and time.monotonic() >= self.deadline:
            self.stop("timeout")
        return self._reason

    def stop(self, reason: StopReason) -> None:
        """Stop the scan (the first reason given wins)."""
        with self._lock:
            if self._reason is None:
                self._reason = reason
        self._stopped.set()

    def remaining(self) -> float | None:
        """Seconds until the deadline (None: no deadline)."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def describe(self) -> tuple[Literal["timeout", "failed"], str, str]:
        """(kind, code, message) for the datasets a stopped scan did not finish."""
        if self.reason == "timeout":
            limit = f"{self.timeout:g} s" if self.timeout is not None else "its time"
            return "timeout", "ScanTimeout", f"not finished when the scan's --timeout of {limit} ran out"
        if self.reason == "cancelled":
            return "failed", "Cancelled", "not finished: the scan was cancelled; what was collected is kept"
        message = "not finished: the scan was interrupted (Ctrl-C); what was collected is kept"
        return "failed", "Interrupted", message

    def describe_not_started(self, what: str) -> tuple[Literal["timeout", "failed"], str, str]:
        """(kind, code, message) for an account (``what``) the scan never got to."""
        kind, code, _ = self.describe()
        if self.reason == "timeout":
            limit = f"{self.timeout:g} s" if self.timeout is not None else "its time"
            return kind, code, f"{what} not started: the scan's --timeout of {limit} ran out first"
        if self.reason == "cancelled":
            return kind, code, f"{what} not started: the scan was cancelled; the rest is kept"
        return kind, code, f"{what} not started: the scan was interrupted (Ctrl-C); the rest is kept"

    def unfinished(
        self, provider: str, account: str, region: str, service: str, datasets: Sequence[str]
    ) -> tuple[dict[str, None], list[CollectionError]]:
        """The values (all None) and errors of a unit the stop left unfinished."""
        kind, code, message = self.describe()
        errors = [
            CollectionError(
                provider=provider,  # type: ignore[arg-type]
                account=account,
                region=region,
                service=service,
                dataset=dataset,
                operation="all reads",
                kind=kind,
                code=code,
                message=message,
            )
            for dataset in datasets
        ]
        return dict.fromkeys(datasets), errors


class ScanPool:
    """``max_workers`` threads shared by every job of a scan (see the module docstring)."""

    def __init__(self, max_workers: int, stop: ScanStop, thread_name_prefix: str) -> None:
        self.stop = stop
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=thread_name_prefix)

    def __enter__(self) -> ScanPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the workers; after a stop, without waiting for calls still in flight."""
        self._executor.shutdown(wait=self.stop.reason is None, cancel_futures=True)

    def run(self, jobs: Sequence[Callable[[], T]]) -> list[T | None]:
        """Run the jobs; each one's result in order, or ``None`` for one the stop left unfinished."""
        futures: list[Future[T]] = []
        try:
            if self.stop.reason is None:
                futures = [self._executor.submit(job) for job in jobs]
            _wait_for(futures, self.stop)
        except KeyboardInterrupt:
            self.stop.stop("interrupted")
        results: list[T | None] = []
        for index in range(len(jobs)):
            future = futures[index] if index < len(futures) else None
            if future is not None and future.done() and not future.cancelled() and future.exception() is None:
                results.append(future.result())
            else:
                if future is not None:
                    future.cancel()
                results.append(None)
        return results


def _wait_for(futures: list[Future[T]], stop: ScanStop) -> None:
    pending: set[Future[T]] = set(futures)
    while pending and stop.reason is None:
        remaining = stop.remaining()
        slice_ = WAIT_SLICE if remaining is None else min(WAIT_SLICE, remaining)
        done, pending = wait(pending, timeout=slice_, return_when=FIRST_EXCEPTION)
        for future in done:
            error = future.exception()
            if error is not None:
                for other in pending:
                    other.cancel()
                raise error


R = TypeVar("R")


def run_each(
    stop: ScanStop, items: Sequence[T], work: Callable[[T], R], max_parallel: int, name: str
) -> list[R | None]:
    """``work(item)`` for every item, ``max_parallel`` at a time (the drivers of several accounts, whose
    reads go to one shared ``ScanPool``); each result in order, or ``None`` for an item the stop came
    before. After a stop the items already started are still waited for: their reads return within
    ``WAIT_SLICE`` (unfinished) and they assemble what they have. Ctrl-C in the calling thread stops the
    scan; the first exception propagates."""
    executor = ThreadPoolExecutor(max_workers=max(1, max_parallel), thread_name_prefix=name)
    futures: list[Future[R | None]] = []
    try:
        futures = [executor.submit(_unless_stopped, stop, work, item) for item in items]
        _wait_for(futures, stop)
    except KeyboardInterrupt:
        stop.stop("interrupted")
    except BaseException:
        stop.stop("interrupted")  # the other items' reads end now; the error propagates
        raise
    finally:
        for future in futures:
            future.cancel()
    executor.shutdown(wait=True)
    return [f.result() if f.done() and not f.cancelled() else None for f in futures]


def _unless_stopped(stop: ScanStop, work: Callable[[T], R], item: T) -> R | None:
    return None if stop.reason is not None else work(item)
