"""Collection progress: the one event every collector reports and the CLI and TUI both consume."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ShardCounts:
    """A sharded scan's tasks across the cluster: ``done`` (collected), ``running`` (on a worker),
    ``failed`` (lost or not finished: their checks are ERROR) of ``total``; the rest are queued."""

    done: int
    running: int
    failed: int
    total: int

    @property
    def queued(self) -> int:
        return self.total - self.done - self.running - self.failed

    def describe(self) -> str:
        return f"shards {self.done} done, {self.running} running, {self.failed} failed of {self.total}"


@dataclass(frozen=True)
class ProgressEvent:
    """One unit of work finished: ``service`` in ``region`` ("global" for account-wide units).

    ``done`` of ``total`` units are finished, this one included; ``region_done`` of ``region_total``
    of this region's (0 of 0 when the collector did not plan per region). ``provider`` and ``account``
    say whose unit it was (an AWS account, an Azure subscription, a GCP project).
    """

    region: str
    service: str
    done: int
    total: int
    provider: str = "aws"
    account: str = ""
    region_done: int = 0
    region_total: int = 0
    shard: str = ""
    """In a sharded scan (``--cluster``): this account's shard is now "running", "done" or "failed";
    ``done``/``total`` then count finished shards and ``shards`` has the cluster-wide counts. Workers
    collect in other processes, so their units are not reported one by one."""
    shards: ShardCounts | None = None


ProgressCallback = Callable[[ProgressEvent], None]
"""Called from a collector's worker threads (never concurrently: calls are serialised by a lock).

It must be quick. An exception it raises stops the scan and propagates out of the collector, which
is how a caller cancels a running collection.
"""


class ProgressCounter:
    """Counts a collector's finished units and reports each one; calls are serialised and ``done``
    only grows. Every collector uses this, so every progress bar reads the same events."""

    def __init__(
        self,
        callback: ProgressCallback | None,
        total: int | None = None,
        *,
        planned: Mapping[str, int] | Mapping[tuple[str, str], int] | None = None,
        provider: str,
        account: str = "",
    ) -> None:
        """``planned``: how many units each region (or "global") will finish, keyed by region, or by
        (account, region) when one counter serves several accounts; or only the ``total``."""
        if (total is None) == (planned is None):
            raise ValueError("give the total or the units planned per region, not both")
        self._callback = callback
        self._planned: dict[tuple[str, str], int] = {
            (key if isinstance(key, tuple) else (account, key)): count
            for key, count in (planned or {}).items()
        }
        self._total = total if total is not None else sum(self._planned.values())
        self._provider = provider
        self._account = account
        self._done = 0
        self._done_by_region: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def plan(self, account: str, planned: Mapping[str, int]) -> None:
        """Add the units one more account will finish, by region, once they are known (an organization's
        accounts are discovered and entered while others are already being collected): the total grows."""
        with self._lock:
            for region, count in planned.items():
                self._planned[(account, region)] = self._planned.get((account, region), 0) + count
                self._total += count

    def finished(self, region: str, service: str, *, account: str | None = None) -> None:
        """One unit of ``service`` in ``region`` finished (of ``account``, default the counter's)."""
        key = (account if account is not None else self._account, region)
        with self._lock:
            self._done += 1
            self._done_by_region[key] += 1
            if self._callback is not None:
                self._callback(
                    ProgressEvent(
                        region=region,
                        service=service,
                        done=self._done,
                        total=self._total,
                        provider=self._provider,
                        account=key[0],
                        region_done=self._done_by_region[key],
                        region_total=self._planned.get(key, 0),
                    )
                )
