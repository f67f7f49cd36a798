"""The posture-auditor TUI: one app, one screen per task, the same ScanResult everywhere.

Screens live in ``auditor/tui/screens/`` and are installed as modes (``d`` dashboard, ``f`` findings,
``b`` benchmarks, ``s`` scan, ``q`` quiz, ``r`` reports, ``x`` diff, ``?`` help). Long work (loading a
scan, running the demo, rendering a PDF) runs in thread workers that report through messages; errors
become notifications, never crashes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from auditor.tui.messages import ScanLoaded
from auditor.tui.screens import SCREENS
from auditor.tui.screens.base import AuditorScreen
from auditor.tui.state import AppState

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from textual.screen import Screen

    from auditor.history import HistoryLocation


class AuditorApp(App[None]):
    """``AuditorApp(demo=True)``, ``AuditorApp(scan_file=Path(...))`` or ``AuditorApp()`` (last scan);
    ``history=`` the store the screens read and the scans are saved to (default: the configured one)."""

    TITLE = "posture-auditor"
    CSS_PATH = "app.tcss"
    MODES = {name: screen for name, (screen, _key, _title) in SCREENS.items()}
    DEFAULT_MODE = "dashboard"
    BINDINGS = [
        *(Binding(key, f"switch_mode('{name}')", title) for name, (_s, key, title) in SCREENS.items()),
        Binding("t", "toggle_dark", "Theme"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        *,
        demo: bool = False,
        scan_file: Path | None = None,
        operator: str = "operator",
        history: HistoryLocation | str | None = None,
    ) -> None:
        from auditor.history import history_location

        super().__init__()
        self.state = AppState(operator=operator, history=history_location(history))
        self._demo = demo
        self._scan_file = scan_file

    def on_mount(self) -> None:
        if self._demo:
            self.load_demo()
        elif self._scan_file is not None:
            self.load_scan_file(self._scan_file)
        else:
            self.load_last_scan()

    # --- loading, in workers ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_scan_file(self, path: Path) -> None:
        from pydantic import ValidationError

        from auditor.scan_result import ScanResult
        from auditor.snapshot import describe_validation_error

        try:
            result = ScanResult.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise LoadFailed(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}") from error
        except ValidationError as error:
            raise LoadFailed(f"{path}: not a scan result: {describe_validation_error(error)}") from error
        self.post_message(ScanLoaded(result, str(path)))

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_last_scan(self) -> None:
        from auditor.history import HistoryError, HistoryMissing, HistoryStore

        try:
            store = HistoryStore(self.state.history, create=False)
            ids = store.scan_ids()
            if ids:
                self.post_message(ScanLoaded(store.load(ids[-1]), f"history #{ids[-1]}"))
        except HistoryMissing:
            return  # no history yet: the dashboard says how to start
        except HistoryError as error:
            raise LoadFailed(str(error)) from error  # a notification naming the store

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_demo(self) -> None:
        from auditor.tui.demo_scan import run_demo_scan

        self.post_message(ScanLoaded(run_demo_scan(), "demo"))

    @on(ScanLoaded)
    def scan_loaded(self, message: ScanLoaded) -> None:
        self.state.result = message.result
        self.state.source = message.source
        for screen in self.screen_stack:
            if hasattr(screen, "refresh_from_state"):
                screen.refresh_from_state()
        self.notify(f"Loaded {len(message.result.findings)} findings from {message.source}", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place turns every failed worker into a notification."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(str(event.worker.error), title="Error", severity="error", markup=False, timeout=10)

    # --- the command palette lists every screen and action --------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name, (_screen, key, title) in SCREENS.items():
            yield SystemCommand(
                f"Go to {title}", f"Open the {title} screen (key {key})", self._switcher(name)
            )
        yield SystemCommand("Reload demo scan", "Run the demo scan again", self.load_demo)
        if isinstance(screen, AuditorScreen):
            for title, help_text, callback in screen.palette_commands():
                yield SystemCommand(title, help_text, callback)

    def _switcher(self, name: str):  # noqa: ANN202 - a zero-argument callback
        return lambda: self.switch_mode(name)


class LoadFailed(Exception):
    """A scan that could not be loaded; its message names the file and the place."""
