"""What a flow-log analysis read and found, as it is stored in the ``ScanResult`` (``traffic``).

Pydantic only (no engine): the scan result imports it, and every view renders from it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

INPUT_ERROR_KINDS = (
    "malformed",  # a line or record that does not parse (wrong column count, bad value, bad JSON)
    "encoding",  # bytes that are not UTF-8
    "truncated",  # a compressed file that ends early: its tail is lost
    "unreadable",  # a file that could not be read or recognised at all
)
InputErrorKind = Literal["malformed", "encoding", "truncated", "unreadable"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class FlowInputError(_Model):
    """A line, record or file that was skipped. ``line`` is 1-based (the header is line 1), when known."""

    file: str
    line: int | None = None
    kind: InputErrorKind
    message: str

    def describe(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.kind}: {self.message}"


class TalkerRow(_Model):
    srcaddr: str
    dstaddr: str
    bytes: int
    flows: int


class RejectedRow(_Model):
    srcaddr: str
    dstaddr: str
    dstport: int | None
    flows: int


class TrafficSummary(_Model):
    """The input read, what was rejected and why, the window analysed, and the top talkers."""

    engine: Literal["duckdb", "athena"]
    inputs: list[str] = Field(description="The paths or s3:// prefixes analysed.")
    files: int = 0
    files_by_format: dict[str, int] = Field(default_factory=dict)
    input_bytes: int = Field(default=0, description="Bytes read from the files (compressed as stored).")
    records_read: int = Field(default=0, description="Records loaded (NODATA / SKIPDATA included).")
    records_rejected: int = Field(default=0, description="Lines or records skipped as unreadable.")
    records_no_data: int = Field(default=0, description="AWS NODATA / SKIPDATA records (no traffic).")
    files_failed: int = Field(default=0, description="Files lost whole or in part (truncated, unreadable).")
    input_errors: list[FlowInputError] = Field(
        default_factory=list, description="The first skipped lines and files (see input_errors_total)."
    )
    input_errors_total: int = 0
    window_start: datetime | None = None
    window_end: datetime | None = None
    records_in_window: int = 0
    baseline_records: int = Field(default=0, description="Records in the baseline window before it.")
    accepted_flows: int = 0
    rejected_flows: int = 0
    bytes_in_window: int = 0
    top_talkers: list[TalkerRow] = Field(default_factory=list)
    top_rejected: list[RejectedRow] = Field(default_factory=list)
    detections: dict[str, int] = Field(default_factory=dict, description="Findings that FAIL, by check id.")
    parameters: dict[str, Any] = Field(default_factory=dict, description="The thresholds the rules used.")
