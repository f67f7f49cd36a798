"""The terminal summary of a ScanResult: one line per check, then each failing check with its
resources and the exact fix, then what was not evaluated, then the verdict line.

Every value that came from the cloud (resource ids, names, messages) is rendered as ``Text``, never
parsed as Rich markup: resource names are attacker-controlled.
"""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.model import Finding, ScanResult, Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command

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
    scope = ", ".join(f"{s.provider} {s.account} ({len(s.regions)} regions)" for s in result.scopes)
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
        meta = registry.get(check_id).meta if check_id in registry else None
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
