"""Messages the screens and workers exchange (small dataclasses; progress messages collapse)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from auditor.progress import ProgressEvent
    from auditor.scan_result import ScanResult


@dataclass
class ScanLoaded(Message):
    """A scan result is now the app's current scan (posted to the app; screens refresh)."""

    result: ScanResult
    source: str


@dataclass
class ScanProgress(Message):
    """Collection progress of one unit. A newer one for the same provider, account and region
    replaces an older one still in the queue (its counts include the older one's)."""

    provider: str
    account: str
    region: str
    service: str
    done: int
    total: int
    region_done: int
    region_total: int
    shard: str = ""
    """A sharded scan's shard state ("running", "done", "failed"), "" for a unit's progress."""
    shards: str = ""
    """The cluster-wide counts: "shards 3 done, 2 running, 0 failed of 10"."""

    @classmethod
    def of(cls, event: ProgressEvent) -> ScanProgress:
        return cls(
            event.provider,
            event.account,
            event.region,
            event.service,
            event.done,
            event.total,
            event.region_done,
            event.region_total,
            event.shard,
            event.shards.describe() if event.shards is not None else "",
        )

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgress) and (message.provider, message.account, message.region) == (
            self.provider,
            self.account,
            self.region,
        )
