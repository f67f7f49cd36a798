import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import auditor.benchmarks
from auditor.cli.main import app

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


@pytest.fixture
def catalog_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the loader at an empty directory of catalogs (and forget the shipped ones it cached)."""
    monkeypatch.setattr(auditor.benchmarks, "_catalog_dir", lambda: tmp_path)
    auditor.benchmarks.load_benchmark.cache_clear()
    yield tmp_path
    auditor.benchmarks.load_benchmark.cache_clear()


def test_list_names_every_catalog_with_its_counts():
    result = runner.invoke(app, ["benchmarks", "list"], env=WIDE)
    assert result.exit_code == 0, result.output
    for benchmark_id in ("cis-aws-7.0", "cis-aws-5.0", "module4-baseline"):
        assert benchmark_id in result.output
    assert "CIS Amazon Web Services Foundations Benchmark v7.0.0" in result.output


def test_list_json_counts_scope_and_what_decides():
    result = runner.invoke(app, ["benchmarks", "list", "--json"])
    assert result.exit_code == 0, result.output
    summaries = {s["id"]: s for s in json.loads(result.output)}
    assert summaries["cis-aws-7.0"] == {
        "id": "cis-aws-7.0",
        "title": "CIS Amazon Web Services Foundations Benchmark v7.0.0",
        "version": "7.0.0",
        "controls": 70,
        "in_scope": 35,
        "decided_by_checks": 33,
        "manual": 2,
        "pending": 0,
        "out_of_scope": 35,
    }
    baseline = summaries["module4-baseline"]
    # every provider is collected now: the module baseline is fully decided, nothing pending
    assert baseline["in_scope"] == baseline["controls"] and baseline["pending"] == 0
    assert baseline["decided_by_checks"] == baseline["controls"]


def test_show_a_section_lists_its_controls_and_their_checks():
    result = runner.invoke(app, ["benchmarks", "show", "cis-aws-7.0", "--section", "4"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "4 Logging" in result.output
    assert "4.10  level 1  Manual" in result.output
    for check in ("aws.elbv2.access_logging_enabled", "aws.apigateway.stage_access_logging_enabled"):
        assert check in result.output
    assert "5.1 " not in result.output and "Monitoring" not in result.output


def test_show_prints_manual_and_out_of_scope_reasons():
    result = runner.invoke(app, ["benchmarks", "show", "cis-aws-7.0"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "manual: Which CIDRs a peering route must carry" in result.output
    assert "out of scope: Identity and Access Management is not assessed by this tool yet" in result.output
    assert "6.1 Elastic Compute Cloud (EC2)" in result.output


def test_show_baseline_prints_module_sections_and_the_checks_of_every_cloud():
    result = runner.invoke(app, ["benchmarks", "show", "module4-baseline", "-s", "1"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "LOG-AWS-FLOW" in result.output and "LOG-GCP-WAF" in result.output
    assert "module: Essential Network Logs > Log Types by Provider: Network flow / AWS VPC Flow Logs" in (
        result.output
    )
    for check in ("aws.vpc.flow_logs_enabled", "azure.network.flow_logs_enabled"):
        assert check in result.output
    assert "gcp.compute.subnet_flow_logs_enabled" in result.output
    assert "0 pending" in result.output and "[pending]" not in result.output


def test_show_json_filters_by_section():
    result = runner.invoke(app, ["benchmarks", "show", "cis-aws-5.0", "--section", "5", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [s["id"] for s in data["sections"]] == ["5"]
    assert {c["section"] for c in data["controls"]} == {"5"}
    peering = next(c for c in data["controls"] if c["id"] == "5.6")
    assert peering["decided_by"] == "manual"
    assert peering["checks"] == ["aws.vpc.peering_routes_least_access"]


def test_unknown_benchmark_or_section_is_a_usage_error():
    result = runner.invoke(app, ["benchmarks", "show", "cis-aws-0.1"], env=WIDE)
    assert result.exit_code == 2
    assert "no benchmark 'cis-aws-0.1'" in result.output and "cis-aws-7.0" in result.output
    result = runner.invoke(app, ["benchmarks", "show", "cis-aws-7.0", "--section", "9"], env=WIDE)
    assert result.exit_code == 2
    assert "no section '9'" in result.output


def test_catalog_data_is_printed_literally_never_as_markup(catalog_dir):
    (catalog_dir / "markup.yaml").write_text(
        'id: markup\ntitle: "[bold red]Catalog[/]"\nversion: "1"\nsections:\n'
        '  - id: "1"\n    title: "[link=http://x]One[/link]"\ncontrols:\n'
        '  - id: "[b]1.1[/b]"\n    title: "Ensure [red]this[/red]"\n    section: "1"\n    level: 1\n'
        '    assessment: Manual\n    provider: aws\n    manual: "a [i]person[/i] judges"\n'
    )
    result = runner.invoke(app, ["benchmarks", "show", "markup"], env=WIDE)
    assert result.exit_code == 0, result.output
    for literal in (
        "[bold red]Catalog[/]",
        "[link=http://x]One[/link]",
        "[b]1.1[/b]",
        "Ensure [red]this[/red]",
    ):
        assert literal in result.output
    assert "manual: a [i]person[/i] judges" in result.output
    result = runner.invoke(app, ["benchmarks", "list"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "[bold red]Catalog[/]" in result.output


def test_a_broken_catalog_is_an_error_naming_the_file(catalog_dir):
    (catalog_dir / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    for command in (["benchmarks", "list"], ["benchmarks", "show", "broken"]):
        result = runner.invoke(app, command, env=WIDE)
        assert result.exit_code == 1
        assert "broken.yaml" in result.output and "invalid YAML" in result.output
