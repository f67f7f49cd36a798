"""The report end to end on the demo scan: PDF structure and text, the HTML variant, the large case,
and atomic writing."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.history import BenchmarkScoreRow, ScanSummary
from auditor.scan_result import ScanResult
from reports.fetcher import ReportFetcher
from reports.render import render_html, render_pdf, write_report
from tests.reports import SYNTHETIC_CHECKS, synthetic_scan

SECTIONS = (
    "Executive summary",
    "How the score is computed",
    "Control matrix",
    "Findings by check",
    "Exceptions and muted findings",
    "Not evaluated, and why",
    "Appendix A: Evidence",
    "Appendix B: Failing resources by check",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> ScanResult:
    workdir = tmp_path_factory.mktemp("demo-report")
    scan, snapshot = workdir / "demo-scan.json", workdir / "demo-snapshot.json"
    before = os.getcwd()
    os.chdir(workdir)  # whatever else the demo writes (its own report) stays in the temporary directory
    try:
        outcome = CliRunner().invoke(
            app, ["demo", "-q", "--no-history", "--json", str(scan), "--snapshot", str(snapshot)]
        )
    finally:
        os.chdir(before)
    assert outcome.exit_code == 3, outcome.output
    return ScanResult.model_validate_json(scan.read_text())


def _trend(result: ScanResult) -> list[ScanSummary]:
    """Two stored scans, as ``HistoryStore.list_scans`` gives them."""
    rows = []
    for index, ratio in enumerate((0.1, None)):
        rows.append(
            ScanSummary(
                id=index + 1,
                saved_at=result.started_at,
                started_at=result.started_at.replace(day=1, hour=index),
                finished_at=result.finished_at,
                source="demo",
                tool_version=result.tool_version,
                accounts=["aws:123456789012"],
                counts={"FAIL": 70 - index},
                scores=[
                    BenchmarkScoreRow(
                        benchmark_id=score.benchmark_id,
                        control_ratio=ratio if ratio is not None else score.figures.control_ratio,
                        weighted_score=score.figures.weighted_score,
                        coverage=score.figures.coverage,
                    )
                    for score in result.benchmarks
                ],
            )
        )
    return rows


@pytest.fixture(scope="module")
def demo_pdf(demo) -> tuple[bytes, ReportFetcher]:
    fetcher = ReportFetcher()
    return render_pdf(demo, fetcher=fetcher), fetcher


@pytest.fixture(scope="module")
def reader(demo_pdf) -> PdfReader:
    return PdfReader(io.BytesIO(demo_pdf[0]))


@pytest.fixture(scope="module")
def text(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _outline_titles(outline: list) -> list[str]:
    titles: list[str] = []
    for item in outline:
        if isinstance(item, list):
            titles.extend(_outline_titles(item))
        else:
            titles.append(item.title)
    return titles


def test_the_pdf_has_pages_and_a_bookmark_per_section(reader):
    assert len(reader.pages) > 5
    titles = _outline_titles(reader.outline)
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    for section in SECTIONS:
        assert any(section in title for title in top), (section, top)
    assert "CIS Amazon Web Services Foundations Benchmark v7.0.0" in titles
    assert "Contents" not in titles and "Sign-off" not in titles


def test_the_pdf_text_has_cover_toc_footer_controls_and_commands(text, demo):
    squashed = re.sub(r"\s+", " ", text)
    for expected in (
        "Cloud posture audit report",
        "aws 123456789012 master (3 regions)",
        "aws 345678901234 legacy-sandbox (not entered)",
        "Scores per account",
        "ap-southeast-2, eu-west-1, us-east-1",
        demo.inventory_hash,
        "posture-auditor 0.1.0",
        "simulated estate",
        "Page 1 of",
        "Contents",
        "4.7",
        "Ensure VPC flow logging is enabled in all VPCs",
        "aws ec2 create-flow-logs",
        "Not evaluated",
        "How the score is computed",
        "Sign-off",
    ):
        assert expected in squashed, expected
    for section in SECTIONS:
        assert section in squashed
    pages = len(re.findall(r"Page \d+ of (\d+)", squashed))
    assert pages >= 5
    # The table of contents gives page numbers: "1 Executive summary 3".
    assert re.search(r"1 Executive summary \d+", squashed)


def test_the_fixed_command_names_the_first_failing_vpc(text, demo):
    first = sorted(
        (f for f in demo.findings if f.check_id == "aws.vpc.flow_logs_enabled" and f.status == "FAIL"),
        key=lambda f: (f.account, f.region, f.resource_id),
    )[0]
    squashed = re.sub(r"\s+", "", text)
    assert (
        re.sub(r"\s+", "", f"--region {first.region} --resource-type VPC --resource-ids {first.resource_id}")
        in squashed
    )


def test_the_pdf_loaded_only_its_stylesheet(demo_pdf):
    _, fetcher = demo_pdf
    assert fetcher.refused == []
    assert [url.rsplit("/", 2)[-2:] for url in fetcher.served] == [["static", "report.css"]]


def test_the_html_has_the_same_sections_and_no_script(demo):
    html = render_html(demo)
    print_html = render_html(demo, for_pdf=True)
    for section in SECTIONS:
        assert section in html and section in print_html
    for anchor in ('id="summary"', 'id="matrix"', 'id="findings"', 'id="not-evaluated"', 'id="evidence"'):
        assert anchor in html
    assert "aws ec2 create-flow-logs" in html and "4.7" in html
    assert "<script" not in html.lower()
    assert "Content-Security-Policy" in html
    assert "<style>" in html and '<link rel="stylesheet"' not in html
    assert '<link rel="stylesheet" href="static/report.css">' in print_html
    # Same content: the two variants differ only in the head.
    body = html[html.index("<body>") :]
    assert body == print_html[print_html.index("<body>") :].replace("medium-print", "medium-screen")


def test_previous_scan_and_trend_add_their_sections(demo):
    previous = demo.model_copy(
        update={"findings": [f for f in demo.findings if f.check_id != "aws.vpc.flow_logs_enabled"]}
    )
    html = render_html(demo, previous=previous, trend=_trend(demo))
    assert "Changes since the previous scan" in html and "New failures" in html
    assert "Trend" in html and 'class="chart trend-line"' in html
    plain = render_html(demo)
    assert "Changes since the previous scan" not in plain and 'id="trend"' not in plain


def test_five_thousand_failing_resources_stay_readable_in_html():
    result = synthetic_scan(5000)
    html = render_html(result)
    biggest = 5000 - 4 * 1000
    assert f"… and {biggest - 20} more failing resources ({biggest} in all)" in html
    for check_id in SYNTHETIC_CHECKS:
        assert check_id in html
    # The body names 20 of them (the matrix examples and the filled command are among those 20);
    # the appendix names every one.
    start = html.index('id="failing-resources"')
    body, appendix = html[:start], html[start:]
    ids = [f"vpc-{index:06d}aaaaaa" for index in range(biggest)]
    assert sum(resource in body for resource in ids) == 20
    assert all(resource in appendix for resource in ids)


def test_a_long_list_is_summarised_in_the_pdf_body_and_complete_in_the_appendix():
    result = synthetic_scan(150)
    pdf = render_pdf(result)
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    biggest = 150 - 4 * 30
    assert f"and {biggest - 20} more failing resources ({biggest} in all), see Appendix B" in text
    for index in range(biggest):
        assert f"vpc-{index:06d}aaaaaa" in text
    appendix = text[text.index("Every failing resource of every check") :]
    assert f"vpc-{biggest - 1:06d}aaaaaa" in appendix and f"vpc-{20:06d}aaaaaa" in appendix


@pytest.mark.skipif(
    not os.environ.get("REPORT_BIG_PDF"),
    reason="~25 s: set REPORT_BIG_PDF=1 (benchmarks/report_pdf.py renders it and reports the time)",
)
def test_five_thousand_failing_resources_in_the_pdf():
    reader = PdfReader(io.BytesIO(render_pdf(synthetic_scan(5000))))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert all(f"vpc-{index:06d}aaaaaa" in text for index in range(1000))


def test_write_report_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "out" / "report.pdf"
    write_report(target, b"%PDF-first")
    assert target.read_bytes() == b"%PDF-first"
    write_report(target, "<html>second</html>")
    assert target.read_text(encoding="utf-8") == "<html>second</html>"

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_report(target, b"%PDF-third")
    assert target.read_text(encoding="utf-8") == "<html>second</html>"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.pdf"]


def test_write_report_failing_replace_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old")

    def broken_replace(src: str | Path, dst: str | Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(PermissionError):
        write_report(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
