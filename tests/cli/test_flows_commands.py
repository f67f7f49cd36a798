"""`auditor flows analyze | convert | sql` end to end on a generated flow-log set."""

from __future__ import annotations

import json

import pypdf
import pytest
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.flows.generate import write_demo_set

runner = CliRunner()
WIDE = {"COLUMNS": "200"}


@pytest.fixture(scope="module")
def flow_set(tmp_path_factory):
    directory = tmp_path_factory.mktemp("flows")
    scenario, _ = write_demo_set(directory)
    return scenario, directory


def test_analyze_writes_json_and_pdf_and_exits_3_on_detections(flow_set, tmp_path):
    scenario, directory = flow_set
    until = scenario.window_end.isoformat()
    out, pdf = tmp_path / "flows.json", tmp_path / "flows.pdf"
    result = runner.invoke(
        app,
        ["flows", "analyze", str(directory), "--until", until, "--json", str(out), "--pdf", str(pdf)],
        env=WIDE,
    )
    assert result.exit_code == 3, result.output
    assert "aws.flows.ssh_brute_force" in result.output and "198.51.100.7" in result.output
    assert "2,555 read, 0 rejected as unreadable" in result.output
    scan = json.loads(out.read_text())
    assert scan["traffic"]["records_read"] == 2555
    assert scan["traffic"]["detections"]["aws.flows.port_scan"] == 1
    assert [(s["provider"], s["account"], s["regions"]) for s in scan["scopes"]] == [
        ("aws", "123456789012", ["eu-west-1"])
    ]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Traffic analysis" in text and "Top talkers" in text and "Block source IP via" in text


def test_analyze_thresholds_from_the_command_line(flow_set):
    scenario, directory = flow_set
    args = ["flows", "analyze", str(directory), "--until", scenario.window_end.isoformat(), "-q"]
    args += [
        "--ssh-attempts",
        "1000",
        "--rdp-attempts",
        "1000",
        "--scan-ports",
        "1000",
        "--exfil-bytes",
        "2GB",
    ]
    args += ["--new-destination-bytes", "2GB", "--rejected-ratio", "0.5"]
    result = runner.invoke(app, args, env=WIDE)
    assert result.exit_code == 0, result.output
    assert "FAIL 0" in result.output


def test_analyze_with_the_records_kept_in_a_duckdb_file(flow_set, tmp_path):
    scenario, directory = flow_set
    work = tmp_path / "work.duckdb"
    args = ["flows", "analyze", str(directory), "--until", scenario.window_end.isoformat(), "-q"]
    result = runner.invoke(app, [*args, "--work-db", str(work)], env=WIDE)
    assert result.exit_code == 3 and "FAIL 6" in result.output
    assert work.exists()
    again = runner.invoke(app, [*args, "--work-db", str(work)], env=WIDE)
    assert again.exit_code == 2 and "exists" in again.output


def test_analyze_under_a_small_memory_limit(flow_set):
    scenario, directory = flow_set
    args = ["flows", "analyze", str(directory), "--until", scenario.window_end.isoformat(), "-q"]
    result = runner.invoke(app, [*args, "--memory-limit", "64MiB"], env=WIDE)
    assert result.exit_code == 3 and "FAIL 6" in result.output


def test_analyze_usage_errors(flow_set):
    _, directory = flow_set
    assert runner.invoke(app, ["flows", "analyze", str(directory), "--since", "yesterday"]).exit_code == 2
    assert runner.invoke(app, ["flows", "analyze", str(directory), "--format", "csv"]).exit_code == 2
    bad_limit = runner.invoke(app, ["flows", "analyze", str(directory), "--memory-limit", "lots"])
    assert bad_limit.exit_code == 2 and "--memory-limit" in bad_limit.output
    missing = runner.invoke(app, ["flows", "analyze", "/no/such/dir"])
    assert missing.exit_code == 1 and "no such file or directory" in missing.output


def test_convert_to_parquet_keeps_every_record(flow_set, tmp_path):
    scenario, directory = flow_set
    target = tmp_path / "flows.parquet"
    result = runner.invoke(app, ["flows", "convert", str(directory), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "2,555 records from 4 files" in result.output
    again = runner.invoke(
        app, ["flows", "analyze", str(target), "--until", scenario.window_end.isoformat(), "-q"], env=WIDE
    )
    assert again.exit_code == 3 and "FAIL 6" in again.output


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("duckdb", "FROM vpc_flow_logs"),
        ("athena", 'FROM "flowdb"."vpc_flow_logs"'),
        ("logs-insights", "| filter dstPort = 22 and action = 'REJECT'"),
    ],
)
def test_sql_prints_the_queries(dialect, expected):
    args = ["flows", "sql", "--dialect", dialect, "--until", "2026-11-27T00:00:00", "--ssh-attempts", "50"]
    if dialect == "athena":
        args += ["--database", "flowdb", "--date-partition", "dt"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert expected in result.output
    if dialect == "athena":
        assert "\"dt\" BETWEEN '2026/11/26' AND '2026/11/27'" in result.output
    assert ("COUNT(*) > 50" in result.output) or ("attempts > 50" in result.output)
