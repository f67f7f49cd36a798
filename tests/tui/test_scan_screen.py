"""The scan screen runs the demo scan in a worker, loads it into the app and saves it to history."""

from textual.widgets import Button, ProgressBar, Switch

from auditor.history import HistoryStore
from auditor.tui.app import AuditorApp
from auditor.tui.screens.scan import ScanScreen
from auditor.tui.screens.scan_progress import RegionProgress, ScanProgressPanel


async def test_the_demo_scan_runs_to_completion_and_is_saved(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScanScreen)
        screen.query_one("#scan-demo", Switch).value = True
        await pilot.click("#scan-start")
        for _ in range(300):
            await pilot.pause(0.1)
            if app.state.result is not None:
                break
        assert app.state.result is not None
        assert app.state.source == "demo"
        assert app.state.result.findings
        for _ in range(50):  # the worker thread re-enables Start as it ends
            await pilot.pause(0.05)
            if not screen.query_one("#scan-start", Button).disabled:
                break
        assert not screen.query_one("#scan-start", Button).disabled
        assert app.state.history_scan_id is not None

        # one progress bar per provider, account and region, each filled to its planned units
        panel = screen.query_one(ScanProgressPanel)
        shown = panel.regions_shown
        scanned = {(s.provider, s.account, region) for s in app.state.result.scopes for region in s.regions}
        assert scanned <= set(shown)
        bars = [row.query_one(ProgressBar) for row in panel.query(RegionProgress)]
        assert len(bars) == len(shown)
        assert all(bar.total and bar.progress == bar.total for bar in bars)
    assert HistoryStore(create=False).scan_ids() == [app.state.history_scan_id]
