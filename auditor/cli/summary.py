"""The terminal summary of a ScanResult: one line per check, then each failing check with its
resources and the exact fix, then what was not evaluated, then the verdict line.

Every value that came from the cloud (resource ids, names, messages) is rendered as ``Text``, never
parsed as Rich markup: resource names are attacker-controlled.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from auditor.model import Finding, Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command

if TYPE_CHECKING:
    from rich.console import Console

    from auditor.scan_result import ScanResult
    from auditor.scoring import BenchmarkScore, ScoreFigures

STATUS_STYLE = {
    Status.PASS: "green",
    Status.FAIL: "bold red",
    Status.ERROR: "yellow",
    Status.NOT_APPLICABLE: "dim",
    Status.MANUAL: "cyan",
    Status.MUTED: "magenta",
}
SHORT_LABEL = {Status.NOT_APPLICABLE: "N/A"}
WORST_FIRST = (Status.FAIL, Status.ERROR, Status.MANUAL, Status.MUTED, Status.PASS, Status.NOT_APPLICABLE)
MAX_RESOURCES_SHOWN = 5


def check_status(findings: list[Finding]) -> Status:
    """The status of a check over all its findings: the worst one present."""
    statuses = {f.status for f in findings}
    return next((s for s in WORST_FIRST if s in statuses), Status.NOT_APPLICABLE)


def verdict_line(result: ScanResult, elapsed: float | None = None) -> Text:
    counts = result.counts()
    line = Text()
    for status in Status:
        line.append(f"{status.value} {counts[status]}", style=STATUS_STYLE[status])
        line.append("  ")
    scope = ", ".join(
        f"{s.provider} {s.account} " + ("(not entered)" if s.not_entered else f"({len(s.regions)} regions)")
        for s in result.scopes
    )
    line.append(Text(f"· {scope} · {result.api_calls} API calls"))
    if elapsed is not None:
        line.append(f" · {elapsed:.1f} s")
    return line


def print_summary(
    console: Console, result: ScanResult, *, quiet: bool = False, elapsed: float | None = None
) -> None:
    if not quiet:
        by_check: dict[str, list[Finding]] = defaultdict(list)
        for finding in result.findings:
            by_check[finding.check_id].append(finding)
        order = sorted(
            by_check,
            key=lambda c: (WORST_FIRST.index(check_status(by_check[c])), by_check[c][0].severity.rank, c),
        )
        _print_checks_table(console, order, by_check)
        _print_failures(console, order, by_check)
        _print_not_evaluated(console, result)
        _print_exceptions(console, result)
        for score in result.benchmarks:
            _print_benchmark(console, score)
        _print_accounts(console, result)
    for score in result.benchmarks:
        console.print(score_line(score))
    console.print(verdict_line(result, elapsed))


def _print_checks_table(console: Console, order: list[str], by_check: dict[str, list[Finding]]) -> None:
    table = Table(title=f"{len(order)} checks", title_justify="left", box=None, pad_edge=False)
    table.add_column("Status", no_wrap=True, min_width=6)
    table.add_column("Severity", no_wrap=True, min_width=8)
    table.add_column("Check", no_wrap=True, overflow="ellipsis")
    table.add_column("Failed", justify="right", no_wrap=True, min_width=6)
    for check_id in order:
        findings = by_check[check_id]
        status = check_status(findings)
        failing = sum(f.status is Status.FAIL for f in findings)
        assessed = sum(f.status in (Status.PASS, Status.FAIL) for f in findings)
        table.add_row(
            Text(SHORT_LABEL.get(status, status.value), style=STATUS_STYLE[status]),
            Text(findings[0].severity.value),
            Text(check_id),
            Text(f"{failing}/{assessed}"),
        )
    console.print(table)


def _print_failures(console: Console, order: list[str], by_check: dict[str, list[Finding]]) -> None:
    registry = load_checks()
    failing_checks = [c for c in order if any(f.status is Status.FAIL for f in by_check[c])]
    if not failing_checks:
        return
    console.print(Text("\nFailing resources and fixes", style="bold"))
    for check_id in failing_checks:
        failing = [f for f in by_check[check_id] if f.status is Status.FAIL]
        meta = registry.meta(check_id)
        header = Text("\n") + Text(check_id, style="bold red") + Text(f"  [{failing[0].severity.value}]")
        if meta is not None:
            header += Text(f"  {meta.title}", style="dim")
        console.print(header)
        for finding in failing[:MAX_RESOURCES_SHOWN]:
            name = f" ({finding.resource_name})" if finding.resource_name else ""
            console.print(Text(f"  {finding.region}  {finding.resource_id}{name}: {finding.message}"))
        if len(failing) > MAX_RESOURCES_SHOWN:
            console.print(Text(f"  … and {len(failing) - MAX_RESOURCES_SHOWN} more", style="dim"))
        if meta is not None:
            console.print(Text("  fix: ", style="bold") + Text(remediation_command(meta, failing[0])))


def _print_not_evaluated(console: Console, result: ScanResult) -> None:
    if not result.collection_errors:
        return
    console.print(Text("\nNot evaluated (collection errors)", style="bold yellow"))
    for error in sorted(result.collection_errors, key=lambda e: (e.region, e.service, e.operation)):
        console.print(Text(f"  {error.describe()}", style="yellow"))


def percent(value: float | None) -> str:
    """A fraction as a percentage; '-' when it is undefined (nothing to divide by)."""
    return "-" if value is None else f"{value * 100:.0f}%"


def figures_text(figures: ScoreFigures) -> str:
    return (
        f"{percent(figures.control_ratio)} of decided controls pass ({figures.passed}/"
        f"{figures.passed + figures.failed}) · weighted {percent(figures.weighted_score)} · coverage "
        f"{percent(figures.coverage)} ({figures.evaluated}/{figures.in_scope} in scope evaluated)"
    )


def score_line(score: BenchmarkScore) -> Text:
    return Text(f"{score.benchmark_id}: ", style="bold") + Text(figures_text(score.figures))


def _print_benchmark(console: Console, score: BenchmarkScore) -> None:
    table = Table(
        title=f"{score.title} ({score.benchmark_id})",
        title_justify="left",
        box=None,
        pad_edge=False,
    )
    table.add_column("Section", overflow="fold")
    for label in ("Pass", "Fail", "Error", "Manual", "Muted", "N/A", "Not assessed"):
        table.add_column(label, justify="right", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Coverage", justify="right", no_wrap=True)
    rows = [(f"{s.section_id} {s.title}", s.figures) for s in score.sections if s.figures.total]
    rows += [(f"Level {level} profile", figures) for level, figures in sorted(score.levels.items())]
    rows.append(("All", score.figures))
    for label, figures in rows:
        table.add_row(
            Text(label, style="bold" if label == "All" else ""),
            *(
                Text(str(n))
                for n in (
                    figures.passed,
                    figures.failed,
                    figures.errors,
                    figures.manual,
                    figures.muted,
                    figures.not_applicable,
                    figures.not_assessed,
                )
            ),
            Text(percent(figures.control_ratio)),
            Text(percent(figures.coverage)),
        )
    console.print()
    console.print(table)


def _print_accounts(console: Console, result: ScanResult) -> None:
    """With several accounts: each account's score and coverage per benchmark, unreachable ones named."""
    if not result.account_scores:
        return
    table = Table(title="Per account", title_justify="left", box=None, pad_edge=False)
    for label in ("Provider", "Account", "Name", "Benchmark"):
        table.add_column(label, no_wrap=True, overflow="ellipsis")
    for label in ("Pass", "Fail", "Error", "Score", "Coverage"):
        table.add_column(label, justify="right", no_wrap=True)
    table.add_column("Note", overflow="fold")
    for row in result.account_scores:
        figures = row.figures
        table.add_row(
            Text(row.provider),
            Text(row.account),
            Text(row.name),
            Text(row.benchmark_id),
            Text(str(figures.passed)),
            Text(str(figures.failed)),
            Text(str(figures.errors)),
            Text(percent(figures.control_ratio)),
            Text(percent(figures.coverage)),
            Text(f"not entered: {row.not_entered}" if row.not_entered else "", style="yellow"),
        )
    console.print()
    console.print(table)


def _print_exceptions(console: Console, result: ScanResult) -> None:
    report = result.exceptions
    if report is None:
        return
    console.print(
        Text(f"\nExceptions ({report.source}): ", style="bold")
        + Text(f"{report.muted_count} findings muted by {len(report.applied)} exceptions")
    )
    for expired in report.expired:
        rule = expired.exception
        console.print(
            Text(f"  EXPIRED {rule.id} ", style="bold magenta")
            + Text(
                f"(owner {rule.owner}, expired {rule.expires}, {expired.days_expired} days ago): no longer "
                f"mutes {len(expired.findings)} findings; renew or remove it. Reason was: {rule.reason}"
            )
        )
    for unused in report.unused:
        console.print(Text(f"  unused {unused.exception.id}: {unused.reason}", style="dim"))
