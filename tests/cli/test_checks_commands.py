import json
from pathlib import Path

from typer.testing import CliRunner

from auditor.cli.checks_commands import checks_markdown
from auditor.cli.main import app
from auditor.registry import load_checks

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_lists_at_least_35_aws_checks_each_with_remediation():
    result = runner.invoke(app, ["checks", "list", "--provider", "aws", "--json"])
    assert result.exit_code == 0, result.output
    import json

    checks = json.loads(result.output)
    assert len(checks) >= 35
    for meta in checks:
        assert meta["id"].startswith("aws.")
        assert meta["remediation"]["cli"].strip(), meta["id"]
        assert meta["remediation"]["text"].strip() or meta["remediation"]["console"], meta["id"]
        assert meta["references"], meta["id"]
        assert meta["module_section"], meta["id"]


def test_table_lists_ids_and_filters_by_provider():
    result = runner.invoke(app, ["checks", "list", "-p", "aws"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "aws.vpc.flow_logs_enabled" in result.output
    assert "aws.guardduty.enabled_all_regions" in result.output
    result = runner.invoke(app, ["checks", "list", "--provider", "azure", "--json"])
    listed = json.loads(result.output)
    assert {c["provider"] for c in listed} == {"azure"}
    assert "azure.network.flow_logs_enabled" in {c["id"] for c in listed}


def test_unknown_provider_is_a_usage_error():
    result = runner.invoke(app, ["checks", "list", "--provider", "oracle"])
    assert result.exit_code == 2


def test_show_prints_the_fix_and_unknown_id_is_usage_error():
    result = runner.invoke(app, ["checks", "show", "aws.vpc.flow_logs_enabled"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "aws ec2 create-flow-logs" in result.output
    assert "Rationale" in result.output
    assert runner.invoke(app, ["checks", "show", "aws.nope.nothing"]).exit_code == 2


def test_docs_table_is_in_sync_with_the_code():
    expected = checks_markdown(load_checks().all("aws"))
    assert (ROOT / "docs" / "checks-aws.md").read_text() == expected, (
        "regenerate with: auditor checks list --provider aws --markdown > docs/checks-aws.md"
    )


def test_azure_docs_table_is_in_sync_with_the_code():
    expected = checks_markdown(load_checks().all("azure"))
    assert (ROOT / "docs" / "checks-azure.md").read_text() == expected, (
        "regenerate with: auditor checks list --provider azure --markdown > docs/checks-azure.md"
    )


def test_gcp_docs_table_is_in_sync_with_the_code():
    expected = checks_markdown(load_checks().all("gcp"))
    assert (ROOT / "docs" / "checks-gcp.md").read_text() == expected, (
        "regenerate with: auditor checks list --provider gcp --markdown > docs/checks-gcp.md"
    )
