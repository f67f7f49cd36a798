"""The findings screen: every finding of the scan in a table, filters, and the detail of one finding.

The full list stays in memory; a filter is plain Python over precomputed search text, and the table
is cleared and re-filled with the matching rows (fast enough for tens of thousands of findings).
All cloud-derived text (resource ids, names, messages, evidence) is shown as plain text with control
characters stripped: ``rich.text.Text`` cells and ``Static(markup=False)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Select, Static
from textual.widgets.data_table import CellDoesNotExist

from auditor.model import Finding, Severity, Status
from auditor.remediation import remediation_command
from auditor.tui.screens.base import AuditorScreen
from auditor.tui.text import clean, clean_block

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from textual.app import ComposeResult

    from auditor.scan_result import ScanResult

_EVIDENCE_LIMIT = 2000
COLUMNS = ("status", "severity", "check", "region", "resource")
_STATUS_STYLE = {
    Status.FAIL: "bold red",
    Status.ERROR: "bold magenta",
    Status.PASS: "green",
    Status.MANUAL: "yellow",
    Status.NOT_APPLICABLE: "dim",
    Status.MUTED: "dim italic",
}


def search_text(finding: Finding) -> str:
    """What the free-text filter matches: check id, resource id and name, message, region."""
    return "\n".join(
        (finding.check_id, finding.resource_id, finding.resource_name, finding.message, finding.region)
    ).lower()


@dataclass(frozen=True)
class Filters:
    text: str = ""
    status: str | None = None
    severity: str | None = None
    region: str | None = None
    service: str | None = None
    provider: str | None = None
    checks: frozenset[str] | None = None  # a benchmark section: the check ids of its controls

    def matches(self, finding: Finding, haystack: str) -> bool:
        return (
            (self.status is None or finding.status.value == self.status)
            and (self.severity is None or finding.severity.value == self.severity)
            and (self.region is None or finding.region == self.region)
            and (self.service is None or finding.service == self.service)
            and (self.provider is None or finding.provider == self.provider)
            and (self.checks is None or finding.check_id in self.checks)
            and (not self.text or self.text in haystack)
        )


def filter_findings(findings: list[Finding], haystacks: list[str], filters: Filters) -> list[int]:
    """The positions of the findings that match every filter."""
    return [i for i, (f, h) in enumerate(zip(findings, haystacks, strict=True)) if filters.matches(f, h)]


class FindingsScreen(AuditorScreen):
    """Filter, sort and inspect findings; ``c`` copies the fix, ``m`` mutes the finding."""

    DEFAULT_CSS = """
    FindingsScreen .findings-filters {
        height: 3;
    }
    FindingsScreen #filter-text {
        width: 1fr;
    }
    FindingsScreen .findings-filters Select {
        width: 1fr;
    }
    FindingsScreen #filter-provider {
        width: 18;
    }
    FindingsScreen #filter-section {
        width: 1fr;
    }
    FindingsScreen #placeholder {
        height: 1;
        padding: 0 1;
    }
    FindingsScreen #findings-main {
        height: 1fr;
    }
    FindingsScreen #findings-table {
        width: 3fr;
        height: 100%;
    }
    FindingsScreen #findings-detail {
        width: 2fr;
        height: 100%;
        border-left: solid $accent;
        padding: 0 1;
    }
    """

    AUTO_FOCUS = "#findings-table"
    BINDINGS = [
        Binding("c", "copy_command", "Copy fix"),
        Binding("m", "mute", "Mute"),
        Binding("slash", "focus_filter", "Filter"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._findings: list[Finding] = []
        self._haystacks: list[str] = []
        self._rows: list[tuple[Text, ...]] = []
        self._visible: list[int] = []
        self._controls: dict[str, list[str]] = {}
        self._sections: dict[str, tuple[str, frozenset[str]]] = {}
        self._sort: tuple[str, bool] | None = None
        self._result: ScanResult | None = None
        self._filling = False

    def body(self) -> ComposeResult:
        with Horizontal(id="findings-filters", classes="findings-filters"):
            yield Input(placeholder="Filter: check id, resource, message, region", id="filter-text")
            yield Select([], prompt="Provider", id="filter-provider")
            yield Select([], prompt="Benchmark section", id="filter-section")
        with Horizontal(id="findings-filters-2", classes="findings-filters"):
            yield Select([], prompt="Status", id="filter-status")
            yield Select([], prompt="Severity", id="filter-severity")
            yield Select([], prompt="Region", id="filter-region")
            yield Select([], prompt="Service", id="filter-service")
        yield Static("", id="placeholder", markup=False)
        with Horizontal(id="findings-main"):
            table: DataTable[Text] = DataTable(id="findings-table", cursor_type="row", zebra_stripes=True)
            yield table
            with VerticalScroll(id="findings-detail"):
                yield Static("", id="detail-text", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#findings-table", DataTable)
        for column in COLUMNS:
            table.add_column(column.capitalize(), key=column)
        super().on_mount()

    # --- data -----------------------------------------------------------------------------------

    def show_empty(self) -> None:
        self._result = None
        self._findings, self._haystacks, self._rows, self._visible = [], [], [], []
        self.query_one("#findings-table", DataTable).clear()
        self._detail(None)
        super().show_empty()

    def show(self, result: ScanResult) -> None:
        if result is self._result:
            return
        self._result = result
        self._findings = list(result.findings)
        self._haystacks = [search_text(f) for f in self._findings]
        self._rows = [_row(f) for f in self._findings]
        self._controls = _controls_by_check(result)
        self._sections = _sections(result)
        self._fill_selects()
        self.apply_filters()

    def _fill_selects(self) -> None:
        findings = self._findings
        statuses = {f.status for f in findings}
        options = {
            "status": [(s.value, s.value) for s in Status if s in statuses],
            "severity": [
                (s.value, s.value) for s in sorted({f.severity for f in findings}, key=lambda s: s.rank)
            ],
            "region": [(clean(r), r) for r in sorted({f.region for f in findings})],
            "service": [(clean(s), s) for s in sorted({f.service for f in findings})],
            "provider": [(p, p) for p in sorted({f.provider for f in findings})],
            "section": [(label, key) for key, (label, _) in self._sections.items()],
        }
        self._filling = True
        try:
            for name, values in options.items():
                self.query_one(f"#filter-{name}", Select).set_options(values)
        finally:
            self._filling = False

    # --- filtering and sorting ------------------------------------------------------------------

    def current_filters(self) -> Filters:
        def selected(name: str) -> str | None:
            value = self.query_one(f"#filter-{name}", Select).value
            return value if isinstance(value, str) else None

        return Filters(
            text=self.query_one("#filter-text", Input).value.strip().lower(),
            status=selected("status"),
            severity=selected("severity"),
            region=selected("region"),
            service=selected("service"),
            provider=selected("provider"),
            checks=self.section_checks(selected("section")),
        )

    def section_checks(self, key: str | None) -> frozenset[str] | None:
        """The check ids of a 'benchmark|section' option (None: no section selected or unknown)."""
        section = self._sections.get(key) if key is not None else None
        return section[1] if section is not None else None

    @on(Input.Changed, "#filter-text")
    @on(Select.Changed)
    def _filters_changed(self) -> None:
        if not self._filling:
            self.apply_filters()

    def apply_filters(self) -> None:
        """Filter the in-memory list and re-fill the table with the matching rows."""
        self._visible = filter_findings(self._findings, self._haystacks, self.current_filters())
        table = self.query_one("#findings-table", DataTable)
        table.clear()
        for index in self._visible:
            table.add_row(*self._rows[index], key=str(index))
        if self._sort is not None:
            column, reverse = self._sort
            table.sort(column, key=_sort_key(column), reverse=reverse)
        total = len(self._findings)
        self._placeholder(f"{len(self._visible)} of {total} findings (/ filter, c copy fix, m mute)")
        self._detail(self.highlighted_finding())

    @on(DataTable.HeaderSelected)
    def _sort_by_header(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        reverse = self._sort is not None and self._sort == (column, False)
        self._sort = (column, reverse)
        event.data_table.sort(event.column_key, key=_sort_key(column), reverse=reverse)

    @property
    def visible_count(self) -> int:
        return len(self._visible)

    # --- detail -----------------------------------------------------------------------------------

    def highlighted_finding(self) -> Finding | None:
        table = self.query_one("#findings-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except CellDoesNotExist:  # the cursor may be past the rows while re-filling
            return None
        return self._findings[int(key)] if key is not None else None

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        self._detail(self._findings[int(key)] if key is not None else None)

    def _detail(self, finding: Finding | None) -> None:
        text = detail_text(finding, self._controls) if finding is not None else "No finding selected."
        self.query_one("#detail-text", Static).update(Text(text))

    # --- actions ----------------------------------------------------------------------------------

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        yield from super().palette_commands()
        yield "Show only failures", "Filter the findings to status FAIL", self._only_failures
        yield "Clear filters", "Show every finding again", self.clear_filters

    def _only_failures(self) -> None:
        self.query_one("#filter-status", Select).value = Status.FAIL.value

    def clear_filters(self) -> None:
        self.query_one("#filter-text", Input).value = ""
        for select in self.query(".findings-filters Select").results(Select):
            select.clear()

    def action_focus_filter(self) -> None:
        self.query_one("#filter-text", Input).focus()

    def action_copy_command(self) -> None:
        finding = self.highlighted_finding()
        command = _command(finding) if finding is not None else None
        if not command:
            self.notify("No remediation command for this row.", severity="warning")
            return
        self.app.copy_to_clipboard(command)
        self.notify(f"Copied: {command}", title="Remediation command", markup=False)

    def action_mute(self) -> None:
        from auditor.tui.screens.mute_dialog import MuteDialog

        finding = self.highlighted_finding()
        if finding is None:
            self.notify("No finding selected.", severity="warning")
            return
        state = self.app.state  # type: ignore[attr-defined]
        path = Path(state.exceptions_file)
        self.app.push_screen(MuteDialog(finding, path, owner=state.operator))


# --- helpers ----------------------------------------------------------------------------------------


def _row(finding: Finding) -> tuple[Text, ...]:
    status = finding.status
    return (
        Text(status.value, style=_STATUS_STYLE.get(status, "")),
        Text(finding.severity.value),
        Text(finding.check_id),
        Text(clean(finding.region)),
        Text(clean(finding.resource_id)),
    )


def _sort_key(column: str):  # noqa: ANN202 - a key function
    if column == "severity":
        ranks = {s.value: s.rank for s in Severity}
        return lambda cell: ranks.get(cell.plain, 99)
    return lambda cell: cell.plain.lower() if isinstance(cell, Text) else str(cell).lower()


def _meta(check_id: str) -> Any:
    from auditor.registry import load_checks

    try:
        return load_checks().get(check_id).meta
    except KeyError:
        return None


def _command(finding: Finding) -> str:
    meta = _meta(finding.check_id)
    return clean_block(remediation_command(meta, finding)) if meta is not None else ""


def _controls_by_check(result: ScanResult) -> dict[str, list[str]]:
    """check id -> 'benchmark control: title' for every control of the scored benchmarks using it."""
    from auditor.benchmarks import BenchmarkError, load_benchmark

    out: dict[str, list[str]] = {}
    for score in result.benchmarks:
        try:
            benchmark = load_benchmark(score.benchmark_id)
        except (BenchmarkError, OSError):
            continue
        for control in benchmark.controls:
            for check_id in control.checks:
                out.setdefault(check_id, []).append(f"{benchmark.id} {control.id}: {control.title}")
    return out


def _sections(result: ScanResult) -> dict[str, tuple[str, frozenset[str]]]:
    """'benchmark|section' -> ('cis-aws-7.0 §4 Logging', check ids of its controls), for each section of
    the scored benchmarks that has checks, in benchmark then catalog order."""
    from auditor.benchmarks import BenchmarkError, load_benchmark

    out: dict[str, tuple[str, frozenset[str]]] = {}
    for score in result.benchmarks:
        try:
            benchmark = load_benchmark(score.benchmark_id)
        except (BenchmarkError, OSError):
            continue
        for section in benchmark.sections:
            checks = frozenset(
                check
                for control in benchmark.controls
                if control.section == section.id
                for check in control.checks
            )
            if checks:
                label = f"{benchmark.id} §{section.id} {section.title}"
                out[f"{benchmark.id}|{section.id}"] = (label, checks)
    return out


def _runbook_lines(check_id: str) -> list[str]:
    """The 'Runbook (module 4)' block: the runbook rows whose detection source the check covers."""
    from auditor.runbook import runbook_for

    entries = runbook_for(check_id)
    if not entries:
        return []
    return ["", "Runbook (module 4):", *(f"  {entry.describe()}" for entry in entries)]


def detail_text(finding: Finding, controls: dict[str, list[str]]) -> str:
    """The detail pane, as plain text (every cloud-derived part cleaned)."""
    meta = _meta(finding.check_id)
    lines = [
        meta.title if meta is not None else finding.check_id,
        "",
        f"Check:    {finding.check_id}",
        f"Status:   {finding.status.value}   Severity: {finding.severity.value}",
        f"Account:  {clean(finding.account)}   Region: {clean(finding.region)}",
        f"Resource: {clean(finding.resource_id)}",
    ]
    if finding.resource_name:
        lines.append(f"Name:     {clean(finding.resource_name)}")
    if finding.muted is not None:
        mute = finding.muted
        lines.append(
            f"Muted by {clean(mute.exception_id)} ({clean(mute.owner)}, until {mute.expires}): "
            f"{clean(mute.reason)}; was {mute.original_status.value}"
        )
    lines += ["", "Message:", clean_block(finding.message)]
    if meta is not None:
        lines += ["", "Rationale:", clean_block(meta.rationale)]
        if meta.risk:
            lines += ["", "Risk:", clean_block(meta.risk)]
        lines += ["", "Remediation:", clean_block(remediation_command(meta, finding))]
        if meta.remediation.text:
            lines.append(clean_block(meta.remediation.text))
    evidence = json.dumps(finding.evidence, indent=2, sort_keys=True, default=str, ensure_ascii=False)
    if len(evidence) > _EVIDENCE_LIMIT:
        evidence = evidence[:_EVIDENCE_LIMIT] + f"\n... ({len(evidence) - _EVIDENCE_LIMIT} more characters)"
    lines += ["", "Evidence:", clean_block(evidence)]
    lines += ["", "Benchmark controls:"]
    lines += [f"  {c}" for c in controls.get(finding.check_id, [])] or ["  (none of the scored benchmarks)"]
    lines += _runbook_lines(finding.check_id)
    if meta is not None:
        lines += ["", f"Module section: {meta.module_section}"]
        if meta.references:
            lines += ["", "References:", *(f"  {r}" for r in meta.references)]
    return "\n".join(lines)
