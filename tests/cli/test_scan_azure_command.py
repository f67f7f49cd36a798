"""`auditor scan azure`: registered beside `scan aws` with the same options; no credential, a clear exit."""

import json
from pathlib import Path

from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.emulators.arm_server import ArmEmulator
from auditor.emulators.azure_seed import seed_azure
from tests.providers.azure.estate import ESTATE, PROD

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


def test_scan_azure_takes_the_scan_options():
    result = runner.invoke(app, ["scan", "azure", "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    for option in (
        "--subscription",
        "--exclude-subscription",
        "--management-group",
        "--tenant",
        "--endpoint",
        "--ca-bundle",
        "--anonymous",
        "--snapshot",
        "--json",
        "--benchmark",
        "--exceptions",
        "--no-history",
        "--output-dir",
        "--format",
        "--workers",
        "--quiet",
    ):
        assert option in result.output, option


def test_without_any_credential_the_scan_stops_with_a_clear_message(tmp_path):
    # No service principal in the environment, no Azure CLI or PowerShell on the PATH, an empty home.
    env = {
        **WIDE,
        "PATH": str(tmp_path),
        "HOME": str(tmp_path),
        "AZURE_CLIENT_ID": None,
        "AZURE_TENANT_ID": None,
        "AZURE_CLIENT_SECRET": None,
        "AZURE_FEDERATED_TOKEN_FILE": None,
        "IDENTITY_ENDPOINT": None,
        "MSI_ENDPOINT": None,
        "POSTURE_AUDITOR_HOME": str(tmp_path),
    }
    result = runner.invoke(app, ["scan", "azure", "--no-history", "-q"], env=env)
    assert result.exit_code == 1, result.output
    assert "Azure scan failed: no usable Azure credential" in result.output


def test_malformed_credential_settings_stop_the_scan_with_a_clear_message(tmp_path):
    # An empty service principal in the environment: azure-identity refuses it when asked for a token.
    env = {
        **WIDE,
        "PATH": str(tmp_path),
        "HOME": str(tmp_path),
        "AZURE_CLIENT_ID": "",
        "AZURE_TENANT_ID": "",
        "AZURE_CLIENT_SECRET": "",
    }
    result = runner.invoke(app, ["scan", "azure", "--no-history", "-q"], env=env)
    assert result.exit_code == 1, result.output
    assert "Azure scan failed: the Azure credential settings are invalid" in result.output


def test_a_malformed_management_group_is_a_usage_error():
    result = runner.invoke(app, ["scan", "azure", "--management-group", "mg/../x", "--no-history"], env=WIDE)
    assert result.exit_code == 2
    assert "management group id" in result.output


def test_a_management_group_scan_without_a_credential_stops_with_a_clear_message(tmp_path):
    env = {
        **WIDE,
        "PATH": str(tmp_path),
        "HOME": str(tmp_path),
        "AZURE_CLIENT_ID": None,
        "AZURE_TENANT_ID": None,
        "AZURE_CLIENT_SECRET": None,
        "IDENTITY_ENDPOINT": None,
        "MSI_ENDPOINT": None,
        "POSTURE_AUDITOR_HOME": str(tmp_path),
    }
    arguments = ["scan", "azure", "--management-group", "mg-prod", "--exclude-subscription", "x", "-q"]
    result = runner.invoke(app, [*arguments, "--no-history"], env=env)
    assert result.exit_code == 1, result.output
    assert "Azure scan failed: no usable Azure credential" in result.output


def _scan_json(path: Path) -> dict[str, str]:
    result = json.loads(path.read_text())
    return {f"{f['check_id']} {f['resource_id'].rsplit('/', 1)[-1]}": f["status"] for f in result["findings"]}


def test_scan_azure_reaches_an_emulator_through_endpoint_ca_bundle_and_anonymous(tmp_path):
    emulator = ArmEmulator()
    assert ESTATE.azure is not None
    seed_azure(ESTATE.azure, emulator)
    out = tmp_path / "scan.json"
    env = {**WIDE, "POSTURE_AUDITOR_HOME": str(tmp_path), "AZURE_CLIENT_ID": None}
    with emulator:
        args = ["--ca-bundle", str(emulator.cert_path), "--anonymous", "--subscription", PROD]
        result = runner.invoke(
            app,
            ["scan", "azure", "--endpoint", emulator.url, *args, "--json", str(out), "--no-history", "-q"],
            env=env,
        )
        assert result.exit_code == 3, result.output  # the estate has failures
        seen = _scan_json(out)
        # the same scan, the endpoint from the environment
        env["POSTURE_AUDITOR_AZURE_ENDPOINT"] = emulator.url
        again = runner.invoke(
            app, ["scan", "azure", *args, "--json", str(out), "--no-history", "-q"], env=env
        )
        assert again.exit_code == 3, again.output
        requests = emulator.requests
    assert seen == _scan_json(out)
    assert seen["azure.defender.virtual_machines_plan_enabled VirtualMachines"] == "PASS"
    assert seen["azure.defender.storage_accounts_plan_enabled StorageAccounts"] == "FAIL"
    assert {r.method for r in requests} == {"GET"} and all(r.operation for r in requests)


def test_anonymous_is_refused_towards_a_real_cloud_and_the_endpoint_must_be_https():
    result = runner.invoke(app, ["scan", "azure", "--anonymous", "--no-history"], env=WIDE)
    assert result.exit_code == 2 and "loopback" in result.output
    result = runner.invoke(
        app, ["scan", "azure", "--endpoint", "http://127.0.0.1:1", "--no-history"], env=WIDE
    )
    assert result.exit_code == 2 and "https URL" in result.output
