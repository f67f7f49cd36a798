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
