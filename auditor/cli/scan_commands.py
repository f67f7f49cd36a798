"""`auditor scan aws ...` and `auditor scan --from-snapshot FILE`."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from auditor.cli.console import fail

if TYPE_CHECKING:
    from auditor.model import ScanResult

app = typer.Typer(
    help="Scan a cloud account, or evaluate a saved inventory snapshot offline.",
    invoke_without_command=True,
    no_args_is_help=False,
)

JSON_HELP = "Write the scan result (findings, scope, errors) as JSON to this file."


@app.callback()
def scan(
    ctx: typer.Context,
    from_snapshot: Path | None = typer.Option(
        None, "--from-snapshot", help="Evaluate a saved inventory snapshot; needs no credentials."
    ),
    json_out: Path | None = typer.Option(None, "--json", help=JSON_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the one-line verdict."),
) -> None:
    if ctx.invoked_subcommand is not None:
        if from_snapshot is not None:
            raise typer.BadParameter(
                "--from-snapshot takes no provider subcommand", param_hint="--from-snapshot"
            )
        ctx.obj = {"json_out": json_out, "quiet": quiet}
        return
    if from_snapshot is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    from auditor.engine import build_scan_result
    from auditor.snapshot import SnapshotError, read_snapshot

    started = datetime.now(UTC)
    try:
        snapshot = read_snapshot(from_snapshot)
    except SnapshotError as error:
        fail(str(error))
    result = build_scan_result(
        snapshot.inventories, started_at=started, finished_at=datetime.now(UTC), source="snapshot"
    )
    finish(result, json_out, quiet)


@app.command("aws")
def scan_aws(
    ctx: typer.Context,
    profile: str | None = typer.Option(None, "--profile", help="AWS profile (default: the standard chain)."),
    regions: list[str] = typer.Option(
        [], "--region", "-r", help="Restrict to this region (repeatable). Default: every enabled region."
    ),
    snapshot: Path | None = typer.Option(
        None, "--snapshot", help="Also write the collected inventory (the audit evidence) to this file."
    ),
    json_out: Path | None = typer.Option(None, "--json", help=JSON_HELP),
    workers: int = typer.Option(16, "--workers", min=1, max=64, help="Concurrent API calls."),
    max_attempts: int = typer.Option(
        6, "--max-attempts", min=1, max=20, help="Attempts per call (adaptive retries) before it is ERROR."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the one-line verdict."),
) -> None:
    """Collect an AWS account read-only and evaluate every AWS check."""
    from auditor.cli.progress import progress_reporter
    from auditor.engine import build_scan_result
    from auditor.providers.aws import AwsCollectionFailed, AwsScanOptions, collect_aws
    from auditor.snapshot import write_snapshot

    parent = ctx.obj or {}
    json_out = json_out or parent.get("json_out")
    quiet = quiet or parent.get("quiet", False)
    options = AwsScanOptions(
        profile=profile, regions=tuple(regions), max_workers=workers, max_attempts=max_attempts
    )
    started = datetime.now(UTC)
    clock = time.monotonic()
    try:
        with progress_reporter(enabled=not quiet) as report:
            inventory = collect_aws(options, progress=report)
    except AwsCollectionFailed as error:
        fail(f"AWS scan failed: {error}")
    if snapshot is not None:
        write_or_fail(snapshot, lambda: write_snapshot(snapshot, [inventory]))
    result = build_scan_result([inventory], started_at=started, finished_at=datetime.now(UTC), source="live")
    finish(result, json_out, quiet, elapsed=time.monotonic() - clock)


def write_or_fail(path: Path, action: Callable[[], None]) -> None:
    try:
        action()
    except OSError as error:
        fail(f"{path}: cannot write: {error.strerror or error}")


def finish(result: ScanResult, json_out: Path | None, quiet: bool, elapsed: float | None = None) -> None:
    """Write the JSON result if asked, print the summary, exit with the documented code."""
    from auditor.cli.console import stdout_console
    from auditor.cli.summary import print_summary
    from auditor.engine import exit_code
    from auditor.snapshot import write_text_atomically

    if json_out is not None:
        write_or_fail(
            json_out, lambda: write_text_atomically(json_out, result.model_dump_json(by_alias=True, indent=1))
        )
    print_summary(stdout_console(), result, quiet=quiet, elapsed=elapsed)
    raise typer.Exit(exit_code(result))
