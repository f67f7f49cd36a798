"""`auditor scan gcp`: credentials and options, and a GCP snapshot scored against CIS GCP 5.0 by default."""

import json

from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.emulators.estate import bundled_estate, load_estate
from auditor.emulators.gcp_emulator import GcpEmulator
from auditor.providers.gcp import GcpScanOptions, collect_gcp
from auditor.snapshot import write_snapshot

runner = CliRunner()
WIDE = {"COLUMNS": "250"}


def test_without_application_default_credentials_it_exits_1_and_says_how(tmp_path):
    env = {
        **WIDE,
        "GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "missing-key.json"),
        "CLOUDSDK_CONFIG": str(tmp_path / "gcloud"),
        "POSTURE_AUDITOR_HOME": str(tmp_path / "home"),
    }
    result = runner.invoke(app, ["scan", "gcp", "--project", "shop-prod", "--no-history", "-q"], env=env)
    assert result.exit_code == 1
    assert "GCP scan failed" in result.output and "Application Default Credentials" in result.output


def test_a_non_numeric_organization_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["scan", "gcp", "--organization", "acme"], env=WIDE)
    assert result.exit_code == 2


def test_a_non_numeric_folder_is_a_usage_error_naming_the_option(tmp_path):
    result = runner.invoke(app, ["scan", "gcp", "--folder", "folders/12"], env=WIDE)
    assert result.exit_code == 2 and "--folder" in result.output and "numeric folder id" in result.output


def test_a_folder_scan_without_credentials_exits_1_and_says_how(tmp_path):
    env = {
        **WIDE,
        "GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "missing-key.json"),
        "CLOUDSDK_CONFIG": str(tmp_path / "gcloud"),
        "POSTURE_AUDITOR_HOME": str(tmp_path / "home"),
    }
    result = runner.invoke(app, ["scan", "gcp", "--folder", "2001", "--no-history", "-q"], env=env)
    assert result.exit_code == 1
    assert "GCP scan failed" in result.output and "Application Default Credentials" in result.output


def test_scan_gcp_takes_the_scope_options():
    result = runner.invoke(app, ["scan", "gcp", "--help"], env=WIDE)
    assert result.exit_code == 0
    for option in ("--project", "--organization", "--folder"):
        assert option in result.output, option


def test_a_gcp_snapshot_is_scored_against_cis_gcp_5_0_and_the_baseline(tmp_path):
    spec = load_estate(bundled_estate("demo")).gcp
    with GcpEmulator.from_estate(spec) as gcp:
        endpoints = gcp.endpoints()
        inventories = collect_gcp(GcpScanOptions(endpoints=endpoints, anonymous=True, retry_initial=0.01))
    snapshot = tmp_path / "gcp.json"
    write_snapshot(snapshot, list(inventories))
    out = tmp_path / "scan.json"
    env = {**WIDE, "POSTURE_AUDITOR_HOME": str(tmp_path / "home")}
    result = runner.invoke(
        app, ["scan", "--from-snapshot", str(snapshot), "--json", str(out), "--no-history"], env=env
    )
    assert result.exit_code == 3, result.output
    scan = json.loads(out.read_text())
    assert [b["benchmark_id"] for b in scan["benchmarks"]] == ["cis-gcp-5.0", "module4-baseline"]
    assert {f["provider"] for f in scan["findings"]} == {"gcp"}
    assert "gcloud compute networks subnets update db-europe --region=europe-west1 --enable-flow-logs" in (
        result.output
    )


def _demo_expectations(spec):
    """What the demo estate's GCP part says the scan must find (derived from the estate, not pasted)."""
    [project] = spec.projects
    configured = {
        c.subnet for c in project.flow_logs_configs if c.target == "subnet" and c.state != "DISABLED"
    }
    covered_only_by_config = sorted(
        s.name for n in project.networks for s in n.subnets if s.name in configured and not s.flow_logs
    )
    return project, covered_only_by_config


def test_scan_gcp_runs_for_real_against_the_emulators_through_its_endpoint_options(tmp_path):
    spec = load_estate(bundled_estate("demo")).gcp
    project, covered_only_by_config = _demo_expectations(spec)
    assert covered_only_by_config  # the demo has a subnet flow-logged only by a vpcFlowLogsConfig
    out = tmp_path / "scan.json"
    env = {**WIDE, "POSTURE_AUDITOR_HOME": str(tmp_path / "home")}
    with GcpEmulator.from_estate(spec) as gcp:
        endpoints = gcp.endpoints()
        args = ["scan", "gcp", "--organization", spec.organization.id, "--endpoint", endpoints.rest]
        args += ["--grpc-endpoint", endpoints.grpc, "--anonymous", "--json", str(out), "--no-history", "-q"]
        result = runner.invoke(app, args, env=env)
        received = gcp.faults.requests()
    assert result.exit_code == 3, result.output  # the demo fails checks
    assert received and all(r.is_read for r in received)
    assert {r.protocol for r in received} == {"rest", "grpc"}
    scan = json.loads(out.read_text())
    findings = {(f["check_id"], f["resource_name"] or f["resource_id"]): f for f in scan["findings"]}
    assert {f["account"] for f in scan["findings"]} == {project.id}
    assert scan["collection_errors"] == []
    for subnet in covered_only_by_config:
        flow = findings[("gcp.compute.subnet_flow_logs_enabled", subnet)]
        assert flow["status"] == "PASS" and "VPC Flow Logs configuration" in flow["message"]
    sink = next(f for (check, _), f in findings.items() if check == "gcp.logging.sink_all_entries")
    assert sink["status"] == "FAIL"
    assert "drops audit logs" in sink["message"]  # the folder's aggregated sink and its exclusion
    assert (
        findings[
            ("gcp.scc.enabled", f"//cloudresourcemanager.googleapis.com/organizations/{spec.organization.id}")
        ]["status"]
        == "PASS"
    )


def test_the_endpoints_can_come_from_the_environment(tmp_path):
    spec = load_estate(bundled_estate("demo")).gcp
    out = tmp_path / "scan.json"
    with GcpEmulator.from_estate(spec) as gcp:
        env = {
            **WIDE,
            "POSTURE_AUDITOR_HOME": str(tmp_path / "home"),
            "POSTURE_AUDITOR_GCP_ENDPOINT": gcp.endpoints().rest,
            "POSTURE_AUDITOR_GCP_GRPC_ENDPOINT": gcp.endpoints().grpc,
        }
        args = ["scan", "gcp", "--project", spec.projects[0].id, "--anonymous", "--json", str(out)]
        result = runner.invoke(app, [*args, "--no-history", "-q"], env=env)
        assert gcp.faults.requests()
    assert result.exit_code == 3, result.output
    assert {f["account"] for f in json.loads(out.read_text())["findings"]} == {spec.projects[0].id}


def test_anonymous_without_an_endpoint_is_a_usage_error():
    result = runner.invoke(app, ["scan", "gcp", "--project", "shop-prod", "--anonymous"], env=WIDE)
    assert result.exit_code == 2 and "--anonymous" in result.output


def test_an_unknown_service_endpoint_is_a_usage_error_naming_the_services():
    args = ["scan", "gcp", "--service-endpoint", "bigquery=https://x.p.googleapis.com", "--anonymous"]
    result = runner.invoke(app, args, env=WIDE)
    assert result.exit_code == 2 and "--service-endpoint" in result.output and "compute" in result.output


def test_a_service_endpoint_overrides_the_base_for_that_service_only():
    from auditor.providers.gcp import GcpEndpoints

    endpoints = GcpEndpoints(
        rest="https://www-psc.p.googleapis.com",
        grpc="securitycenter-psc.p.googleapis.com:443",
        services=(("dns", "https://dns-psc.p.googleapis.com"), ("logging", "http://127.0.0.1:9")),
    )
    assert endpoints.rest_for("dns") == "https://dns-psc.p.googleapis.com"
    assert endpoints.rest_for("compute") == "https://www-psc.p.googleapis.com"
    assert endpoints.grpc_for("logging") == ("127.0.0.1:9", True)  # http://: plaintext
    assert endpoints.grpc_for("monitoring") == ("securitycenter-psc.p.googleapis.com:443", False)  # TLS
    assert GcpEndpoints().rest_for("compute") is None and GcpEndpoints().grpc_for("logging") is None
