"""`auditor scan aws ...` and `auditor scan --from-snapshot FILE`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer
from rich.text import Text

from auditor.cli.console import fail

if TYPE_CHECKING:
    from auditor.cli.report_outputs import ReportHistory
    from auditor.inventory import Inventory
    from auditor.scan_result import ScanResult

app = typer.Typer(
    help="Scan a cloud account, or evaluate a saved inventory snapshot offline.",
    invoke_without_command=True,
    no_args_is_help=False,
)

JSON_HELP = "Write the scan result (findings, scores, scope, errors) as JSON to this file."
BENCHMARK_HELP = (
    "Score against this benchmark (repeatable; see `auditor benchmarks list`). "
    "Default: the current CIS benchmark of each scanned provider, and module4-baseline."
)
EXCEPTIONS_HELP = "An exceptions file (YAML): matching findings become MUTED until the exception expires."
HISTORY_HELP = "Do not record this scan in the history database."
OUTPUT_DIR_HELP = "Write the report and exports here (see --format)."
FORMAT_HELP = "With --output-dir: comma-separated formats: pdf,html,json,csv,ocsf,asff,junit (or 'all')."


@dataclass(frozen=True)
class Evaluation:
    """How a scan's findings are judged and kept: benchmarks, exceptions, history, outputs."""

    benchmarks: tuple[str, ...] = ()
    """Empty: the current CIS benchmark of each scanned provider, and the module baseline."""
    exceptions: Path | None = None
    record_history: bool = True
    json_out: Path | None = None
    quiet: bool = False
    output_dir: Path | None = None
    formats: tuple[str, ...] = ("pdf", "json")
    pdf_out: Path | None = None

    def merged_with(self, parent: Evaluation | None) -> Evaluation:
        """Options given before the provider (`auditor scan --json X aws`) count too."""
        if parent is None:
            return self
        return Evaluation(
            benchmarks=self.benchmarks or parent.benchmarks,
            exceptions=self.exceptions or parent.exceptions,
            record_history=self.record_history and parent.record_history,
            json_out=self.json_out or parent.json_out,
            quiet=self.quiet or parent.quiet,
            output_dir=self.output_dir or parent.output_dir,
            formats=self.formats if self.output_dir else parent.formats,
            pdf_out=self.pdf_out or parent.pdf_out,
        )

    def build(
        self,
        inventories: Sequence[Inventory],
        *,
        started_at: datetime,
        source: Literal["live", "snapshot", "demo"],
    ) -> ScanResult:
        """Load the benchmarks and exceptions (exit 1 naming the file when one is malformed), evaluate."""
        from auditor.benchmarks import BenchmarkError, default_benchmarks, load_benchmark
        from auditor.engine import build_scan_result
        from auditor.exceptions import ExceptionsError, load_exceptions

        try:
            chosen = self.benchmarks or default_benchmarks(inventory.provider for inventory in inventories)
            benchmarks = [load_benchmark(benchmark_id) for benchmark_id in chosen]
        except BenchmarkError as error:
            fail(str(error), code=2)
        try:
            exceptions = load_exceptions(self.exceptions) if self.exceptions is not None else None
        except ExceptionsError as error:
            fail(str(error))
        return build_scan_result(
            inventories,
            started_at=started_at,
            finished_at=datetime.now(UTC),
            source=source,
            benchmarks=benchmarks,
            exceptions=exceptions,
        )


@app.callback()
def scan(
    ctx: typer.Context,
    from_snapshot: Path | None = typer.Option(
        None, "--from-snapshot", help="Evaluate a saved inventory snapshot; needs no credentials."
    ),
    json_out: Path | None = typer.Option(None, "--json", help=JSON_HELP),
    benchmarks: list[str] = typer.Option([], "--benchmark", "-b", help=BENCHMARK_HELP),
    exceptions: Path | None = typer.Option(None, "--exceptions", help=EXCEPTIONS_HELP),
    no_history: bool = typer.Option(False, "--no-history", help=HISTORY_HELP),
    output_dir: Path | None = typer.Option(None, "--output-dir", "-o", help=OUTPUT_DIR_HELP),
    formats: str = typer.Option("pdf,json", "--format", "-f", help=FORMAT_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the one-line verdict."),
) -> None:
    evaluation = Evaluation(
        benchmarks=tuple(benchmarks),
        exceptions=exceptions,
        record_history=not no_history,
        json_out=json_out,
        quiet=quiet,
        output_dir=output_dir,
        formats=checked_formats(formats),
    )
    if ctx.invoked_subcommand is not None:
        if from_snapshot is not None:
            raise typer.BadParameter(
                "--from-snapshot takes no provider subcommand", param_hint="--from-snapshot"
            )
        ctx.obj = evaluation
        return
    if from_snapshot is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    from auditor.snapshot import SnapshotError, read_snapshot

    started = datetime.now(UTC)
    try:
        snapshot = read_snapshot(from_snapshot)
    except SnapshotError as error:
        fail(str(error))
    finish(evaluation.build(snapshot.inventories, started_at=started, source="snapshot"), evaluation)


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
    benchmarks: list[str] = typer.Option([], "--benchmark", "-b", help=BENCHMARK_HELP),
    exceptions: Path | None = typer.Option(None, "--exceptions", help=EXCEPTIONS_HELP),
    no_history: bool = typer.Option(False, "--no-history", help=HISTORY_HELP),
    output_dir: Path | None = typer.Option(None, "--output-dir", "-o", help=OUTPUT_DIR_HELP),
    formats: str = typer.Option("pdf,json", "--format", "-f", help=FORMAT_HELP),
    workers: int = typer.Option(16, "--workers", min=1, max=64, help="Concurrent API calls."),
    max_attempts: int = typer.Option(
        6, "--max-attempts", min=1, max=20, help="Attempts per call (adaptive retries) before it is ERROR."
    ),
    organization: bool = typer.Option(
        False,
        "--organization",
        help="Scan every account of the caller's AWS Organization (from the management or a delegated "
        "administrator account) through the cross-account role --role-name; one merged report.",
    ),
    role_name: str = typer.Option(
        "OrganizationAccountAccessRole", "--role-name", help="With --organization: the role to assume."
    ),
    accounts: list[str] = typer.Option(
        [], "--accounts", help="With --organization: only this account id (repeatable)."
    ),
    exclude_accounts: list[str] = typer.Option(
        [], "--exclude-accounts", help="With --organization: skip this account id (repeatable)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the one-line verdict."),
) -> None:
    """Collect an AWS account (or every account of an organization) read-only; evaluate every AWS check."""
    from auditor.cli.progress import progress_reporter
    from auditor.providers.aws import (
        AwsCollectionFailed,
        AwsScanOptions,
        collect_aws,
        collect_aws_organization,
    )
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
    if (accounts or exclude_accounts) and not organization:
        raise typer.BadParameter("needs --organization", param_hint="--accounts/--exclude-accounts")
    options = AwsScanOptions(
        profile=profile,
        regions=tuple(regions),
        max_workers=workers,
        max_attempts=max_attempts,
        organization=organization,
        role_name=role_name,
        accounts=tuple(accounts),
        exclude_accounts=tuple(exclude_accounts),
    )
    started = datetime.now(UTC)
    clock = time.monotonic()
    try:
        with progress_reporter(enabled=not evaluation.quiet) as report:
            if options.organization:
                inventories: list[Inventory] = list(collect_aws_organization(options, progress=report))
            else:
                inventories = [collect_aws(options, progress=report)]
    except AwsCollectionFailed as error:
        fail(f"AWS scan failed: {error}")
    if snapshot is not None:
        write_or_fail(snapshot, lambda: write_snapshot(snapshot, inventories))
    result = evaluation.build(inventories, started_at=started, source="live")
    finish(result, evaluation, elapsed=time.monotonic() - clock)


@app.command("gcp")
def scan_gcp(
    ctx: typer.Context,
    projects: list[str] = typer.Option(
        [],
        "--project",
        "-p",
        help="Scan this project (repeatable). Default: every project the credential sees.",
    ),
    organization: str | None = typer.Option(
        None, "--organization", help="Numeric organization id: its projects, and its Security Command Center."
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
    """Collect GCP projects read-only (Application Default Credentials) and evaluate every GCP check."""
    from auditor.cli.progress import progress_reporter
    from auditor.providers.gcp import GcpCollectionFailed, GcpScanOptions, collect_gcp
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
    try:
        options = GcpScanOptions(projects=tuple(projects), organization=organization, max_workers=workers)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--organization") from error
    started = datetime.now(UTC)
    clock = time.monotonic()
    try:
        with progress_reporter(enabled=not evaluation.quiet) as report:
            inventories = collect_gcp(options, progress=report)
    except GcpCollectionFailed as error:
        fail(f"GCP scan failed: {error}")
    if snapshot is not None:
        write_or_fail(snapshot, lambda: write_snapshot(snapshot, list(inventories)))
    result = evaluation.build(inventories, started_at=started, source="live")
    finish(result, evaluation, elapsed=time.monotonic() - clock)


def checked_formats(value: str) -> tuple[str, ...]:
    from auditor.cli.report_outputs import UnknownFormat, parse_formats

    try:
        return parse_formats(value)
    except UnknownFormat as error:
        raise typer.BadParameter(str(error), param_hint="--format") from error


def write_or_fail(path: Path, action: Callable[[], None]) -> None:
    try:
        action()
    except OSError as error:
        fail(f"{path}: cannot write: {error.strerror or error}")


def finish(result: ScanResult, evaluation: Evaluation, elapsed: float | None = None) -> None:
    """Write the JSON result if asked, record the scan in history, print the summary, exit with the
    documented code. A history that cannot be written is reported; it never loses the scan."""
    from auditor.cli.console import stderr_console, stdout_console
    from auditor.cli.summary import print_summary
    from auditor.engine import exit_code
    from auditor.snapshot import write_text_atomically

    json_out = evaluation.json_out
    if json_out is not None:
        write_or_fail(
            json_out, lambda: write_text_atomically(json_out, result.model_dump_json(by_alias=True, indent=1))
        )
    scan_id = record(result) if evaluation.record_history else None
    written = write_reports(result, evaluation, scan_id)
    print_summary(stdout_console(), result, quiet=evaluation.quiet, elapsed=elapsed)
    if not evaluation.quiet:
        if scan_id is not None:
            stderr_console().print(
                f"recorded as scan {scan_id} in the history (`auditor history`, `auditor diff`)"
            )
        for path in written:
            stderr_console().print(Text(f"wrote {path}"))
    raise typer.Exit(exit_code(result))


def report_history(scan_id: int | None) -> ReportHistory:
    """The previous scan (for the report's diff) and the score trend, from the history if any."""
    from auditor.cli.report_outputs import ReportHistory
    from auditor.history import HistoryError, HistoryStore

    if scan_id is None:
        return ReportHistory()
    try:
        store = HistoryStore(create=False)
        earlier = [i for i in store.scan_ids() if i < scan_id]
        previous = store.load(earlier[-1]) if earlier else None
        trend = list(reversed(store.list_scans(limit=12)))
    except (HistoryError, OSError):
        return ReportHistory()
    return ReportHistory(previous=previous, trend=trend)


def write_reports(result: ScanResult, evaluation: Evaluation, scan_id: int | None) -> list[Path]:
    """The PDF/HTML/exports asked for (--output-dir with --format, or a single --pdf path)."""
    from auditor.cli.report_outputs import render, write_outputs

    if evaluation.output_dir is None and evaluation.pdf_out is None:
        return []
    from reports.render import write_report

    history = report_history(scan_id)
    written: list[Path] = []
    try:
        if evaluation.output_dir is not None:
            written += write_outputs(result, evaluation.output_dir, evaluation.formats, history)
        if evaluation.pdf_out is not None:
            write_report(evaluation.pdf_out, render(result, "pdf", history))
            written.append(evaluation.pdf_out)
    except OSError as error:
        fail(f"{error.filename or 'report'}: cannot write: {error.strerror or error}")
    return written


def record(result: ScanResult) -> int | None:
    """Save the scan in the history database; on failure say why on stderr and carry on."""
    from auditor.cli.console import stderr_console
    from auditor.history import HistoryError, HistoryStore

    try:
        return HistoryStore().save(result, result.benchmarks)
    except (HistoryError, OSError) as error:
        stderr_console().print(
            Text(f"warning: the scan was not recorded in the history: {error}", style="yellow")
        )
        return None


from auditor.cli.scan_azure_command import scan_azure  # noqa: E402 - registered after the shared helpers

app.command("azure")(scan_azure)
