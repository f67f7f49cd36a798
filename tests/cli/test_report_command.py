"""`auditor report` and `auditor scan --output-dir/--format`: render stored scans without the cloud."""

import json

import pytest
from typer.testing import CliRunner

from auditor.cli.main import app

runner = CliRunner()
WIDE = {"COLUMNS": "250"}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("report-demo")
    scan, snapshot = workdir / "scan.json", workdir / "snapshot.json"
    result = runner.invoke(
        app,
        [
            "demo",
            "-q",
            "--no-history",
            "--json",
            str(scan),
            "--snapshot",
            str(snapshot),
            "--pdf",
            str(workdir / "d.pdf"),
        ],
    )
    assert result.exit_code == 3, result.output
    assert (workdir / "d.pdf").read_bytes().startswith(b"%PDF-")
    return scan, snapshot


def test_report_renders_pdf_and_html_from_a_scan_file(demo_files, tmp_path):
    scan, _ = demo_files
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(scan), "--pdf", str(pdf), "--html", str(html)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    page = html.read_text()
    assert "Cloud posture audit report" in page and "aws.vpc.flow_logs_enabled" in page
    assert f"wrote {pdf}" in result.output


def test_report_from_the_last_scan_in_history_shows_changes(demo_files, tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))
    _, snapshot = demo_files
    assert runner.invoke(app, ["report", "--last", "--html", str(tmp_path / "x.html")]).exit_code == 1
    for _ in range(2):
        assert runner.invoke(app, ["scan", "--from-snapshot", str(snapshot), "-q"]).exit_code == 3
    html = tmp_path / "last.html"
    result = runner.invoke(app, ["report", "--last", "--html", str(html)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "previous scan" in html.read_text().lower()


@pytest.mark.parametrize(
    "args",
    [
        ["report"],  # neither a file nor --last
        ["report", "x.json", "--last", "--pdf", "o.pdf"],  # both
        ["report", "x.json"],  # nothing to write
        ["report", "x.json", "-o", ".", "-f", "docx"],  # unknown format
    ],
)
def test_usage_errors_exit_2(args):
    assert runner.invoke(app, args).exit_code == 2


def test_a_file_that_is_not_a_scan_result_exits_1_naming_it(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "something"}))
    result = runner.invoke(app, ["report", str(bad), "--pdf", str(tmp_path / "o.pdf")], env=WIDE)
    assert result.exit_code == 1
    assert str(bad) in result.output and "not a scan result" in result.output
    assert not (tmp_path / "o.pdf").exists()


def test_scan_writes_every_format_to_the_output_dir(demo_files, tmp_path):
    _, snapshot = demo_files
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["scan", "--from-snapshot", str(snapshot), "--no-history", "-o", str(out), "-f", "all"], env=WIDE
    )
    assert result.exit_code == 3, result.output
    suffixes = sorted(p.name.split(".", 1)[1] for p in out.iterdir())
    assert suffixes == ["asff.json", "csv", "html", "json", "junit.xml", "ocsf.json", "pdf"]
    [junit] = out.glob("*.junit.xml")
    assert junit.read_text().startswith("<?xml")


def test_an_unwritable_output_dir_exits_1_and_keeps_the_scan_result(demo_files, tmp_path):
    _, snapshot = demo_files
    blocker = tmp_path / "file"
    blocker.write_text("x")
    scan_json = tmp_path / "scan.json"
    result = runner.invoke(
        app,
        [
            "scan",
            "--from-snapshot",
            str(snapshot),
            "--no-history",
            "--json",
            str(scan_json),
            "-o",
            str(blocker / "d"),
            "-f",
            "csv",
        ],
        env=WIDE,
    )
    assert result.exit_code == 1
    assert "cannot write" in result.output
    assert json.loads(scan_json.read_text())["findings"]  # the JSON written before the report is intact
