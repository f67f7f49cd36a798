"""The dashboard: scores, coverage, sections, counts, scope, not-evaluated errors; cloud text is literal."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Sparkline

from auditor.cli.summary import percent
from auditor.model import CollectionError, Status
from auditor.scan_result import ScanResult
from auditor.tui.app import AuditorApp
from auditor.tui.screens.dashboard import DashboardScreen
from tests.tui.screen_reading import screen_text, settle, wait_loaded

INJECTION = "[bold red]x[/]\x1b[2J"


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_dashboard_shows_scores_sections_counts_and_scope(scan_file: Path, size: tuple[int, int]):
    app = AuditorApp(scan_file=scan_file)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        text = screen_text(app)
        result = app.state.result
        assert "cis-aws-7.0" in text
        figures = next(b for b in result.benchmarks if b.benchmark_id == "cis-aws-7.0").figures
        decided = figures.passed + figures.failed
        assert (
            f"control ratio {percent(figures.control_ratio)} ({figures.passed}/{decided} decided pass)"
            in text
        )
        evaluated = f"({figures.evaluated}/{figures.in_scope} in scope evaluated)"
        assert f"coverage {percent(figures.coverage)} {evaluated}" in text
        assert f"weighted score {percent(figures.weighted_score)}" in text
        for benchmark in ("cis-azure-6.0", "cis-gcp-5.0", "module4-baseline"):  # every provider's score
            assert benchmark in text
        assert "4 Logging" in text
        assert f"FAIL {result.counts()[Status.FAIL]}" in text
        assert "Failing findings by severity" in text
        assert "123456789012" in text
        assert str(scan_file) in text  # the source
        assert "Not evaluated" in text
        table = app.screen.query_one("#dash-sections", DataTable)
        assert table.row_count >= 5


async def test_dashboard_lists_collection_errors_and_renders_cloud_text_literally(
    scan_file: Path, tmp_path: Path
):
    result = ScanResult.model_validate_json(scan_file.read_text())
    result.collection_errors.append(
        CollectionError(
            provider="aws",
            account="123456789012",
            region="eu-west-1",
            service="ec2",
            dataset="flow_logs",
            operation="DescribeFlowLogs",
            kind="denied",
            code="AccessDenied",
            message=INJECTION,
        )
    )
    result.scopes[0].account = INJECTION
    path = tmp_path / "evil.json"
    path.write_text(result.model_dump_json(by_alias=True))
    app = AuditorApp(scan_file=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        text = screen_text(app)
        assert "ec2 DescribeFlowLogs in eu-west-1: denied" in text
        assert "[bold red]x[/]" in text
        assert "\x1b" not in text


async def test_dashboard_trend_from_history(scan_file: Path, history_url: str):
    from auditor.history import HistoryStore

    store = HistoryStore(history_url)
    result = ScanResult.model_validate_json(scan_file.read_text())
    store.save(result, result.benchmarks)
    store.save(result, result.benchmarks)
    app = AuditorApp(scan_file=scan_file, history=history_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await settle(app, pilot)
        sparkline = app.screen.query_one(Sparkline)
        assert sparkline.display
        assert len(sparkline.data or []) == 2
        assert "control ratio over the last 2 scans" in screen_text(app)


async def test_dashboard_without_a_scan_says_how_to_start():
    app = AuditorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "No scan loaded yet" in screen_text(app)
