"""What a caller can tune about an AWS scan, and the progress events it receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AwsScanOptions:
    """How to collect one AWS account.

    ``regions`` empty means every region enabled for the account. ``max_attempts`` is botocore's
    retry budget in attempts, the first included (1 = no retry), in mode "adaptive", which also
    slows a client down after it is throttled.
    """

    profile: str | None = None
    regions: tuple[str, ...] = ()
    max_workers: int = 16
    connect_timeout: float = 5
    read_timeout: float = 20
    max_attempts: int = 6

    def __post_init__(self) -> None:
        if self.max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")


@dataclass(frozen=True)
class ProgressEvent:
    """One unit of work finished: ``service`` in ``region`` ("global" for account-wide units).

    ``done`` of ``total`` units are finished, this one included.
    """

    region: str
    service: str
    done: int
    total: int


ProgressCallback = Callable[[ProgressEvent], None]
"""Called from the collector's worker threads (never concurrently: calls are serialised by a lock).

It must be quick. An exception it raises stops the scan and propagates out of ``collect_aws``, which
is how a caller cancels a running collection.
"""
