"""The dashboard: scores, coverage, sections, counts, scope, not-evaluated errors; cloud text is literal."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Sparkline, Static
from typer.testing import CliRunner

from auditor.model import CollectionError, Status
from auditor.scan_result import ScanResult
from auditor.tui.app import AuditorApp
from auditor.tui.screens.dashboard import DashboardScreen

INJECTION = "[bold red]x[/]\x1b[2J"


@pytest.fixture(scope="module")
def scan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from auditor.cli.main import app

    tmp = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    mp.setenv("POSTURE_AUDITOR_HOME", str(tmp / "home"))
    try:
        path = tmp / "scan.json"
        args = ["demo", "-q", "--no-history", "--json", str(path)]
        args += ["--snapshot", str(tmp / "s.json"), "--pdf", str(tmp / "r.pdf")]
        result = CliRunner().invoke(app, args)
    finally:
        mp.undo()
    assert path.exists(), result.output
    return path


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))


def screen_text(app: AuditorApp) -> str:
    parts: list[str] = []
    for static in app.screen.query(Static):
        content = static.content
        parts.append(content.plain if isinstance(content, Text) else str(content))
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            for cell in table.get_row_at(row):
                parts.append(cell.plain if isinstance(cell, Text) else str(cell))
    return "\n".join(parts)


async def wait_loaded(app: AuditorApp, pilot) -> None:
    for _ in range(100):
        if app.state.result is not None:
            break
        await pilot.pause(0.05)
    assert app.state.result is not None
    await pilot.pause()


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
        assert "control ratio 24% (8/33 decided pass)" in text
        assert "coverage 94% (33/35 in scope evaluated)" in text
        assert "weighted score 27%" in text
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


async def test_dashboard_trend_from_history(scan_file: Path, tmp_path: Path):
    from auditor.history import HistoryStore

    store = HistoryStore()
    result = ScanResult.model_validate_json(scan_file.read_text())
    store.save(result, result.benchmarks)
    store.save(result, result.benchmarks)
    app = AuditorApp(scan_file=scan_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        sparkline = app.screen.query_one(Sparkline)
        assert sparkline.display
        assert len(sparkline.data or []) == 2
        assert "control ratio over the last 2 scans" in screen_text(app)


async def test_dashboard_without_a_scan_says_how_to_start():
    app = AuditorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "No scan loaded yet" in screen_text(app)
