"""`auditor report`: render the PDF, HTML or exports of a stored scan, without touching the cloud."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from auditor.cli.console import fail, stderr_console
from auditor.cli.history_option import HistoryUrlOption

if TYPE_CHECKING:
    from auditor.cli.report_outputs import ReportHistory
    from auditor.scan_result import ScanResult


def report(
    scan_file: Path | None = typer.Argument(None, help="A scan result JSON (from --json or demo-scan.json)."),
    last: bool = typer.Option(False, "--last", help="Use the last scan recorded in the history."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the PDF report here."),
    html: Path | None = typer.Option(None, "--html", help="Write the HTML report here."),
    previous: Path | None = typer.Option(
        None, "--previous", help="A previous scan result JSON to show the differences against."
    ),
    output_dir: Path | None = typer.Option(None, "--output-dir", "-o", help="Write --format outputs here."),
    formats: str = typer.Option(
        "pdf,html", "--format", "-f", help="With --output-dir: pdf,html,json,csv,..."
    ),
    history_url: HistoryUrlOption = None,
) -> None:
    """Render a stored scan (`auditor report demo-scan.json --pdf report.pdf`, or `--last`)."""
    from auditor.cli.report_outputs import ReportHistory, render, write_outputs
    from auditor.cli.scan_commands import checked_formats
    from reports.render import write_report

    if (scan_file is None) == (not last):
        raise typer.BadParameter("give a scan result file or --last (one of the two)")
    if pdf is None and html is None and output_dir is None:
        raise typer.BadParameter("nothing to write: give --pdf, --html or --output-dir")
    chosen = checked_formats(formats)
    result, history = _from_history(history_url) if last else (_read(scan_file), ReportHistory())  # type: ignore[arg-type]
    if previous is not None:
        history = ReportHistory(previous=_read(previous), trend=history.trend)
    written: list[Path] = []
    try:
        if pdf is not None:
            write_report(pdf, render(result, "pdf", history))
            written.append(pdf)
        if html is not None:
            write_report(html, render(result, "html", history))
            written.append(html)
        if output_dir is not None:
            written += write_outputs(result, output_dir, chosen, history)
    except OSError as error:
        fail(f"{error.filename or 'report'}: cannot write: {error.strerror or error}")
    for path in written:
        stderr_console().print(Text(f"wrote {path}"))


def _read(path: Path) -> ScanResult:
    from pydantic import ValidationError

    from auditor.scan_result import ScanResult
    from auditor.snapshot import describe_validation_error

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}")
    try:
        return ScanResult.model_validate_json(text)
    except ValidationError as error:
        fail(f"{path}: not a scan result: {describe_validation_error(error)}")


def _from_history(history_url: str | None) -> tuple[ScanResult, ReportHistory]:
    from auditor.cli.history_option import location_or_fail, open_existing
    from auditor.cli.report_outputs import ReportHistory
    from auditor.history import HistoryError

    store = open_existing(history_url)
    try:
        ids = store.scan_ids() if store is not None else []
        if store is None or not ids:
            where = store.where if store is not None else location_or_fail(history_url)
            fail(f"the history ({where}) holds no scan yet: run a scan or `auditor demo` first")
        result = store.load(ids[-1])
        previous = store.load(ids[-2]) if len(ids) > 1 else None
        trend = list(reversed(store.list_scans(limit=12)))
    except HistoryError as error:
        fail(str(error))
    return result, ReportHistory(previous=previous, trend=trend)
