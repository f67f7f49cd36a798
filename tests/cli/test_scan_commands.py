import json

from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.snapshot import write_snapshot
from tests.conftest import collection_error, make_inventory

runner = CliRunner()
WIDE = {"COLUMNS": "250"}


def _snapshot(tmp_path, **regions):
    path = tmp_path / "inv.json"
    inventory = make_inventory(
        {
            "us-east-1": {
                "vpcs": [{"id": "vpc-1", "name": "[bold red]pwned[/] <script>"}],
                "subnets": [],
                "flow_logs": [],
                "guardduty_detectors": [{"id": "d1", "status": "ENABLED"}],
            },
            "eu-west-1": {"vpcs": [], "subnets": [], "flow_logs": []},
        },
        errors=[collection_error("eu-west-1", "guardduty_detectors", "guardduty", operation="ListDetectors")],
    )
    write_snapshot(path, [inventory])
    return path


def test_from_snapshot_evaluates_offline_writes_json_and_exits_3(tmp_path):
    out = tmp_path / "scan.json"
    result = runner.invoke(
        app, ["scan", "--from-snapshot", str(_snapshot(tmp_path)), "--json", str(out)], env=WIDE
    )
    assert result.exit_code == 3, result.output
    data = json.loads(out.read_text())
    assert data["schema"] == "posture-auditor/scan-result" and data["source"] == "snapshot"
    by_check = {(f["check_id"], f["region"]): f["status"] for f in data["findings"]}
    assert by_check[("aws.guardduty.enabled_all_regions", "us-east-1")] == "PASS"
    assert by_check[("aws.guardduty.enabled_all_regions", "eu-west-1")] == "ERROR"
    assert by_check[("aws.vpc.flow_logs_enabled", "us-east-1")] == "FAIL"
    assert "guardduty:ListDetectors in eu-west-1 was denied" in result.output


def test_resource_names_are_printed_literally_not_as_markup(tmp_path):
    path = tmp_path / "inv.json"
    write_snapshot(
        path,
        [
            make_inventory(
                {"us-east-1": {"vpcs": [{"id": "vpc-[bold]x[/bold]"}], "subnets": [], "flow_logs": []}}
            )
        ],
    )
    result = runner.invoke(app, ["scan", "--from-snapshot", str(path)], env=WIDE)
    assert "vpc-[bold]x[/bold]" in result.output


def test_a_malformed_snapshot_exits_1_naming_file_and_field(tmp_path):
    path = _snapshot(tmp_path)
    data = json.loads(path.read_text())
    data["inventories"][0]["regions"]["us-east-1"]["flow_logs"] = "yes"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["scan", "--from-snapshot", str(path)], env=WIDE)
    assert result.exit_code == 1
    assert str(path) in result.output
    assert "inventories[0].regions.us-east-1.flow_logs" in result.output


def test_usage_errors_exit_2(tmp_path):
    assert runner.invoke(app, ["scan"]).exit_code == 2
    assert runner.invoke(app, ["scan", "aws", "--no-such-flag"]).exit_code == 2
    assert runner.invoke(app, ["nonsense"]).exit_code == 2


def test_an_unwritable_json_path_exits_1_and_says_so(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(
        app,
        ["scan", "--from-snapshot", str(_snapshot(tmp_path)), "--json", str(blocker / "out.json")],
        env=WIDE,
    )
    assert result.exit_code == 1
    assert "cannot write" in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("posture-auditor ")
