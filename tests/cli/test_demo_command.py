"""`auditor demo` end to end: seed the bundled estate into moto, scan through boto3, replay the snapshot."""

import json

import pytest
from typer.testing import CliRunner

from auditor.cli.main import app

runner = CliRunner()
WIDE = {"COLUMNS": "250"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("demo")
    import os

    before = os.getcwd()
    os.chdir(workdir)
    try:
        result = runner.invoke(app, ["demo"], env=WIDE)
    finally:
        os.chdir(before)
    return workdir, result


def test_demo_prints_pass_and_fail_writes_files_and_exits_3(demo_run):
    workdir, result = demo_run
    assert result.exit_code == 3, result.output
    assert (workdir / "demo-scan.json").exists() and (workdir / "demo-snapshot.json").exists()
    scan = json.loads((workdir / "demo-scan.json").read_text())
    statuses = {f["status"] for f in scan["findings"]}
    assert {"PASS", "FAIL"} <= statuses
    assert "ERROR" not in statuses, [f for f in scan["findings"] if f["status"] == "ERROR"]
    assert scan["source"] == "demo" and scan["api_calls"] > 50
    [scope] = scan["scopes"]
    assert (scope["provider"], scope["account"]) == ("aws", "123456789012")
    assert scope["regions"] == ["ap-southeast-2", "eu-west-1", "us-east-1"]
    assert scope["inventory_summary"]["vpcs"] == 5 and scope["inventory_summary"]["trails"] == 1
    for expected in ("FAIL", "PASS", "aws.guardduty.enabled_all_regions", "fix: aws"):
        assert expected in result.output


def test_demo_findings_follow_the_estate(demo_run):
    workdir, _ = demo_run
    findings = json.loads((workdir / "demo-scan.json").read_text())["findings"]

    def status(check_id, region):
        return {f["status"] for f in findings if f["check_id"] == check_id and f["region"] == region}

    # GuardDuty is on in us-east-1 only; Security Hub has only the outdated CIS 1.2.0 standard.
    assert status("aws.guardduty.enabled_all_regions", "us-east-1") == {"PASS"}
    assert status("aws.guardduty.enabled_all_regions", "eu-west-1") == {"FAIL"}
    assert status("aws.securityhub.cis_standard_current", "us-east-1") == {"FAIL"}
    current = [
        f
        for f in findings
        if f["check_id"] == "aws.securityhub.cis_standard_current" and f["region"] == "us-east-1"
    ]
    assert "1.2.0" in current[0]["message"]
    # A multi-region trail in us-east-1 covers the account.
    assert status("aws.cloudtrail.multi_region_trail_logging", "global") == {"PASS"}
    # An SG open on 22 to the world.
    assert "FAIL" in status("aws.ec2.sg_no_admin_ports_ipv4", "us-east-1")


def test_replaying_the_demo_snapshot_gives_the_same_findings(demo_run, tmp_path):
    workdir, _ = demo_run
    replay = tmp_path / "replay.json"
    result = runner.invoke(
        app, ["scan", "--from-snapshot", str(workdir / "demo-snapshot.json"), "--json", str(replay)], env=WIDE
    )
    assert result.exit_code == 3, result.output
    original = json.loads((workdir / "demo-scan.json").read_text())
    replayed = json.loads(replay.read_text())
    # The snapshot is the inventory: replaying it gives every check's findings again. The demo's flow-log
    # detections come from its generated flow-log set, not from the inventory, so they are not replayed.
    from_inventory = [f for f in original["findings"] if f["service"] != "flows"]
    assert len(from_inventory) < len(original["findings"])
    assert replayed["findings"] == from_inventory
    assert replayed["inventory_hash"] == original["inventory_hash"]


def test_the_demo_analyses_its_flow_log_set(demo_run):
    workdir, result = demo_run
    scan = json.loads((workdir / "demo-scan.json").read_text())
    failing = {
        (f["check_id"], f["resource_id"])
        for f in scan["findings"]
        if f["service"] == "flows" and f["status"] == "FAIL"
    }
    assert failing == {
        ("aws.flows.ssh_brute_force", "198.51.100.7"),
        ("aws.flows.rdp_brute_force", "198.51.100.8"),
        ("aws.flows.port_scan", "203.0.113.5"),
        ("aws.flows.possible_exfiltration", "10.0.3.30"),
        ("aws.flows.new_destination_transfer", "10.0.3.30"),
        ("aws.flows.rejected_flow_ratio", "123456789012"),
    }
    assert scan["traffic"]["records_read"] == 2555 and scan["traffic"]["inputs"] == [
        "demo flow-log set (generated)"
    ]
    assert "aws.flows.ssh_brute_force" in result.output


def test_a_malformed_estate_exits_1_naming_the_file(tmp_path):
    estate = tmp_path / "estate.yaml"
    estate.write_text("aws:\n  account_id: '123456789012'\n  enabled_regions: [us-east-1]\n  bogus_key: 1\n")
    result = runner.invoke(
        app, ["demo", "--estate", str(estate), "--json", str(tmp_path / "x.json")], env=WIDE
    )
    assert result.exit_code == 1
    assert "estate.yaml" in result.output and "bogus_key" in result.output
