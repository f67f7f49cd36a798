"""What reading one file gave: records loaded, records skipped, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.flows.summary import FlowInputError


@dataclass
class FileResult:
    loaded: int = 0
    rejected: int = 0
    lost: bool = False  # the file, or its tail, could not be read
    errors: list[FlowInputError] = field(default_factory=list)
