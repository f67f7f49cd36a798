"""`auditor scan azure`: registered beside `scan aws` with the same options; no credential, a clear exit."""

from typer.testing import CliRunner

from auditor.cli.main import app

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
