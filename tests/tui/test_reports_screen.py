"""The reports screen exports the loaded scan; here as a PDF."""

import pytest
from typer.testing import CliRunner

from auditor.cli.main import app as cli_app
from auditor.tui.app import AuditorApp
from auditor.tui.screens.reports import ReportsScreen


@pytest.fixture(scope="module")
def demo_scan_file(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo-scan")
    scan, snapshot, pdf = base / "scan.json", base / "snapshot.json", base / "demo.pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POSTURE_AUDITOR_HOME", str(base / "home"))
        outcome = CliRunner().invoke(
            cli_app,
            [
                "demo",
                "-q",
                "--no-history",
                "--json",
                str(scan),
                "--snapshot",
                str(snapshot),
                "--pdf",
                str(pdf),
            ],
        )
    assert scan.exists(), outcome.output
    return scan


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
        for _ in range(300):
            await pilot.pause(0.1)
            written = list(out.glob("*.pdf"))
            if written and "Written" in str(screen.query_one("#reports-written").render()):
                break
        assert len(written) == 1
        assert written[0].read_bytes().startswith(b"%PDF")
        assert str(written[0]) in str(screen.query_one("#reports-written").render())
