"""Issue 3 acceptance, end to end through the CLI against moto: scores with coverage, a denied region
lowers coverage without moving the score, exceptions mute and expire, demo -> remediated -> diff."""

import json
import os
from datetime import date
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from moto.core.exceptions import JsonRESTError
from moto.guardduty.responses import GuardDutyResponse
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.emulators import moto_extensions
from auditor.emulators.aws_seed import seed_aws
from auditor.emulators.estate import parse_estate

runner = CliRunner()
WIDE = {"COLUMNS": "250"}

ESTATE = """
aws:
  account_id: "123456789012"
  enabled_regions: [us-east-1, eu-west-1]
  regions:
    us-east-1:
      guardduty: {features: {S3_DATA_EVENTS: true, EKS_AUDIT_LOGS: true}}
    eu-west-1:
      guardduty: {features: {S3_DATA_EVENTS: true, EKS_AUDIT_LOGS: true}}
"""


class _Denied(JsonRESTError):
    code = 403


def _scan(tmp_path: Path, name: str, deny_guardduty_in: str | None = None) -> dict:
    original = GuardDutyResponse.list_detectors

    def list_detectors(self):
        if self.region == deny_guardduty_in:
            raise _Denied("AccessDeniedException", "not authorized to perform guardduty:ListDetectors")
        return original(self)

    out = tmp_path / f"{name}.json"
    with mock_aws(), pytest.MonkeyPatch.context() as patch:
        moto_extensions.install()
        seed_aws(parse_estate(ESTATE).aws, boto3.Session(region_name="us-east-1"))
        patch.setattr(GuardDutyResponse, "list_detectors", list_detectors)
        result = runner.invoke(
            app, ["scan", "aws", "--json", str(out), "-q", "--benchmark", "module4-baseline"], env=WIDE
        )
    assert result.exit_code in (1, 3), result.output
    return json.loads(out.read_text())


def _control(data: dict, benchmark: str, control: str) -> dict:
    score = next(b for b in data["benchmarks"] if b["benchmark_id"] == benchmark)
    return next(c for c in score["controls"] if c["control_id"] == control)


def _figures(data: dict, benchmark: str) -> dict:
    return next(b for b in data["benchmarks"] if b["benchmark_id"] == benchmark)["figures"]


def test_a_denied_region_lowers_coverage_not_the_score(tmp_path):
    clean = _scan(tmp_path, "clean")
    denied = _scan(tmp_path, "denied", deny_guardduty_in="eu-west-1")

    assert _control(clean, "module4-baseline", "TD-AWS-GUARDDUTY")["status"] == "PASS"
    control = _control(denied, "module4-baseline", "TD-AWS-GUARDDUTY")
    assert control["status"] == "ERROR"
    assert "guardduty:ListDetectors in eu-west-1" in control["reason"]

    guardduty = [f"TD-AWS-GUARDDUTY{suffix}" for suffix in ("", "-S3", "-EKS", "-RUNTIME", "-MALWARE")]
    was_passing = [c for c in guardduty if _control(clean, "module4-baseline", c)["status"] == "PASS"]
    assert len(was_passing) == 3  # runtime monitoring and malware protection are off in us-east-1
    for control_id in guardduty:
        expected = "ERROR" if control_id in was_passing else "FAIL"  # a FAIL elsewhere stays a FAIL
        assert _control(denied, "module4-baseline", control_id)["status"] == expected, control_id

    before, after = _figures(clean, "module4-baseline"), _figures(denied, "module4-baseline")
    assert after["coverage"] < before["coverage"]
    assert after["evaluated"] == before["evaluated"] - len(was_passing)
    assert after["errors"] == before["errors"] + len(was_passing)
    assert after["failed"] == before["failed"]
    # The ratio moves only because the not-evaluated controls leave it: it equals the clean scan's
    # ratio computed without them. A denial is neither a pass nor a failure.
    passed = before["passed"] - len(was_passing)
    assert after["control_ratio"] == pytest.approx(passed / (passed + before["failed"]))


def test_exceptions_mute_findings_and_expired_ones_are_reported(tmp_path):
    demo_dir = tmp_path / "demo"
    demo_dir.mkdir()
    snapshot = demo_dir / "demo-snapshot.json"
    result = runner.invoke(
        app,
        [
            "demo",
            "-q",
            "--no-history",
            "--json",
            str(demo_dir / "d.json"),
            "--snapshot",
            str(snapshot),
            "--pdf",
            str(tmp_path / "d.pdf"),
        ],
    )
    assert result.exit_code == 3, result.output
    exceptions = tmp_path / "exceptions.yaml"
    exceptions.write_text(
        "exceptions:\n"
        "  - id: bastion\n"
        "    check: aws.ec2.sg_no_admin_ports_ipv4\n"
        "    region: us-east-1\n"
        "    owner: alice@example.com\n"
        "    reason: bastion is being replaced by SSM\n"
        "    expires: 2999-01-01\n"
        "  - id: old-waiver\n"
        "    control: cis-aws-7.0:6.4\n"
        "    owner: bob@example.com\n"
        "    reason: forgotten\n"
        "    expires: 2020-01-01\n"
    )
    out = tmp_path / "muted.json"
    result = runner.invoke(
        app,
        ["scan", "--from-snapshot", str(snapshot), "--exceptions", str(exceptions), "--json", str(out)],
        env=WIDE,
    )
    assert result.exit_code == 3, result.output
    data = json.loads(out.read_text())
    muted = [f for f in data["findings"] if f["status"] == "MUTED"]
    assert muted and all(f["check_id"] == "aws.ec2.sg_no_admin_ports_ipv4" for f in muted)
    assert all(f["muted"]["owner"] == "alice@example.com" for f in muted)
    control = _control(data, "cis-aws-7.0", "6.3")
    # its one failure is muted and the rest pass, but the organization's legacy member could not be
    # entered: across the organization the control is ERROR, never PASS
    assert control["status"] == "ERROR" and control["counts"]["FAIL"] == 0
    assert "AssumeRole" in control["reason"]
    assert control["counts"]["MUTED"] == len([f for f in muted])
    assert [e["exception"]["id"] for e in data["exceptions"]["expired"]] == ["old-waiver"]
    assert _control(data, "cis-aws-7.0", "6.4")["status"] == "FAIL"  # expired: no longer mutes
    assert "EXPIRED old-waiver" in result.output


def test_a_malformed_exceptions_file_names_the_line(tmp_path):
    snapshot = tmp_path / "s.json"
    runner.invoke(
        app,
        [
            "demo",
            "-q",
            "--no-history",
            "--json",
            str(tmp_path / "d.json"),
            "--snapshot",
            str(snapshot),
            "--pdf",
            str(tmp_path / "d.pdf"),
        ],
    )
    exceptions = tmp_path / "bad.yaml"
    exceptions.write_text(
        "exceptions:\n  - check: aws.x.y\n    owner: a\n    reason: b\n    expires: someday\n"
    )
    result = runner.invoke(app, ["scan", "--from-snapshot", str(snapshot), "--exceptions", str(exceptions)])
    assert result.exit_code == 1
    assert "bad.yaml" in result.output and "line 5" in result.output


def test_demo_shows_scores_with_coverage_and_diff_shows_the_remediation(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(app, ["demo"], env=WIDE)
    assert first.exit_code == 3, first.output
    for expected in ("cis-aws-7.0:", "module4-baseline:", "coverage", "4 Logging", "Level 1 profile"):
        assert expected in first.output
    second = runner.invoke(app, ["demo", "--variant", "remediated", "-q"], env=WIDE)
    assert second.exit_code == 3, second.output
    diff = runner.invoke(app, ["diff", "--json"], env=WIDE)
    assert diff.exit_code == 3, diff.output  # the remediated estate opens RDP: a regression
    changes = json.loads(diff.output)
    regressions = {(f["check_id"], f["region"]) for f in changes["regressions"]}
    assert ("aws.ec2.sg_no_admin_ports_ipv4", "us-east-1") in regressions
    fixed = {(f["check_id"], f["region"]) for f in changes["fixed"]}
    assert ("aws.vpc.flow_logs_enabled", "eu-west-1") in fixed
    assert ("aws.guardduty.enabled_all_regions", "eu-west-1") in fixed
    assert ("aws.securityhub.cis_standard_current", "us-east-1") in fixed
    assert os.environ["POSTURE_AUDITOR_HOME"].endswith("home")


def test_the_documented_example_exceptions_file_works_on_the_demo(tmp_path):
    snapshot = tmp_path / "s.json"
    runner.invoke(
        app,
        [
            "demo",
            "-q",
            "--no-history",
            "--json",
            str(tmp_path / "d.json"),
            "--snapshot",
            str(snapshot),
            "--pdf",
            str(tmp_path / "d.pdf"),
        ],
    )
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "exceptions.yaml"
    out = tmp_path / "scan.json"
    result = runner.invoke(
        app,
        ["scan", "--from-snapshot", str(snapshot), "--exceptions", str(example), "--json", str(out), "-q"],
    )
    assert result.exit_code == 3, result.output
    report = json.loads(out.read_text())["exceptions"]
    # The example's dates are real dates: judge them against the day the scan evaluated them.
    evaluated_on = date.fromisoformat(report["evaluated_on"])
    bastion_active = evaluated_on <= date(2027, 3, 31)
    assert [a["exception"]["id"] for a in report["applied"]] == (["bastion-ssh"] if bastion_active else [])
    expired = {e["exception"]["id"]: e for e in report["expired"]}
    assert len(expired["legacy-reports-elb"]["findings"]) == 1
