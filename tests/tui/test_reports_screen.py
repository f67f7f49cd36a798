"""The reports screen exports the loaded scan; here as a PDF."""

import time

import pytest

from auditor.tui.app import AuditorApp
from auditor.tui.screens.reports import ReportsScreen

PDF_DEADLINE_S = 150


@pytest.fixture
def demo_scan_file(scan_file):
    """The committed demo ScanResult (tests/tui/conftest.py)."""
    return scan_file


async def test_export_a_pdf_of_the_loaded_scan(tmp_path, monkeypatch, demo_scan_file):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))
    out = tmp_path / "out"
    app = AuditorApp(scan_file=demo_scan_file)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.state.result is not None:
                break
        assert app.state.result is not None
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        screen.query_one("#reports-dir").value = str(out)
        await pilot.click("#reports-export")
        written = []
        # a wall-clock deadline, not a count of pauses: rendering the demo PDF takes ~40 s on two busy
        # cores (auditor report of the same scan), and a pause lasts longer than asked while it runs
        deadline = time.monotonic() + PDF_DEADLINE_S
        while time.monotonic() < deadline:
            await pilot.pause(0.1)
            written = list(out.glob("*.pdf"))
            if written and "Written" in str(screen.query_one("#reports-written").render()):
                break
        assert len(written) == 1
        assert written[0].read_bytes().startswith(b"%PDF")
        assert str(written[0]) in str(screen.query_one("#reports-written").render())
