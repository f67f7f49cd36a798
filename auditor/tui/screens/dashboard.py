"""The dashboard screen: scores per benchmark and section, counts, scope, what was not evaluated, trend.

Every value that came from the cloud (ids, names, messages) is shown as plain ``Text`` with control
characters removed: it is never parsed as markup. The trend reads the history (the app's store, a file
or a server) in a thread worker and arrives as a ``TrendLoaded`` message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Sparkline, Static

from auditor.cli.summary import STATUS_STYLE, percent
from auditor.model import Severity, Status
from auditor.tui.screens.base import AuditorScreen
from auditor.tui.text import plain

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from auditor.history import HistoryLocation
    from auditor.scan_result import ScanResult


@dataclass
class TrendLoaded(Message):
    """The control ratios (percent, oldest first) of ``benchmark_id`` in the stored scans."""

    benchmark_id: str | None
    ratios: list[float]


def trend_ratios(history: HistoryLocation, benchmark_id: str | None) -> list[float]:
    """The control ratio of ``benchmark_id`` (any benchmark when None) in the last scans of the history,
    oldest first, in percent; [] when there is no history or it cannot be read. Call it from a worker."""
    from auditor.history import HistoryError, HistoryStore

    try:
        scans = HistoryStore(history, create=False).list_scans()
    except (HistoryError, OSError):
        return []
    ratios: list[float] = []
    for summary in reversed(scans):  # oldest first
        row = next(
            (s for s in summary.scores if s.benchmark_id == benchmark_id or benchmark_id is None),
            None,
        )
        if row is not None and row.control_ratio is not None:
            ratios.append(row.control_ratio * 100)
    return ratios


class DashboardScreen(AuditorScreen):
    """Scores, counts, scope, not-evaluated collection errors and the control-ratio trend."""

    DEFAULT_CSS = """
    DashboardScreen #dash-body { height: 1fr; }
    DashboardScreen .dash-block { margin: 0 1 1 1; height: auto; }
    DashboardScreen #dash-sections { height: auto; max-height: 20; margin: 0 1 1 1; }
    DashboardScreen #dash-trend { height: 3; margin: 0 1 1 1; }
    """

    def body(self) -> ComposeResult:
        with VerticalScroll(id="dash-body"):
            yield Static("", id="placeholder", markup=False)
            yield Static("", id="dash-scores", classes="dash-block", markup=False)
            yield DataTable(id="dash-sections", zebra_stripes=True, cursor_type="row")
            yield Static("", id="dash-counts", classes="dash-block", markup=False)
            yield Static("", id="dash-scope", classes="dash-block", markup=False)
            yield Static("", id="dash-not-evaluated", classes="dash-block", markup=False)
            yield Static("", id="dash-trend-label", classes="dash-block", markup=False)
            yield Sparkline([], id="dash-trend")

    def show_empty(self) -> None:
        super().show_empty()
        for widget_id in (
            "dash-scores",
            "dash-counts",
            "dash-scope",
            "dash-not-evaluated",
            "dash-trend-label",
        ):
            self.query_one(f"#{widget_id}", Static).update("")
        self.query_one("#dash-sections", DataTable).clear(columns=True)
        self.query_one("#dash-trend", Sparkline).display = False

    def show(self, result: ScanResult) -> None:
        self._placeholder("")
        self.query_one("#placeholder", Static).display = False
        self.query_one("#dash-scores", Static).update(self._scores(result))
        self._fill_sections(result)
        self.query_one("#dash-counts", Static).update(self._counts(result))
        self.query_one("#dash-scope", Static).update(self._scope(result))
        self.query_one("#dash-not-evaluated", Static).update(self._not_evaluated(result))
        self._fill_trend(result.benchmarks[0].benchmark_id if result.benchmarks else None)

    # --- parts ----------------------------------------------------------------------------------

    @staticmethod
    def _scores(result: ScanResult) -> Text:
        text = Text()
        if not result.benchmarks:
            return Text("No benchmark scores in this scan.")
        for score in result.benchmarks:
            text.append(plain(f"{score.benchmark_id}", "bold"))
            text.append(plain(f"  {score.title}"))
            text.append("\n")
            figures = score.figures
            text.append(f"  control ratio {percent(figures.control_ratio)} ({figures.passed}/")
            text.append(f"{figures.passed + figures.failed} decided pass)\n")
            text.append(f"  weighted score {percent(figures.weighted_score)}\n")
            text.append(
                f"  coverage {percent(figures.coverage)} ({figures.evaluated}/{figures.in_scope} "
                "in scope evaluated)\n"
            )
            text.append("\n")
        text.rstrip()
        return text

    def _fill_sections(self, result: ScanResult) -> None:
        table = self.query_one("#dash-sections", DataTable)
        table.clear(columns=True)
        table.add_columns("Benchmark", "Section", "Pass", "Fail", "Error", "Score", "Coverage")
        for score in result.benchmarks:
            for section in score.sections:
                figures = section.figures
                if not figures.total:
                    continue
                table.add_row(
                    plain(score.benchmark_id),
                    plain(f"{section.section_id} {section.title}"),
                    Text(str(figures.passed), style="green", justify="right"),
                    Text(str(figures.failed), style="bold red" if figures.failed else "", justify="right"),
                    Text(str(figures.errors), style="yellow" if figures.errors else "", justify="right"),
                    Text(percent(figures.control_ratio), justify="right"),
                    Text(percent(figures.coverage), justify="right"),
                )

    @staticmethod
    def _counts(result: ScanResult) -> Text:
        text = Text("Findings by status: ", style="bold")
        for status, count in result.counts().items():
            text.append(f"{status.value} {count}", style=STATUS_STYLE[status])
            text.append("  ")
        text.append("\n")
        text.append("Failing findings by severity: ", style="bold")
        by_severity = {severity: 0 for severity in Severity}
        for finding in result.findings:
            if finding.status is Status.FAIL:
                by_severity[finding.severity] += 1
        for severity, count in by_severity.items():
            text.append(f"{severity.value} {count}  ")
        text.rstrip()
        return text

    def _scope(self, result: ScanResult) -> Text:
        source = getattr(self.app, "state", None)
        loaded_from = source.source if source is not None else ""
        text = Text("Scan: ", style="bold")
        text.append(plain(f"{result.started_at:%Y-%m-%d %H:%M:%S %Z}".strip()))
        text.append(
            plain(f" → {result.finished_at:%H:%M:%S}  ({result.source}, {result.api_calls} API calls)\n")
        )
        text.append("Source: ", style="bold")
        text.append(plain(loaded_from or "-"))
        text.append("\n")
        text.append("Scope: ", style="bold")
        scopes = [f"{s.provider} {s.account} ({', '.join(s.regions) or 'no regions'})" for s in result.scopes]
        text.append(plain("; ".join(scopes) or "-"))
        return text

    @staticmethod
    def _not_evaluated(result: ScanResult) -> Text:
        errors = result.collection_errors
        if not errors:
            return Text("Not evaluated: nothing — every collection call succeeded.", style="green")
        text = Text(f"Not evaluated ({len(errors)} collection errors):", style="bold yellow")
        for error in errors:
            text.append("\n  ")
            text.append(plain(f"{error.service} {error.operation} in {error.region}: {error.kind}"))
            if error.code or error.message:
                text.append(plain(f" — {error.code} {error.message}".rstrip(), "dim"))
        return text

    def _fill_trend(self, benchmark_id: str | None) -> None:
        self.load_trend(self.app.state.history, benchmark_id)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="trend", exit_on_error=False)
    def load_trend(self, history: HistoryLocation, benchmark_id: str | None) -> None:
        self.post_message(TrendLoaded(benchmark_id, trend_ratios(history, benchmark_id)))

    @on(TrendLoaded)
    def show_trend(self, message: TrendLoaded) -> None:
        label = self.query_one("#dash-trend-label", Static)
        sparkline = self.query_one("#dash-trend", Sparkline)
        ratios = message.ratios
        if len(ratios) < 2:
            label.update(Text("Trend: not enough stored scans in history yet.", style="dim"))
            sparkline.display = False
            return
        label.update(
            Text(
                f"Trend of {message.benchmark_id} control ratio over the last {len(ratios)} scans: "
                f"{ratios[-1]:.0f}% now",
                style="bold",
            )
        )
        sparkline.data = ratios
        sparkline.display = True
