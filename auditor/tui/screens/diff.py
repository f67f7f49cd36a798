"""The diff screen: what changed since the previous scan in history.

The history (the app's store: a SQLite file or a team's PostgreSQL database) is read in a thread worker,
never on the UI thread: the comparison arrives as a ``HistoryCompared`` message, or a sentence saying why
there is none (no history, the first scan, a store that cannot be reached, naming it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from auditor.cli.summary import STATUS_STYLE
from auditor.diff import ControlKey, FindingChange, ScanDiff, diff_scans
from auditor.tui.screens.base import AuditorScreen
from auditor.tui.text import plain

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from auditor.history import HistoryLocation, HistoryStore
    from auditor.model import Status
    from auditor.scan_result import ScanResult

CATEGORIES = (
    ("new_failures", "NEW FAIL", "bold red"),
    ("regressions", "REGRESSED", "bold red"),
    ("fixed", "FIXED", "green"),
    ("newly_not_evaluated", "NOT EVALUATED", "yellow"),
    ("not_rescanned", "NOT RESCANNED", "dim"),
)


def current_controls(result: ScanResult) -> dict[ControlKey, str]:
    return {
        (score.benchmark_id, control.control_id): control.status.value
        for score in result.benchmarks
        for control in score.controls
    }


def previous_scan(
    result: ScanResult, history_scan_id: int | None, store: HistoryStore
) -> tuple[ScanResult, int] | str:
    """The scan of ``store`` to compare with and its id, or a sentence saying why there is none."""
    if history_scan_id is not None:
        earlier = [scan_id for scan_id in store.scan_ids() if scan_id < history_scan_id]
        if not earlier:
            return f"Scan #{history_scan_id} is the first one in history: nothing to compare with."
        return store.load(earlier[-1]), earlier[-1]
    others = [s for s in store.list_scans(limit=None) if s.started_at != result.started_at]
    if not others:
        return "History holds no other scan to compare with."
    before = [s for s in others if s.started_at < result.started_at] or others
    chosen = max(before, key=lambda s: (s.started_at, s.id))
    return store.load(chosen.id), chosen.id


def compare_with_history(
    result: ScanResult, history_scan_id: int | None, history: HistoryLocation
) -> tuple[ScanDiff, int] | str:
    """The diff of ``result`` against the previous scan in ``history`` and that scan's id, or why not.
    Reads the store (a file or a server): call it from a worker."""
    from auditor.history import HistoryError, HistoryMissing, HistoryStore

    try:
        store = HistoryStore(history, create=False)
        previous = previous_scan(result, history_scan_id, store)
        if isinstance(previous, str):
            return previous
        old, old_id = previous
        old_controls = store.control_statuses(old_id)
    except HistoryMissing:
        return "No scan history to compare with yet. Scans saved to history appear here."
    except HistoryError as error:
        return f"No scan history to compare with ({error})."
    except OSError as error:
        return f"Cannot read the scan history: {error}"
    return diff_scans(old, result, old_controls or current_controls(old), current_controls(result)), old_id


@dataclass
class HistoryCompared(Message):
    """The worker's answer for ``result``: the diff and the older scan's id, or why there is none."""

    result: ScanResult
    outcome: tuple[ScanDiff, int] | str


class DiffScreen(AuditorScreen):
    """New failures, fixes and regressions against the previous scan in history."""

    DEFAULT_CSS = """
    DiffScreen #diff-body { height: 1fr; }
    DiffScreen #diff-summary { height: auto; margin: 0 1 1 1; }
    DiffScreen #diff-table { height: auto; max-height: 100%; margin: 0 1; }
    DiffScreen #diff-controls { height: auto; margin: 1 1; }
    """

    def body(self) -> ComposeResult:
        with VerticalScroll(id="diff-body"):
            yield Static("", id="placeholder", markup=False)
            yield Static("", id="diff-summary", markup=False)
            yield DataTable(id="diff-table", zebra_stripes=True, cursor_type="row")
            yield Static("", id="diff-controls", markup=False)

    def show_empty(self) -> None:
        super().show_empty()
        self._set_table_visible(False)
        self.query_one("#diff-summary", Static).update("")
        self.query_one("#diff-controls", Static).update("")

    def show(self, result: ScanResult) -> None:
        self._message(f"Reading the history ({self.app.state.history})…")  # type: ignore[attr-defined]
        state = self.app.state  # type: ignore[attr-defined]
        self.compare(result, state.history_scan_id, state.history)

    @work(thread=True, exclusive=True, group="diff", exit_on_error=False)
    def compare(self, result: ScanResult, history_scan_id: int | None, history: HistoryLocation) -> None:
        self.post_message(HistoryCompared(result, compare_with_history(result, history_scan_id, history)))

    @on(HistoryCompared)
    def compared(self, message: HistoryCompared) -> None:
        if message.result is not self.app.state.result:  # type: ignore[attr-defined]
            return  # an answer for a scan no longer shown
        if isinstance(message.outcome, str):
            self._message(message.outcome)
            return
        diff, old_id = message.outcome
        self._placeholder("")
        self.query_one("#placeholder", Static).display = False
        self.query_one("#diff-summary", Static).update(self._summary(diff, old_id))
        self._fill_table(diff)
        self.query_one("#diff-controls", Static).update(self._controls(diff))

    def _message(self, text: str) -> None:
        self._placeholder(text)
        self.query_one("#placeholder", Static).display = True
        self.query_one("#diff-summary", Static).update("")
        self.query_one("#diff-controls", Static).update("")
        self._set_table_visible(False)

    def _set_table_visible(self, visible: bool) -> None:
        table = self.query_one("#diff-table", DataTable)
        if not visible:
            table.clear(columns=True)
        table.display = visible

    @staticmethod
    def _summary(diff: ScanDiff, old_id: int) -> Text:
        text = Text("Compared with ", style="bold")
        text.append(f"history #{old_id} ({diff.old_started_at:%Y-%m-%d %H:%M})")
        text.append(f" → this scan ({diff.new_started_at:%Y-%m-%d %H:%M})\n")
        for name, label, style in CATEGORIES:
            text.append(f"{label} {len(getattr(diff, name))}", style=style)
            text.append("  ")
        text.rstrip()
        if not (diff.new_failures or diff.fixed or diff.regressions or diff.newly_not_evaluated):
            text.append("\nNo finding changed status since that scan.", style="green")
        return text

    def _fill_table(self, diff: ScanDiff) -> None:
        table = self.query_one("#diff-table", DataTable)
        table.clear(columns=True)
        rows: list[tuple[str, str, FindingChange]] = [
            (label, style, change) for name, label, style in CATEGORIES for change in getattr(diff, name)
        ]
        if not rows:
            self._set_table_visible(False)
            return
        table.display = True
        table.add_columns("Change", "Severity", "Check", "Resource", "Was", "Now", "Region", "Message")
        for label, style, change in rows:
            table.add_row(
                Text(label, style=style),
                Text(change.severity.value),
                plain(change.check_id),
                plain(change.resource_id),
                _status(change.old_status),
                _status(change.new_status),
                plain(change.region),
                plain(change.message),
            )

    @staticmethod
    def _controls(diff: ScanDiff) -> Text:
        if not diff.control_changes:
            return Text("No benchmark control changed status.", style="dim")
        text = Text(f"{len(diff.control_changes)} benchmark controls changed status:", style="bold")
        for change in diff.control_changes:
            style = "bold red" if change.regressed else "green" if change.improved else ""
            text.append("\n  ")
            text.append(plain(f"{change.benchmark_id} {change.control_id}: "))
            text.append(plain(f"{change.old_status or 'absent'} → {change.new_status or 'absent'}", style))
        return text


def _status(status: Status | None) -> Text:
    if status is None:
        return Text("—", style="dim")
    return Text(status.value, style=STATUS_STYLE[status])
