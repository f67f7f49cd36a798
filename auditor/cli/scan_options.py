"""What every `auditor scan <provider>` command shares: its evaluation options, declared once, and the
one way a collection is run, kept and judged.

The options are ``Annotated`` aliases, so each provider's command lists them in one line each; the
provider's own options (profile and regions, subscriptions and tenant, projects and organization) are
declared beside its collector call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor.cli.console import fail
from auditor.cli.history_option import HistoryUrlOption as HistoryUrlOption  # shared with the others

if TYPE_CHECKING:
    from auditor.cli.scan_commands import Evaluation
    from auditor.inventory import Inventory
    from auditor.progress import ProgressCallback
    from auditor.providers.cluster import ClusterSpec

JSON_HELP = "Write the scan result (findings, scores, scope, errors) as JSON to this file."
BENCHMARK_HELP = (
    "Score against this benchmark (repeatable; see `auditor benchmarks list`). "
    "Default: the current CIS benchmark of each scanned provider, and module4-baseline."
)
EXCEPTIONS_HELP = "An exceptions file (YAML): matching findings become MUTED until the exception expires."
HISTORY_HELP = "Do not record this scan in the history database."
OUTPUT_DIR_HELP = "Write the report and exports here (see --format)."
FORMAT_HELP = "With --output-dir: comma-separated formats: pdf,html,json,csv,ocsf,asff,junit (or 'all')."
SNAPSHOT_HELP = "Also write the collected inventory (the audit evidence) to this file."

SnapshotOption = Annotated[Path | None, typer.Option("--snapshot", help=SNAPSHOT_HELP)]
JsonOption = Annotated[Path | None, typer.Option("--json", help=JSON_HELP)]
BenchmarkOption = Annotated[list[str] | None, typer.Option("--benchmark", "-b", help=BENCHMARK_HELP)]
ExceptionsOption = Annotated[Path | None, typer.Option("--exceptions", help=EXCEPTIONS_HELP)]
NoHistoryOption = Annotated[bool, typer.Option("--no-history", help=HISTORY_HELP)]
OutputDirOption = Annotated[Path | None, typer.Option("--output-dir", "-o", help=OUTPUT_DIR_HELP)]
FormatOption = Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)]
WorkersOption = Annotated[int, typer.Option("--workers", min=1, max=64, help="Concurrent API calls.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the one-line verdict.")]
TIMEOUT_HELP = (
    "Seconds for the whole scan; what has not finished by then is ERROR (not finished), the rest is kept. "
    "Ctrl-C does the same at once."
)
RATE_LIMIT_HELP = (
    "SERVICE=CALLS_PER_SECOND: cap one API's request rate per account and region (repeatable; '*' for "
    "every other service, 0 for no limit). Defaults: see docs/scale-and-faults.md."
)
RateLimitOption = Annotated[list[str] | None, typer.Option("--rate-limit", help=RATE_LIMIT_HELP)]


def rate_limits_from(values: list[str] | None) -> tuple[tuple[str, float], ...]:
    """The --rate-limit values, or a usage error naming the bad one."""
    from auditor.providers.rate_limit import RateLimitError, parse_rate_limits

    try:
        return tuple(parse_rate_limits(values or []).items())
    except RateLimitError as error:
        raise typer.BadParameter(str(error), param_hint="--rate-limit") from error


TimeoutOption = Annotated[float | None, typer.Option("--timeout", min=1, help=TIMEOUT_HELP)]
CLUSTER_HELP = (
    "Shard the scan on a Dask cluster: one task per {unit}. tcp://HOST:8786 is a running scheduler "
    "(`dask scheduler`, `dask worker tcp://HOST:8786`); local:N starts N worker processes here. Each worker "
    "uses its own credentials. Default: this process alone."
)


def cluster_option(unit: str) -> Any:
    return typer.Option(None, "--cluster", help=CLUSTER_HELP.format(unit=unit))


def cluster_from(value: str | None) -> ClusterSpec | None:
    """The --cluster value, or a usage error naming the forms it takes."""
    if value is None:
        return None
    from auditor.providers.cluster import ClusterError, parse_cluster

    try:
        return parse_cluster(value)
    except ClusterError as error:
        raise typer.BadParameter(str(error), param_hint="--cluster") from error


def evaluation_from(
    ctx: typer.Context,
    *,
    benchmarks: Sequence[str] | None,
    exceptions: Path | None,
    no_history: bool,
    json_out: Path | None,
    quiet: bool,
    output_dir: Path | None,
    formats: str,
    history_url: str | None = None,
) -> Evaluation:
    """The command's evaluation options, merged with those given before the provider
    (`auditor scan --json X aws`)."""
    from auditor.cli.scan_commands import Evaluation, checked_formats

    return (
        Evaluation(
            benchmarks=tuple(benchmarks or ()),
            exceptions=exceptions,
            record_history=not no_history,
            json_out=json_out,
            quiet=quiet,
            output_dir=output_dir,
            formats=checked_formats(formats),
            history_url=history_url,
        )
        .merged_with(ctx.obj if isinstance(ctx.obj, Evaluation) else None)
        .checked()
    )


def run_scan(
    label: str,
    collect: Callable[[ProgressCallback | None], Sequence[Inventory]],
    failures: tuple[type[Exception], ...],
    evaluation: Evaluation,
    snapshot: Path | None,
) -> None:
    """Collect with a progress bar (a failure to start exits 1 naming the provider), keep the snapshot
    if asked, evaluate, write, record and exit with the documented code."""
    from auditor.cli.progress import progress_reporter
    from auditor.cli.scan_commands import finish, write_or_fail
    from auditor.snapshot import write_snapshot

    started = datetime.now(UTC)
    clock = time.monotonic()
    try:
        with progress_reporter(enabled=not evaluation.quiet) as report:
            inventories = list(collect(report))
    except failures as error:
        fail(f"{label} scan failed: {error}")
    if snapshot is not None:
        write_or_fail(snapshot, lambda: write_snapshot(snapshot, inventories))
    result = evaluation.build(inventories, started_at=started, source="live")
    finish(result, evaluation, elapsed=time.monotonic() - clock)
