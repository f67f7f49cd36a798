"""The scan screen's progress panel: one overall bar and one bar per provider, account and region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, ProgressBar

from auditor.tui.text import plain

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from auditor.tui.messages import ScanProgress


class RegionProgress(Horizontal):
    """``aws 123456789012 eu-west-1  ━━━━━━━━━━  7/9``: one region's units."""

    DEFAULT_CSS = """
    RegionProgress { height: 1; }
    RegionProgress Label { width: 38; }
    RegionProgress ProgressBar { width: 1fr; }
    """

    def __init__(self, title: str, done: int, total: int) -> None:
        super().__init__()
        self._title = title
        self._done = done
        self._total = total

    def compose(self) -> ComposeResult:
        yield Label(plain(self._title), markup=False)
        yield ProgressBar(total=self._total or None, show_eta=False)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).update(progress=self._done)

    def advance_to(self, done: int, total: int) -> None:
        """Keep the latest counts; shown now if mounted, else when the row mounts."""
        self._done, self._total = done, total
        if self.is_mounted:
            self.query_one(ProgressBar).update(total=total or None, progress=done)


class ScanProgressPanel(VerticalScroll):
    """Rows appear as regions report; the overall bar sums every provider's planned units."""

    DEFAULT_CSS = """
    ScanProgressPanel { height: auto; max-height: 10; }
    """

    def __init__(self, **kwargs: str) -> None:
        super().__init__(**kwargs)
        self._rows: dict[tuple[str, str, str], RegionProgress] = {}

    def reset(self) -> None:
        self._rows.clear()
        self.remove_children()

    def show(self, message: ScanProgress) -> None:
        key = (message.provider, message.account, message.region)
        row = self._rows.get(key)
        if row is None:
            title = " ".join(part for part in key if part)
            row = self._rows[key] = RegionProgress(title, message.region_done, message.region_total)
            self.mount(row)
        else:
            row.advance_to(message.region_done, message.region_total)

    @property
    def regions_shown(self) -> list[tuple[str, str, str]]:
        return list(self._rows)
