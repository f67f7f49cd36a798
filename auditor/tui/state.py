"""What the app is looking at: the current scan result and where it came from. Shared by all screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.scan_result import ScanResult


@dataclass
class AppState:
    result: ScanResult | None = None
    source: str = ""  # "demo", a file path, "history #12", "live"
    history_scan_id: int | None = None
    exceptions_file: Path = field(default_factory=lambda: Path("exceptions.yaml"))
    operator: str = "operator"
