"""The scan result: the one object every view and export is rendered from."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.exceptions import ExceptionReport
from auditor.flows.summary import TrafficSummary
from auditor.model import CollectionError, Finding, Status
from auditor.scoring import AccountScore, BenchmarkScore


class ScanScope(BaseModel):
    provider: Literal["aws", "azure", "gcp"]
    account: str
    regions: list[str]
    inventory_summary: dict[str, int] = Field(
        default_factory=dict,
        description="What was collected, by dataset: resources counted over the scanned regions "
        "(the evidence appendix of the report).",
    )
    name: str = Field(default="", description="The account's (subscription's, project's) display name.")
    not_entered: str = Field(
        default="",
        description="Why the account could not be entered (every check is then ERROR); empty if it was.",
    )


SCAN_RESULT_SCHEMA_VERSION = 1


class ScanResult(BaseModel):
    """The one object every view and export is rendered from."""

    schema_: Literal["posture-auditor/scan-result"] = Field(
        default="posture-auditor/scan-result", alias="schema"
    )
    schema_version: int = SCAN_RESULT_SCHEMA_VERSION
    tool_version: str
    started_at: datetime
    finished_at: datetime
    source: Literal["live", "snapshot", "demo"]
    scopes: list[ScanScope]
    inventory_hash: str
    api_calls: int
    api_calls_by_service: dict[str, int] = Field(default_factory=dict)
    collection_errors: list[CollectionError] = Field(default_factory=list)
    findings: list[Finding]
    benchmarks: list[BenchmarkScore] = Field(
        default_factory=list, description="The score of each benchmark the scan was scored against."
    )
    exceptions: ExceptionReport | None = Field(
        default=None, description="Which exceptions muted what, which expired, which matched nothing."
    )
    account_scores: list[AccountScore] = Field(
        default_factory=list,
        description="With several accounts (subscriptions, projects): each benchmark's figures per account.",
    )
    traffic: TrafficSummary | None = Field(
        default=None,
        description="The flow-log analysis behind the '<provider>.flows.*' findings: input read and "
        "rejected, the window, top talkers (absent when no flow logs were analysed).",
    )

    model_config = ConfigDict(populate_by_name=True)

    def counts(self) -> dict[Status, int]:
        out = {status: 0 for status in Status}
        for finding in self.findings:
            out[finding.status] += 1
        return out
