"""The diff screen: new failures, fixed, regressions against the previous scan; or a clear message. On
both history engines (``history_url``: a SQLite file, a real PostgreSQL database), as ``auditor tui
--history-url`` hands the store to the app."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

from auditor.history import HistoryStore
from auditor.model import Status
from auditor.scan_result import ScanResult
from auditor.tui.app import AuditorApp
from auditor.tui.screens.diff import DiffScreen
from tests.postgresql_server import PASSWORD, free_port
from tests.tui.screen_reading import screen_text, settle, wait_loaded

INJECTION = "[bold red]x[/]\x1b[2J"


def older_scan(result: ScanResult) -> ScanResult:
    """The same scan a day earlier, where: the first FAIL passed (a regression now), the second FAIL
    did not exist (a new failure), and the first PASS failed (fixed now)."""
    old = result.model_copy(deep=True)
    old.started_at = result.started_at - timedelta(days=1)
    old.finished_at = result.finished_at - timedelta(days=1)
    fails = [i for i, f in enumerate(old.findings) if f.status is Status.FAIL]
    first_pass = next(i for i, f in enumerate(old.findings) if f.status is Status.PASS)
    old.findings[fails[0]] = old.findings[fails[0]].model_copy(update={"status": Status.PASS})
    old.findings[first_pass] = old.findings[first_pass].model_copy(update={"status": Status.FAIL})
    del old.findings[fails[1]]
    return old


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_diff_without_history_says_there_is_nothing_to_compare(
    scan_file: Path, size: tuple[int, int], history_url: str
):
    app = AuditorApp(scan_file=scan_file, history=history_url)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, DiffScreen)
        assert "compare" in screen_text(app)
        assert not app.screen.query_one("#diff-table", DataTable).display


async def test_diff_with_only_the_current_scan_in_history(scan_file: Path, history_url: str):
    result = ScanResult.model_validate_json(scan_file.read_text())
    HistoryStore(history_url).save(result, result.benchmarks)
    app = AuditorApp(scan_file=scan_file, history=history_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert "no other scan to compare" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_diff_shows_new_failures_fixed_and_regressions(
    scan_file: Path, size: tuple[int, int], history_url: str
):
    result = ScanResult.model_validate_json(scan_file.read_text())
    store = HistoryStore(history_url)
    old = older_scan(result)
    old_id = store.save(old, old.benchmarks)
    store.save(result, result.benchmarks)
    app = AuditorApp(scan_file=scan_file, history=history_url)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"history #{old_id}" in text
        assert "NEW FAIL 1" in text
        assert "REGRESSED 1" in text
        assert "FIXED 1" in text
        table = app.screen.query_one("#diff-table", DataTable)
        assert table.display and table.row_count == 3


async def test_diff_uses_the_scan_before_the_history_scan_id(scan_file: Path, history_url: str):
    result = ScanResult.model_validate_json(scan_file.read_text())
    store = HistoryStore(history_url)
    first = store.save(older_scan(result))
    second = store.save(result)
    app = AuditorApp(scan_file=scan_file, history=history_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        app.state.history_scan_id = second
        await pilot.press("x")
        await settle(app, pilot)
        assert f"history #{first}" in screen_text(app)
        app.state.history_scan_id = first
        app.screen.refresh_from_state()
        await settle(app, pilot)
        assert f"Scan #{first} is the first one" in screen_text(app)


async def test_diff_renders_cloud_text_literally(scan_file: Path, tmp_path: Path):
    result = ScanResult.model_validate_json(scan_file.read_text())
    index = next(i for i, f in enumerate(result.findings) if f.status is Status.FAIL)
    result.findings[index] = result.findings[index].model_copy(
        update={"resource_id": INJECTION, "id": "evil"}
    )
    path = tmp_path / "evil.json"
    path.write_text(result.model_dump_json(by_alias=True))
    HistoryStore().save(older_scan(ScanResult.model_validate_json(scan_file.read_text())))
    app = AuditorApp(scan_file=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        text = screen_text(app)
        assert "[bold red]x[/]" in text
        assert "\x1b" not in text


async def test_the_environment_variable_gives_the_app_its_store(
    scan_file: Path, history_url: str, monkeypatch
):
    """`POSTURE_AUDITOR_HISTORY_URL` (what `auditor tui` falls back to without --history-url)."""
    result = ScanResult.model_validate_json(scan_file.read_text())
    old_id = HistoryStore(history_url).save(older_scan(result))
    monkeypatch.setenv("POSTURE_AUDITOR_HISTORY_URL", history_url)
    app = AuditorApp(scan_file=scan_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert f"history #{old_id}" in screen_text(app) and "NEW FAIL 1" in screen_text(app)


async def test_an_unreachable_history_server_is_said_on_the_screen_without_its_password(scan_file: Path):
    port = free_port()
    url = f"postgresql://auditor:{PASSWORD.replace('@', '%40').replace(':', '%3A')}@127.0.0.1:{port}/posture"
    app = AuditorApp(scan_file=scan_file, history=url)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"postgresql://auditor:***@127.0.0.1:{port}/posture: cannot connect" in text
        assert PASSWORD not in text and "Pg%3Apass" not in text
        assert not app.screen.query_one("#diff-table", DataTable).display
