"""What every screen shares: header, footer, and a refresh when the current scan changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from textual.app import ComposeResult

    from auditor.scan_result import ScanResult


class AuditorScreen(Screen[None]):
    """A screen of the app. Subclasses compose ``body()`` and implement ``show(result)``."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.body()
        yield Footer()

    def body(self) -> ComposeResult:
        yield Static("", id="placeholder", markup=False)

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        """(title, help, callback) for the command palette: every key binding of this screen, plus
        what a subclass adds (its buttons). The app lists them while this screen is active."""
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                key = self.app.get_key_display(binding)
                yield binding.description, f"{binding.description} (key {key})", self._runner(binding.action)

    def _runner(self, action: str) -> Callable[[], object]:
        return lambda: self.call_later(self.run_action, action)

    def on_mount(self) -> None:
        self.refresh_from_state()

    def refresh_from_state(self) -> None:
        result = self.app.state.result  # type: ignore[attr-defined]
        if result is None:
            self.show_empty()
        else:
            self.show(result)

    def show_empty(self) -> None:
        self._placeholder(
            "No scan loaded yet. Run `auditor tui --demo`, open a scan with `auditor tui --scan FILE`, "
            "or press s to scan."
        )

    def show(self, result: ScanResult) -> None:
        self._placeholder(f"{len(result.findings)} findings.")

    def _placeholder(self, text: str) -> None:
        for widget in self.query("#placeholder"):
            if isinstance(widget, Static):
                widget.update(text)
