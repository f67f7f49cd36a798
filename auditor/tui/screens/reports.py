"""The reports screen: export the current scan in one format to a directory, in a thread worker.

Writing goes through ``auditor.cli.report_outputs.write_outputs`` (atomic files named
``posture-audit-<time><suffix>``); the paths written are shown here and in a notification. Failures
(an unwritable directory...) become notifications.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from auditor.cli.report_outputs import ALL_FORMATS
from auditor.tui.screens.base import AuditorScreen

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from textual.app import ComposeResult

    from auditor.scan_result import ScanResult


class ReportsScreen(AuditorScreen):
    """Format, output directory, Export; the written paths below."""

    DEFAULT_CSS = """
    ReportsScreen #reports-form { height: auto; padding: 0 1; }
    ReportsScreen #reports-form Label { margin: 1 1 0 1; }
    ReportsScreen #reports-format { width: 16; }
    ReportsScreen #reports-dir { width: 1fr; }
    ReportsScreen #reports-body { height: 1fr; padding: 0 1; }
    ReportsScreen #placeholder { margin: 1 0; }
    """

    def body(self) -> ComposeResult:
        with Horizontal(id="reports-form"):
            yield Label("Format")
            yield Select(
                [(fmt, fmt) for fmt in ALL_FORMATS], value="pdf", allow_blank=False, id="reports-format"
            )
            yield Label("Directory")
            yield Input(".", id="reports-dir")
            yield Button("Export", id="reports-export", variant="primary", disabled=True)
        with VerticalScroll(id="reports-body"):
            yield Static("", id="placeholder", markup=False)
            yield Static("", id="reports-written", markup=False)

    def show(self, result: ScanResult) -> None:
        source = self.app.state.source  # type: ignore[attr-defined]
        self._placeholder(
            f"Current scan{f' from {source}' if source else ''}: {len(result.findings)} findings, "
            f"finished {result.finished_at:%Y-%m-%d %H:%M} UTC."
        )
        self.query_one("#reports-export", Button).disabled = False

    def show_empty(self) -> None:
        super().show_empty()
        self.query_one("#reports-export", Button).disabled = True

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        yield from super().palette_commands()
        for fmt in ALL_FORMATS:
            yield (
                f"Export {fmt.upper()}",
                f"Write the current scan as {fmt} to the directory shown",
                self._exporter(fmt),
            )

    def _exporter(self, fmt: str) -> Callable[[], None]:
        def export_as() -> None:
            self.query_one("#reports-format", Select).value = fmt
            self.export()

        return export_as

    @on(Button.Pressed, "#reports-export")
    def export(self) -> None:
        result = self.app.state.result  # type: ignore[attr-defined]
        if result is None:
            self.notify("No scan loaded to export.", severity="warning", markup=False)
            return
        fmt = str(self.query_one("#reports-format", Select).value)
        directory = Path(self.query_one("#reports-dir", Input).value.strip() or ".").expanduser()
        self.query_one("#reports-export", Button).disabled = True
        self.query_one("#reports-written", Static).update(f"Writing {fmt} to {directory}...")
        self.write_report(result, directory, fmt)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write_report(self, result: ScanResult, directory: Path, fmt: str) -> list[Path]:
        from auditor.cli.report_outputs import ReportHistory, write_outputs

        return write_outputs(result, directory, [fmt], ReportHistory())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker state messages do not bubble to the app, so this screen reports its own outcome."""
        if event.worker.group != "export":
            return
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        self.query_one("#reports-export", Button).disabled = self.app.state.result is None  # type: ignore[attr-defined]
        written = self.query_one("#reports-written", Static)
        if event.state is WorkerState.SUCCESS:
            paths = [str(path) for path in event.worker.result or []]
            written.update("Written:\n" + "\n".join(f"  {path}" for path in paths))
            self.notify("Wrote " + ", ".join(paths), title="Export", markup=False)
        elif event.state is WorkerState.ERROR and event.worker.error is not None:
            written.update(f"Export failed: {event.worker.error}")
            self.notify(
                str(event.worker.error), title="Export failed", severity="error", markup=False, timeout=10
            )
