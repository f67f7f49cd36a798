"""Scans to store, for the history tests: findings, results and score objects shaped like the real ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel

from auditor.model import Finding, Severity, Status, finding_id
from auditor.scan_result import ScanResult, ScanScope

ACCOUNT = "111122223333"


def make_finding(resource_id: str, status: Status, check_id: str = "aws.vpc.flow_logs_enabled") -> Finding:
    return Finding(
        id=finding_id("aws", ACCOUNT, "us-east-1", check_id, resource_id),
        check_id=check_id,
        provider="aws",
        service=check_id.split(".")[1],
        severity=Severity.MEDIUM,
        status=status,
        account=ACCOUNT,
        region="us-east-1",
        resource_id=resource_id,
        resource_name="[bold]name[/bold]",
        message=f"{resource_id} is {status.value}",
    )


def make_result(findings: list[Finding], day: int = 1, source: str = "snapshot") -> ScanResult:
    started = datetime(2026, 11, day, 9, 30, tzinfo=UTC)
    return ScanResult(
        tool_version="0.1.0",
        started_at=started,
        finished_at=started + timedelta(seconds=42),
        source=source,
        scopes=[ScanScope(provider="aws", account=ACCOUNT, regions=["eu-west-1", "us-east-1"])],
        inventory_hash="sha256:abc",
        api_calls=12,
        findings=findings,
    )


class Figures(BaseModel):
    control_ratio: float
    weighted_score: float
    coverage: float


class ControlScore(BaseModel):
    control_id: str
    status: Status


class Score(BaseModel):
    """Shaped like auditor.scoring.BenchmarkScore: benchmark_id, figures, per-control results."""

    benchmark_id: str
    figures: Figures
    controls: list[ControlScore] = []


RESULT = make_result(
    [
        make_finding("vpc-1", Status.FAIL),
        make_finding("vpc-2", Status.PASS),
        make_finding("vpc-3", Status.ERROR),
        make_finding("vpc-4", Status.PASS),
    ]
)


def tagged_result(tag: str, n: int, findings: int = 20) -> ScanResult:
    """A scan whose findings all carry the writer's tag (``tag-n-i``): who wrote it is readable back."""
    return make_result([make_finding(f"{tag}-{n}-{i}", Status.FAIL) for i in range(findings)])
