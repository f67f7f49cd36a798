"""The scan screen runs the demo scan in a worker, loads it into the app and saves it to history."""

from textual.widgets import Button, Switch

from auditor.history import HistoryStore
from auditor.tui.app import AuditorApp
from auditor.tui.screens.scan import ScanScreen


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
    assert HistoryStore(create=False).scan_ids() == [app.state.history_scan_id]
