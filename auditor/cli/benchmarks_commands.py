"""`auditor benchmarks list` and `auditor benchmarks show ID [--section S]`: the catalogs as data.

The catalog loader (pydantic, PyYAML) is imported inside the commands, so `auditor --help` stays fast.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.cli.console import fail, stdout_console

if TYPE_CHECKING:
    from auditor.benchmarks import Benchmark, Control

app = typer.Typer(
    help="List the benchmark catalogs (CIS versions, the module baseline) and show their controls.",
    no_args_is_help=True,
)

_DECISION_LABELS: dict[str, str] = {
    "checks": "checks",
    "manual": "manual",
    "pending": "pending",
    "out_of_scope": "out of scope",
}


def _load(benchmark_id: str) -> Benchmark:
    """A shipped catalog; an unknown id is a usage error (2), a broken catalog file an error (1)."""
    from auditor.benchmarks import BenchmarkError, available_benchmarks, load_benchmark

    if benchmark_id not in available_benchmarks():
        known = ", ".join(available_benchmarks()) or "none"
        fail(f"no benchmark {benchmark_id!r} (known: {known}); see `auditor benchmarks list`", code=2)
    try:
        return load_benchmark(benchmark_id)
    except BenchmarkError as error:
        fail(str(error))


def benchmark_summary(benchmark: Benchmark) -> dict[str, Any]:
    """How many controls a catalog has, how many are in scope, and what decides them."""
    decided = Counter(control.decided_by for control in benchmark.controls)
    return {
        "id": benchmark.id,
        "title": benchmark.title,
        "version": benchmark.version,
        "controls": len(benchmark.controls),
        "in_scope": sum(control.in_scope for control in benchmark.controls),
        "decided_by_checks": decided["checks"],
        "manual": decided["manual"],
        "pending": decided["pending"],
        "out_of_scope": decided["out_of_scope"],
    }


@app.command("list")
def list_benchmarks(
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List the catalogs: id, version, controls, in scope, decided by checks, title."""
    from auditor.benchmarks import available_benchmarks

    summaries = [benchmark_summary(_load(benchmark_id)) for benchmark_id in available_benchmarks()]
    if as_json:
        typer.echo(json.dumps(summaries, indent=1))
        return
    table = Table(title=f"{len(summaries)} benchmarks", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Benchmark id", no_wrap=True)
    table.add_column("Version", no_wrap=True)
    table.add_column("Controls", justify="right", no_wrap=True)
    table.add_column("In scope", justify="right", no_wrap=True)
    table.add_column("By checks", justify="right", no_wrap=True)
    table.add_column("Title", overflow="fold", ratio=1)
    for summary in summaries:
        table.add_row(
            Text(summary["id"]),
            Text(summary["version"]),
            Text(str(summary["controls"])),
            Text(str(summary["in_scope"])),
            Text(str(summary["decided_by_checks"])),
            Text(summary["title"]),
        )
    stdout_console().print(table)


@app.command("show")
def show_benchmark(
    benchmark_id: str = typer.Argument(..., help="A benchmark id, e.g. cis-aws-7.0 or module4-baseline."),
    section: str | None = typer.Option(None, "--section", "-s", help="Only this section, e.g. 4."),
    as_json: bool = typer.Option(False, "--json", help="Print the catalog (or the section) as JSON."),
) -> None:
    """Show a catalog's controls: level, assessment, and what decides each (checks or a reason)."""
    benchmark = _load(benchmark_id)
    sections = list(benchmark.sections)
    if section is not None:
        sections = [s for s in sections if s.id == section]
        if not sections:
            known = ", ".join(s.id for s in benchmark.sections)
            fail(f"no section {section!r} in {benchmark.id} (sections: {known})", code=2)
    wanted = {s.id for s in sections}
    controls = [control for control in benchmark.controls if control.section in wanted]
    if as_json:
        data = benchmark.model_dump(mode="json")
        data["sections"] = [s.model_dump(mode="json") for s in sections]
        data["controls"] = [{**c.model_dump(mode="json"), "decided_by": c.decided_by} for c in controls]
        typer.echo(json.dumps(data, indent=1))
        return
    console = stdout_console()
    summary = benchmark_summary(benchmark)
    console.print(
        Text(benchmark.id, style="bold") + Text(f"  {benchmark.title} (version {benchmark.version})")
    )
    if benchmark.source:
        console.print(Text("Source: ", style="bold") + Text(benchmark.source))
    console.print(
        Text(
            f"{summary['controls']} controls: {summary['in_scope']} in scope "
            f"({summary['decided_by_checks']} decided by checks, {summary['manual']} manual, "
            f"{summary['pending']} pending), {summary['out_of_scope']} out of scope"
        )
    )
    for shown in sections:
        console.print()
        console.print(Text(f"{shown.id} ", style="bold") + Text(shown.title, style="bold"))
        subsection = ""
        for control in (c for c in controls if c.section == shown.id):
            if control.subsection != subsection:
                subsection = control.subsection
                if subsection:
                    console.print(Text("  ") + Text(subsection, style="bold"))
            _print_control(console, control)


def _print_control(console: Console, control: Control) -> None:
    console.print(
        Text("  ")
        + Text(control.id, style="bold")
        + Text(f"  level {control.level}  {control.assessment}  {control.provider}  ")
        + Text(f"[{_DECISION_LABELS[control.decided_by]}]  ")
        + Text(control.title)
    )
    if control.module_section:
        console.print(Text("      module: ", style="dim") + Text(control.module_section))
    if control.checks:
        console.print(Text("      checks: ", style="dim") + Text(", ".join(control.checks)))
    for label, reason in (
        ("manual", control.manual),
        ("pending", control.pending),
        ("out of scope", control.out_of_scope),
    ):
        if reason:
            console.print(Text(f"      {label}: ", style="dim") + Text(reason))
