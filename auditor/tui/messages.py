"""Messages the screens and workers exchange (small dataclasses; progress messages collapse)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from auditor.scan_result import ScanResult


@dataclass
class ScanLoaded(Message):
    """A scan result is now the app's current scan (posted to the app; screens refresh)."""

    result: ScanResult
    source: str


@dataclass
class ScanProgress(Message):
    """Collection progress; consecutive ones replace each other in the queue."""

    region: str
    service: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgress)
