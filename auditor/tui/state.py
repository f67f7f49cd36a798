"""What the app is looking at: the current scan result and where it came from, and the history store it
reads and writes (``auditor tui --history-url``, else the environment, else the default SQLite file).
Shared by all screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.history.location import HistoryLocation, history_location

if TYPE_CHECKING:
    from auditor.scan_result import ScanResult


@dataclass
class AppState:
    result: ScanResult | None = None
    source: str = ""  # "demo", a file path, "history #12", "live"
    history_scan_id: int | None = None
    exceptions_file: Path = field(default_factory=lambda: Path("exceptions.yaml"))
    operator: str = "operator"
    history: HistoryLocation = field(default_factory=history_location)
