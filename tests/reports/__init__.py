"""Report tests: shared builders of synthetic scan results."""

from __future__ import annotations

from datetime import UTC, datetime

from auditor.benchmarks import load_benchmark
from auditor.model import Finding, Status, finding_id
from auditor.registry import load_checks
from auditor.scan_result import ScanResult, ScanScope
from auditor.scoring import score_benchmark

SYNTHETIC_ACCOUNT = "210987654321"
SYNTHETIC_CHECKS = (
    "aws.vpc.flow_logs_enabled",
    "aws.ec2.default_sg_restricts_all",
    "aws.route53resolver.query_logging_enabled",
    "aws.ec2.imdsv2_required",
    "aws.guardduty.enabled_all_regions",
)
SYNTHETIC_REGIONS = ("eu-west-1", "us-east-1", "us-west-2")


def synthetic_scan(failing: int, *, passing: int = 0) -> ScanResult:
    """A scored ScanResult with ``failing`` FAIL findings spread over a few real checks (most on the
    first), and ``passing`` PASS findings, as a large estate would give. Built without collecting."""
    registry = load_checks()
    findings: list[Finding] = []
    shares = [failing - failing // 5 * (len(SYNTHETIC_CHECKS) - 1)] + [failing // 5] * (
        len(SYNTHETIC_CHECKS) - 1
    )
    for check_id, count in zip(SYNTHETIC_CHECKS, shares, strict=True):
        meta = registry.get(check_id).meta
        for index in range(count):
            region = SYNTHETIC_REGIONS[index % len(SYNTHETIC_REGIONS)]
            resource = f"{meta.service}-{index:06d}{'a' * 6}"
            findings.append(
                Finding(
                    id=finding_id("aws", SYNTHETIC_ACCOUNT, region, check_id, resource),
                    check_id=check_id,
                    provider="aws",
                    service=meta.service,
                    severity=meta.severity,
                    status=Status.FAIL,
                    account=SYNTHETIC_ACCOUNT,
                    region=region,
                    resource_id=resource,
                    resource_name=f"workload-{index}",
                    message=f"{resource} fails {check_id} in {region}",
                    evidence={},
                )
            )
    meta = registry.get("aws.cloudtrail.multi_region_trail_logging").meta
    for index in range(passing):
        resource = f"trail-{index:06d}"
        findings.append(
            Finding(
                id=finding_id("aws", SYNTHETIC_ACCOUNT, "us-east-1", meta.id, resource),
                check_id=meta.id,
                provider="aws",
                service=meta.service,
                severity=meta.severity,
                status=Status.PASS,
                account=SYNTHETIC_ACCOUNT,
                region="us-east-1",
                resource_id=resource,
                message="logging",
            )
        )
    benchmarks = [score_benchmark(load_benchmark(b), findings) for b in ("cis-aws-7.0", "module4-baseline")]
    return ScanResult(
        tool_version="0.0.0-test",
        started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, 2, 9, 5, tzinfo=UTC),
        source="snapshot",
        scopes=[
            ScanScope(
                provider="aws",
                account=SYNTHETIC_ACCOUNT,
                regions=list(SYNTHETIC_REGIONS),
                inventory_summary={"vpcs": failing, "security_groups": failing},
            )
        ],
        inventory_hash="sha256:" + "ab" * 32,
        api_calls=42,
        findings=findings,
        benchmarks=benchmarks,
    )
