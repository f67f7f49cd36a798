"""The help screen: every key of the app, the command palette, and what each status means."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from auditor.cli.summary import STATUS_STYLE
from auditor.model import Status
from auditor.scoring import ControlStatus
from auditor.tui.screens.base import AuditorScreen

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from auditor.scan_result import ScanResult

KEY_NAMES = {"question_mark": "?", "ctrl+q": "ctrl+q", "ctrl+p": "ctrl+p"}

ACTION_TEXT = {
    "toggle_dark": "switch between the dark and light theme",
    "quit": "quit the app",
}

SCREEN_TEXT = {
    "dashboard": "scores per benchmark and section, counts, scope, what was not evaluated, trend",
    "findings": "every finding, to filter and inspect",
    "benchmarks": "benchmark → section → control tree, with failing resources or the reason",
    "scan": "run a scan",
    "quiz": "practise the checks as questions",
    "reports": "export the scan (JSON, PDF, …)",
    "diff": "what changed since the previous scan in history",
    "help": "this screen",
}

FINDING_STATUS_TEXT = {
    Status.PASS: "the resource meets the check",
    Status.FAIL: "the resource does not meet the check: fix it",
    Status.ERROR: "not evaluated: data could not be collected or the check crashed",
    Status.NOT_APPLICABLE: "nothing to assess here (e.g. no such resource)",
    Status.MANUAL: "a person must judge it",
    Status.MUTED: "an exception muted it: not scored until the exception expires",
}

CONTROL_STATUS_TEXT = {
    ControlStatus.NOT_ASSESSED: "out of scope, checks not written yet, or its checks produced no findings",
}


def key_text(key: str) -> str:
    return ",".join(KEY_NAMES.get(part, part) for part in key.split(","))


class HelpScreen(AuditorScreen):
    """Keys, the command palette, and status meanings. Independent of the loaded scan."""

    DEFAULT_CSS = """
    HelpScreen #help-body { height: 1fr; }
    HelpScreen #help-text { height: auto; margin: 0 1; }
    """

    def body(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self.help_text(), id="help-text", markup=False)

    def show_empty(self) -> None:
        self._refresh_text()

    def show(self, result: ScanResult) -> None:
        self._refresh_text()

    def _refresh_text(self) -> None:
        self.query_one("#help-text", Static).update(self.help_text())

    def help_text(self) -> Text:
        from auditor.tui.screens import SCREENS

        bindings = list(getattr(type(self.app), "BINDINGS", []))
        text = Text("Keys\n", style="bold underline")
        screen_by_key = {key: name for name, (_screen, key, _title) in SCREENS.items()}
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            name = screen_by_key.get(binding.key)
            what = (
                f"{binding.description} screen: {SCREEN_TEXT.get(name, '')}".rstrip(": ")
                if name is not None
                else ACTION_TEXT.get(binding.action, binding.description or binding.action)
            )
            text.append(f"  {key_text(binding.key):<8}", style="bold cyan")
            text.append(f" {what}\n")
        text.append(f"  {'ctrl+p':<8}", style="bold cyan")
        text.append(" open the command palette: search every screen and action (e.g. 'Reload demo scan')\n")
        text.append("\nFinding statuses\n", style="bold underline")
        for status in Status:
            text.append(f"  {status.value:<15}", style=STATUS_STYLE[status])
            text.append(f" {FINDING_STATUS_TEXT[status]}\n")
        text.append("\nBenchmark control statuses\n", style="bold underline")
        text.append("  A control takes the worst status of its findings (FAIL, ERROR, PASS, MANUAL, N/A).\n")
        for status, meaning in CONTROL_STATUS_TEXT.items():
            text.append(f"  {status.value:<15}", style="dim italic")
            text.append(f" {meaning}\n")
        text.append("\nScores\n", style="bold underline")
        text.append("  control ratio  passed / (passed + failed) controls\n")
        text.append("  weighted score the same, each control weighted by its severity\n")
        text.append("  coverage       evaluated / in-scope controls (ERROR, MANUAL, NOT_ASSESSED lower it)\n")
        text.rstrip()
        return text
