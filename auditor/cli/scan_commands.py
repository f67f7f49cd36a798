"""`auditor scan` (and `--from-snapshot FILE`): the group, the evaluation every scan goes through, and
writing its results. The provider commands are in scan_aws_command, scan_azure_command, scan_gcp_command."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer
from rich.text import Text

from auditor.cli.console import fail
from auditor.cli.history_option import HistoryUrlOption

if TYPE_CHECKING:
    from auditor.cli.report_outputs import ReportHistory
    from auditor.inventory import Inventory
    from auditor.scan_result import ScanResult

app = typer.Typer(
    help="Scan a cloud account, or evaluate a saved inventory snapshot offline.",
    invoke_without_command=True,
    no_args_is_help=False,
)

from auditor.cli.scan_options import (  # noqa: E402 - the shared option help texts
    BENCHMARK_HELP,
    EXCEPTIONS_HELP,
    FORMAT_HELP,
    HISTORY_HELP,
    JSON_HELP,
    OUTPUT_DIR_HELP,
)


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
    history_url: str | None = None
    """None: $POSTURE_AUDITOR_HISTORY_URL, else the default SQLite file (auditor.history.location)."""

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
            history_url=self.history_url or parent.history_url,
        )

    def checked(self) -> Evaluation:
        """This evaluation, once its history URL is known to be usable as one (else exit 1 naming it):
        a typo is told before a long scan, not after it."""
        if self.record_history:
            from auditor.cli.history_option import location_or_fail

            location_or_fail(self.history_url)
        return self

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
    history_url: HistoryUrlOption = None,
) -> None:
    evaluation = Evaluation(
        benchmarks=tuple(benchmarks),
        exceptions=exceptions,
        record_history=not no_history,
        json_out=json_out,
        quiet=quiet,
        output_dir=output_dir,
        formats=checked_formats(formats),
        history_url=history_url,
    ).checked()
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
    """Write the JSON result if asked, record the scan in history, write the reports, print the summary,
    exit with the documented code. A history that cannot be written (unreachable, refused, corrupted)
    loses nothing else: every other output is written first, then the error names the store, exit 1."""
    from auditor.cli.console import stderr_console, stdout_console
    from auditor.cli.summary import print_summary
    from auditor.engine import exit_code
    from auditor.snapshot import write_text_atomically

    json_out = evaluation.json_out
    if json_out is not None:
        write_or_fail(
            json_out, lambda: write_text_atomically(json_out, result.model_dump_json(by_alias=True, indent=1))
        )
    scan_id, history_failure = (
        record(result, evaluation.history_url) if evaluation.record_history else (None, None)
    )
    written = write_reports(result, evaluation, scan_id)
    print_summary(stdout_console(), result, quiet=evaluation.quiet, elapsed=elapsed)
    if not evaluation.quiet:
        if scan_id is not None:
            stderr_console().print(
                f"recorded as scan {scan_id} in the history (`auditor history`, `auditor diff`)"
            )
        for path in written:
            stderr_console().print(Text(f"wrote {path}"))
    if history_failure is not None:
        fail(f"the scan was not recorded in the history: {history_failure}")
    raise typer.Exit(exit_code(result))


def report_history(scan_id: int | None, history_url: str | None = None) -> ReportHistory:
    """The previous scan (for the report's diff) and the score trend, from the history if any."""
    from auditor.cli.report_outputs import ReportHistory
    from auditor.history import HistoryError, HistoryStore

    if scan_id is None:
        return ReportHistory()
    try:
        store = HistoryStore(history_url, create=False)
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

    history = report_history(scan_id, evaluation.history_url)
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


def record(result: ScanResult, history_url: str | None = None) -> tuple[int | None, str | None]:
    """Save the scan in the history: (its id, None), or (None, why not) when the store cannot be used."""
    from auditor.history import HistoryError, HistoryStore

    try:
        return HistoryStore(history_url).save(result, result.benchmarks), None
    except HistoryError as error:
        return None, str(error)
    except OSError as error:
        return None, f"{error.filename or 'history'}: {error.strerror or error}"


from auditor.cli.scan_aws_command import scan_aws  # noqa: E402 - registered after the shared helpers
from auditor.cli.scan_azure_command import scan_azure  # noqa: E402
from auditor.cli.scan_gcp_command import scan_gcp  # noqa: E402

app.command("aws")(scan_aws)
app.command("azure")(scan_azure)
app.command("gcp")(scan_gcp)
