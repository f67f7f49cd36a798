"""`auditor demo` end to end: seed the bundled estate into moto, scan through boto3, replay the snapshot."""

import json
import os

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
    # the only ERRORs are the organization's member whose role cannot be assumed, each naming why
    errors = [f for f in scan["findings"] if f["status"] == "ERROR"]
    assert errors and {f["account"] for f in errors} == {"345678901234"}
    assert all("sts:AssumeRole" in f["message"] for f in errors)
    assert scan["source"] == "demo" and scan["api_calls"] > 50
    assert [s["provider"] for s in scan["scopes"]] == ["aws", "aws", "aws", "azure", "gcp"]
    # the demo's fake AWS credentials were this process's only while it ran (tests/conftest.py's are back)
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert scan["scopes"][-1]["account"] == "demo-shop-prod"
    aws_scopes = [s for s in scan["scopes"] if s["provider"] == "aws"]
    assert [(s["account"], s["name"], bool(s["not_entered"])) for s in aws_scopes] == [
        ("123456789012", "master", False),
        ("246813579024", "shared-services", False),
        ("345678901234", "legacy-sandbox", True),
    ]
    scope = aws_scopes[0]
    per_account = {(a["account"], a["benchmark_id"]) for a in scan["account_scores"]}
    assert ("345678901234", "cis-aws-7.0") in per_account and (
        "246813579024",
        "module4-baseline",
    ) in per_account
    assert scope["regions"] == ["ap-southeast-2", "eu-west-1", "us-east-1"]
    assert scope["inventory_summary"]["vpcs"] == 5 and scope["inventory_summary"]["trails"] == 1
    for expected in ("FAIL", "PASS", "aws.guardduty.enabled_all_regions", "fix: aws"):
        assert expected in result.output


def test_demo_findings_follow_the_estate(demo_run):
    workdir, _ = demo_run
    findings = json.loads((workdir / "demo-scan.json").read_text())["findings"]

    def status(check_id, region):  # in the management account, the one the assertions below describe
        return {
            f["status"]
            for f in findings
            if f["check_id"] == check_id and f["region"] == region and f["account"] == "123456789012"
        }

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


def test_the_demo_scans_a_gcp_project_scored_against_cis_gcp_5_0(demo_run):
    workdir, _ = demo_run
    scan = json.loads((workdir / "demo-scan.json").read_text())
    snapshot = json.loads((workdir / "demo-snapshot.json").read_text())
    [gcp] = [inv for inv in snapshot["inventories"] if inv["provider"] == "gcp"]
    assert gcp["project_id"] == "demo-shop-prod" and gcp["organization_id"] == "987654321098"
    from auditor.emulators.estate import bundled_estate, load_estate

    estate = load_estate(bundled_estate("demo")).gcp
    [project] = estate.projects
    assert gcp["errors"] == [] and len(gcp["subnetworks"]) == sum(len(n.subnets) for n in project.networks)
    # SCC v2: the organization's sources and its active findings
    assert len(gcp["scc_sources"]) > 0 and gcp["scc_active_findings"]
    # the project's ancestors and their sinks: the folder and the organization
    assert gcp["ancestors"] == [f"folders/{project.folder}", f"organizations/{estate.organization.id}"]
    assert set(gcp["ancestor_sinks"]) == set(gcp["ancestors"])
    assert len(gcp["vpc_flow_logs_configs"]) == len(project.flow_logs_configs)
    scores = {b["benchmark_id"]: b for b in scan["benchmarks"]}
    assert set(scores) == {"cis-aws-7.0", "cis-azure-6.0", "cis-gcp-5.0", "module4-baseline"}
    cis_gcp = scores["cis-gcp-5.0"]
    assert cis_gcp["figures"]["passed"] > 0 and cis_gcp["figures"]["failed"] > 0
    controls = {c["control_id"]: c["status"] for c in cis_gcp["controls"]}
    # The estate's gaps: db-europe has no flow logs, batch-vpc no DNS logging, no Data Access audit logs.
    assert controls["3.10"] == controls["2.13"] == controls["2.1"] == "FAIL"
    assert controls["3.3"] == "PASS"  # DNSSEC on the public zone
    findings = scan["findings"]

    def status(check_id, name):
        return {f["status"] for f in findings if f["check_id"] == check_id and f["resource_name"] == name}

    assert status("gcp.compute.subnet_flow_logs_enabled", "proxy-only") == {"NOT_APPLICABLE"}
    assert status("gcp.compute.subnet_flow_logs_enabled", "db-europe") == {"FAIL"}
    # a subnet without logConfig, flow-logged by a Network Management vpcFlowLogsConfig
    by_config = {
        c.subnet for c in project.flow_logs_configs if c.target == "subnet" and c.state != "DISABLED"
    }
    for subnet in by_config:
        assert status("gcp.compute.subnet_flow_logs_enabled", subnet) == {"PASS"}
    # the organization's aggregated sink keeps only audit logs, the folder's drops them: no sink covers all
    [sink] = [f for f in findings if f["check_id"] == "gcp.logging.sink_all_entries"]
    assert sink["status"] == "FAIL"
    for name in [s.name for s in estate.organization.log_sinks] + [
        s.name for f in estate.folders for s in f.log_sinks
    ]:
        assert name in sink["message"], name
    assert status("gcp.compute.cloud_armor_logging_enabled", "unused-armor") == {"FAIL"}
    baseline = {c["control_id"]: c["status"] for c in scores["module4-baseline"]["controls"]}
    gcp_controls = [k for k in baseline if "GCP" in k]
    assert gcp_controls and all(baseline[k] in ("PASS", "FAIL") for k in gcp_controls), baseline


def test_demo_scan_includes_the_azure_subscription_and_its_cis_azure_6_0_score(demo_run):
    workdir, result = demo_run
    scan = json.loads((workdir / "demo-scan.json").read_text())
    [azure] = [s for s in scan["scopes"] if s["provider"] == "azure"]
    assert azure["account"] == "5ab50000-0000-4000-8000-0000000ac3e0"
    assert azure["regions"] == ["northeurope", "westeurope"]
    assert azure["inventory_summary"]["network_security_groups"] == 2
    azure_findings = [f for f in scan["findings"] if f["provider"] == "azure"]
    assert {"PASS", "FAIL"} <= {f["status"] for f in azure_findings}
    scores = {b["benchmark_id"]: b for b in scan["benchmarks"]}
    assert "cis-azure-6.0" in scores
    figures = scores["cis-azure-6.0"]["figures"]
    assert figures["in_scope"] == 63 and figures["errors"] == 0 and 0.5 < figures["coverage"] < 1
    assert "cis-azure-6.0" in result.output
    from pypdf import PdfReader

    pdf = " ".join(page.extract_text() for page in PdfReader(workdir / "demo-report.pdf").pages)
    assert (
        "CIS Microsoft Azure Foundations Benchmark v6.0.0" in pdf and "azure.network.flow_logs_enabled" in pdf
    )

    def status(check_id, resource_end):
        return {
            f["status"]
            for f in azure_findings
            if f["check_id"] == check_id and f["resource_id"].endswith(resource_end)
        }

    # the deliberate gaps of the demo estate
    assert status("azure.defender.key_vaults_plan_enabled", "KeyVaults") == {"FAIL"}
    assert status("azure.defender.virtual_machines_plan_enabled", "VirtualMachines") == {"PASS"}
    assert status("azure.network.flow_logs_enabled", "/branch") == {"FAIL"}
    assert status("azure.network.nsg_flow_logs_migrated", "/web-nsg-flowlog") == {"FAIL"}
    assert status("azure.dns.query_logging_enabled", "/core") == {"PASS"}
    assert status("azure.network.waf_bot_protection", "/edge-waf") == {"FAIL"}
    # Defender alerts: the two High ones still open fail, each with its category; the Resolved High brute
    # force on vm-jump-01 and the lower-severity ones do not
    alerts = [f for f in azure_findings if f["check_id"] == "azure.defender.no_unaddressed_high_alerts"]
    assert sorted((f["status"], f["evidence"]["category"], f["evidence"]["affected"]) for f in alerts) == [
        ("FAIL", "data_exfiltration", "acmeproddata"),
        ("FAIL", "instance_compromise", "vm-web-01"),
    ]
    assert azure["inventory_summary"]["defender_alerts"] == 5  # six declared, one Resolved
    baseline = {c["control_id"]: c["status"] for c in scores["module4-baseline"]["controls"]}
    assert baseline["TD-AZURE-DEFENDER-ALERTS"] == "FAIL"
