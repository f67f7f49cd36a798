"""SVG snapshots of the main screens at a fixed size, on a committed demo scan (tests/tui/data).

Regenerate after an intended change with: python -m pytest tests/tui/test_snapshots.py --snapshot-update
"""

from pathlib import Path

import pytest

from auditor.history import HistoryStore
from auditor.scan_result import ScanResult
from auditor.tui.app import AuditorApp
from tests.tui.test_diff_screen import older_scan

DATA = Path(__file__).parent / "data" / "demo-scan.json"
SIZE = (120, 40)


def _app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AuditorApp:
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))
    return AuditorApp(scan_file=DATA, operator="snapshot")


def _steady(keys: tuple[str, ...] = ()):
    """Wait for the scan to load, drop the toast and the machine-specific path, then press keys."""

    async def run_before(pilot) -> None:
        app = pilot.app
        for _ in range(200):
            if app.state.result is not None:
                break
            await pilot.pause(0.05)
        app.state.source = "demo-scan.json"
        app.clear_notifications()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        app.screen.refresh_from_state()
        await pilot.pause()
        await app.workers.wait_for_complete()  # the history reads of the dashboard and diff screens
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("dashboard", ()),
        ("findings", ("f",)),
        ("benchmarks", ("b",)),
        ("scan", ("s",)),
        ("quiz", ("q",)),
        ("reports", ("r",)),
        ("help", ("question_mark",)),
    ],
    ids=lambda value: value if isinstance(value, str) else "keys",
)
def test_screen_snapshot(snap_compare, tmp_path, monkeypatch, name, keys):
    assert snap_compare(_app(tmp_path, monkeypatch), terminal_size=SIZE, run_before=_steady(keys)), name


def test_diff_screen_snapshot(snap_compare, tmp_path, monkeypatch):
    """Against an older scan in history: a new failure, a regression and a fix."""
    app = _app(tmp_path, monkeypatch)
    current = ScanResult.model_validate_json(DATA.read_text())
    old = older_scan(current)
    HistoryStore().save(old, old.benchmarks)
    assert snap_compare(app, terminal_size=SIZE, run_before=_steady(("x",)))
