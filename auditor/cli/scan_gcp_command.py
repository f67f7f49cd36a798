"""`auditor scan gcp [--project P ...] [--organization O] [--folder F]`: collect GCP projects read-only."""

from __future__ import annotations

import typer

from auditor.cli.scan_options import (
    BenchmarkOption,
    ExceptionsOption,
    FormatOption,
    JsonOption,
    NoHistoryOption,
    OutputDirOption,
    QuietOption,
    RateLimitOption,
    SnapshotOption,
    TimeoutOption,
    WorkersOption,
    evaluation_from,
    rate_limits_from,
    run_scan,
)


def scan_gcp(
    ctx: typer.Context,
    projects: list[str] = typer.Option(
        [],
        "--project",
        "-p",
        help="Scan this project (repeatable). Default: every project the credential sees.",
    ),
    organization: str | None = typer.Option(
        None,
        "--organization",
        help="Numeric organization id: every project under it, in nested folders too, and its Security "
        "Command Center.",
    ),
    folder: str | None = typer.Option(
        None,
        "--folder",
        help="Numeric folder id: every project under it, in nested folders too (its organization is read "
        "from its ancestors unless --organization names it).",
    ),
    snapshot: SnapshotOption = None,
    json_out: JsonOption = None,
    benchmarks: BenchmarkOption = None,
    exceptions: ExceptionsOption = None,
    no_history: NoHistoryOption = False,
    output_dir: OutputDirOption = None,
    formats: FormatOption = "pdf,json",
    workers: WorkersOption = 16,
    timeout: TimeoutOption = None,
    rate_limits: RateLimitOption = None,
    quiet: QuietOption = False,
) -> None:
    """Collect GCP projects read-only (Application Default Credentials) and evaluate every GCP check."""
    from auditor.providers.gcp import GcpCollectionFailed, GcpScanOptions, collect_gcp

    evaluation = evaluation_from(
        ctx,
        benchmarks=benchmarks,
        exceptions=exceptions,
        no_history=no_history,
        json_out=json_out,
        quiet=quiet,
        output_dir=output_dir,
        formats=formats,
    )
    try:
        options = GcpScanOptions(
            projects=tuple(projects),
            organization=organization,
            folder=folder,
            max_workers=workers,
            timeout=timeout,
            rate_limits=rate_limits_from(rate_limits),
        )
    except ValueError as error:
        hint = "--folder" if str(error).startswith("folder") else "--organization"
        raise typer.BadParameter(str(error), param_hint=hint) from error
    run_scan(
        "GCP",
        lambda progress: collect_gcp(options, progress=progress),
        (GcpCollectionFailed,),
        evaluation,
        snapshot,
    )
