"""`auditor scan azure [--subscription ID ...] [--tenant T]`: collect Azure subscriptions read-only."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import typer

from auditor.cli.console import fail
from auditor.cli.scan_commands import (
    BENCHMARK_HELP,
    EXCEPTIONS_HELP,
    FORMAT_HELP,
    HISTORY_HELP,
    JSON_HELP,
    OUTPUT_DIR_HELP,
    Evaluation,
    checked_formats,
    finish,
    write_or_fail,
)


def scan_azure(
    ctx: typer.Context,
    subscriptions: list[str] = typer.Option(
        [], "--subscription", "-s", help="Scan this subscription id (repeatable). Default: every one visible."
    ),
    tenant: str | None = typer.Option(
        None, "--tenant", help="Tenant to authenticate against (Azure CLI / PowerShell / service principal)."
    ),
    snapshot: Path | None = typer.Option(
        None, "--snapshot", help="Also write the collected inventory (the audit evidence) to this file."
    ),
    json_out: Path | None = typer.Option(None, "--json", help=JSON_HELP),
    benchmarks: list[str] = typer.Option([], "--benchmark", "-b", help=BENCHMARK_HELP),
    exceptions: Path | None = typer.Option(None, "--exceptions", help=EXCEPTIONS_HELP),
    no_history: bool = typer.Option(False, "--no-history", help=HISTORY_HELP),
    output_dir: Path | None = typer.Option(None, "--output-dir", "-o", help=OUTPUT_DIR_HELP),
    formats: str = typer.Option("pdf,json", "--format", "-f", help=FORMAT_HELP),
    workers: int = typer.Option(16, "--workers", min=1, max=64, help="Concurrent API calls."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the one-line verdict."),
) -> None:
    """Collect Azure subscriptions read-only (Reader + Security Reader) and evaluate every Azure check."""
    from auditor.cli.progress import progress_reporter
    from auditor.providers.azure import AzureCollectionFailed, AzureScanOptions, collect_azure
    from auditor.snapshot import write_snapshot

    evaluation = Evaluation(
        benchmarks=tuple(benchmarks),
        exceptions=exceptions,
        record_history=not no_history,
        json_out=json_out,
        quiet=quiet,
        output_dir=output_dir,
        formats=checked_formats(formats),
    ).merged_with(ctx.obj if isinstance(ctx.obj, Evaluation) else None)
    options = AzureScanOptions(subscriptions=tuple(subscriptions), tenant=tenant, max_workers=workers)
    started = datetime.now(UTC)
    clock = time.monotonic()
    try:
        with progress_reporter(enabled=not evaluation.quiet) as report:
            inventories = collect_azure(options, progress=report)
    except AzureCollectionFailed as error:
        fail(f"Azure scan failed: {error}")
    if snapshot is not None:
        write_or_fail(snapshot, lambda: write_snapshot(snapshot, list(inventories)))
    result = evaluation.build(inventories, started_at=started, source="live")
    finish(result, evaluation, elapsed=time.monotonic() - clock)
