"""`auditor history` and `auditor diff`: the stored scans, and what changed between two of them.

The store is ``--history-url`` (a SQLite file or a PostgreSQL database), else
``$POSTURE_AUDITOR_HISTORY_URL``, else ``$POSTURE_AUDITOR_HOME/history.sqlite3`` or the user data
directory (see ``auditor.history.location``). Every value that came from a cloud (resource ids and
names, messages, account ids) is printed as Rich ``Text``, never parsed as markup: resource names are
attacker-controlled.

Exit codes: ``history`` 0, or 1 when the store cannot be used (corrupted, not ours, newer, unreachable,
refused). ``diff`` 0 when nothing got worse; 3 when the newer scan has new failures or regressions (a
finding or a control that fails now and did not before); 1 when the store cannot be used, a scan id
does not exist, or there are not two scans.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from auditor.cli.console import fail, stdout_console
from auditor.cli.history_option import HistoryUrlOption, location_or_fail, open_existing

if TYPE_CHECKING:
    from auditor.diff import ControlChange, FindingChange, ScanDiff
    from auditor.history import BenchmarkScoreRow, HistoryStore, ScanSummary

T = TypeVar("T")
EXIT_WORSENED = 3
STATUS_STYLE = {
    "PASS": "green",
    "FAIL": "bold red",
    "ERROR": "yellow",
    "NOT_APPLICABLE": "dim",
    "MANUAL": "cyan",
    "MUTED": "magenta",
}
COUNT_ORDER = ("FAIL", "ERROR", "MANUAL", "MUTED", "PASS", "NOT_APPLICABLE")
SHORT_LABEL = {"NOT_APPLICABLE": "N/A"}
NONE = "-"


def history(
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="Show at most this many scans, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print the scans as JSON instead of a table."),
    history_url: HistoryUrlOption = None,
) -> None:
    """List the stored scans: id, time, source, accounts, counts, score and coverage per benchmark."""
    store = open_existing(history_url)
    if store is None:
        where = str(location_or_fail(history_url))
        if as_json:
            _print_json({"path": where, "scans": []})
        else:
            stdout_console().print(Text(f"No scans recorded yet in {where}."))
        raise typer.Exit(0)
    scans = _or_fail(lambda: store.list_scans(limit))
    if as_json:
        _print_json({"path": store.where, "scans": [scan.model_dump(mode="json") for scan in scans]})
        raise typer.Exit(0)
    console = stdout_console()
    if not scans:
        console.print(Text(f"No scans recorded yet in {store.where}."))
        raise typer.Exit(0)
    console.print(_history_table(scans, store))


def diff(
    old_id: int | None = typer.Argument(
        None, metavar="[A]", help="The older scan id (default: the second newest scan)."
    ),
    new_id: int | None = typer.Argument(None, metavar="[B]", help="The newer scan id (default: the newest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the differences as JSON."),
    history_url: HistoryUrlOption = None,
) -> None:
    """What changed between two stored scans: new failures, regressions, fixes, per control and finding.

    Exit 0 when nothing got worse, 3 when B has new failures or regressions, 1 on a missing scan id or
    a corrupted history.
    """
    from auditor.diff import diff_scans

    store = open_existing(history_url)
    if store is None:
        fail(f"{location_or_fail(history_url)}: no scans recorded yet; `auditor diff` needs two")
    older, newer = _pick_scans(store, old_id, new_id)
    old_summary, new_summary = _or_fail(lambda: (store.summary(older), store.summary(newer)))
    changes = _or_fail(
        lambda: diff_scans(
            store.load(older),
            store.load(newer),
            store.control_statuses(older),
            store.control_statuses(newer),
        )
    )
    if as_json:
        _print_json(
            {
                "path": store.where,
                "old": old_summary.model_dump(mode="json"),
                "new": new_summary.model_dump(mode="json"),
                "worsened": changes.worsened,
                **changes.model_dump(mode="json"),
            }
        )
    else:
        _print_diff(stdout_console(), changes, old_summary, new_summary)
    raise typer.Exit(EXIT_WORSENED if changes.worsened else 0)


# ----------------------------------------------------------------------------------------- plumbing


def _or_fail(action: Callable[[], T]) -> T:
    """Run a history read; a store that cannot be read or a missing scan exits 1 with the message."""
    from auditor.history import HistoryError

    try:
        return action()
    except HistoryError as error:
        fail(str(error))


def _pick_scans(store: HistoryStore, old_id: int | None, new_id: int | None) -> tuple[int, int]:
    ids = _or_fail(store.scan_ids)
    if old_id is None:
        if len(ids) < 2:
            fail(f"{store.where}: {len(ids)} scan(s) recorded; `auditor diff` needs two")
        return ids[-2], ids[-1]
    if new_id is None:
        if not ids:
            fail(f"{store.where}: no scans recorded yet")
        new_id = ids[-1]
    for scan_id in (old_id, new_id):
        if scan_id not in ids:
            fail(f"{store.where}: no scan with id {scan_id} (run `auditor history` to list them)")
    return old_id, new_id


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=1, sort_keys=False) + "\n")


def _when(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M")


def _percent(value: float | None) -> str:
    """A 0-1 ratio as a percentage; any other number as it is; None as a dash."""
    if value is None:
        return NONE
    if 0.0 <= value <= 1.0:
        return f"{value * 100:.0f}%"
    return f"{value:.1f}"


def _counts_text(counts: dict[str, int]) -> Text:
    text = Text()
    for status in (*COUNT_ORDER, *sorted(set(counts) - set(COUNT_ORDER))):
        if counts.get(status):
            if text:
                text.append(" · ")
            text.append(
                f"{SHORT_LABEL.get(status, status)} {counts[status]}", style=STATUS_STYLE.get(status, "")
            )
    return text or Text("no findings", style="dim")


def _score_text(row: BenchmarkScoreRow) -> Text:
    return Text(row.benchmark_id, style="bold") + Text(
        f" {_percent(row.control_ratio)} (weighted {_percent(row.weighted_score)}, "
        f"coverage {_percent(row.coverage)})"
    )


def _history_table(scans: Iterable[ScanSummary], store: HistoryStore) -> Table:
    table = Table(title=f"Scan history · {store.where}", title_justify="left", box=None, pad_edge=False)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Started (UTC)", no_wrap=True)
    table.add_column("Source", no_wrap=True)
    table.add_column("Accounts")
    table.add_column("Findings")
    table.add_column("Benchmarks (controls passed, weighted, coverage)")
    for scan in scans:
        table.add_row(
            Text(str(scan.id)),
            Text(_when(scan.started_at)),
            Text(scan.source),
            Text("\n".join(scan.accounts) or NONE),
            _counts_text(scan.counts),
            Text("\n").join(_score_text(row) for row in scan.scores)
            if scan.scores
            else Text(NONE, style="dim"),
        )
    return table


def _finding_line(change: FindingChange) -> Text:
    old = change.old_status.value if change.old_status is not None else "absent"
    new = change.new_status.value if change.new_status is not None else "gone"
    line = Text("  ")
    line.append(f"{old} → {new}", style=STATUS_STYLE.get(new, "dim"))
    line.append(f"  [{change.severity.value}]  ", style="dim")
    line.append(change.check_id, style="bold")
    line.append(f"  {change.account}  {change.region}  {change.resource_id}")
    if change.resource_name:
        line.append(f" ({change.resource_name})")
    if change.new_status is None:
        line.append("  resource no longer present", style="dim")
    elif change.message:
        line.append(f": {change.message}")
    return line


def _control_line(change: ControlChange) -> Text:
    old = change.old_status or "absent"
    new = change.new_status or "absent"
    line = Text("  ")
    line.append(change.benchmark_id, style="bold")
    line.append(f" {change.control_id}  ")
    line.append(old, style=STATUS_STYLE.get(old.upper(), "dim"))
    line.append(" → ")
    line.append(new, style=STATUS_STYLE.get(new.upper(), "dim"))
    if change.regressed:
        line.append("  now failing", style="bold red")
    elif change.improved:
        line.append("  no longer failing", style="green")
    return line


def _score_changes(old: ScanSummary, new: ScanSummary) -> list[Text]:
    before = {row.benchmark_id: row for row in old.scores}
    lines = []
    for row in new.scores:
        was = before.get(row.benchmark_id)
        line = Text("  ") + Text(row.benchmark_id, style="bold")
        for label, name in (
            ("controls", "control_ratio"),
            ("weighted", "weighted_score"),
            ("coverage", "coverage"),
        ):
            previous = _percent(getattr(was, name)) if was is not None else NONE
            line.append(f"  {label} {previous} → {_percent(getattr(row, name))}")
        lines.append(line)
    return lines


def _section(console: Console, title: str, lines: list[Text], style: str) -> None:
    if not lines:
        return
    console.print(Text(f"\n{title} ({len(lines)})", style=style))
    console.print(Group(*lines))


def _print_diff(console: Console, changes: ScanDiff, old: ScanSummary, new: ScanSummary) -> None:
    console.print(
        Text("Scan ", style="bold")
        + Text(f"{old.id} ({_when(old.started_at)} UTC, {old.source})")
        + Text(" → scan ", style="bold")
        + Text(f"{new.id} ({_when(new.started_at)} UTC, {new.source})")
    )
    scores = _score_changes(old, new)
    if scores:
        console.print(Text("\nBenchmark scores", style="bold"))
        console.print(Group(*scores))
    _section(console, "Controls changed", [_control_line(c) for c in changes.control_changes], "bold")
    _section(console, "New failures", [_finding_line(c) for c in changes.new_failures], "bold red")
    _section(
        console, "Regressions (PASS → FAIL)", [_finding_line(c) for c in changes.regressions], "bold red"
    )
    _section(console, "Fixed", [_finding_line(c) for c in changes.fixed], "bold green")
    _section(
        console, "Newly not evaluated", [_finding_line(c) for c in changes.newly_not_evaluated], "bold yellow"
    )
    if changes.not_rescanned:
        console.print(
            Text(
                f"\n{len(changes.not_rescanned)} failing finding(s) of scan {old.id} were outside the "
                f"scope of scan {new.id} (account or region not scanned); not counted as fixed.",
                style="dim",
            )
        )
    console.print(Text("\n") + _verdict(changes))


def _verdict(changes: ScanDiff) -> Text:
    parts = [
        (len(changes.new_failures), "new failure(s)", "bold red"),
        (len(changes.regressions), "regression(s)", "bold red"),
        (len(changes.control_regressions), "control(s) now failing", "bold red"),
        (len(changes.fixed), "fixed", "green"),
        (len(changes.newly_not_evaluated), "newly not evaluated", "yellow"),
    ]
    line = Text(
        "Worse" if changes.worsened else "No new failures",
        style="bold red" if changes.worsened else "bold green",
    )
    for count, label, style in parts:
        line.append(" · ")
        line.append(f"{count} {label}", style=style if count else "dim")
    return line
