"""`auditor flows`: run module 4's detection rules over flow-log files (DuckDB) or an Athena table, convert
files to Parquet, and print the rules' SQL / Logs Insights queries."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table
from rich.text import Text

from auditor.cli.console import fail

if TYPE_CHECKING:
    from auditor.flows.parameters import RuleParameters
    from auditor.flows.summary import TrafficSummary

app = typer.Typer(
    help="Flow-log threat analytics: module 4's rules over VPC / NSG / VNet flow logs.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

FORMATS = ("auto", "aws", "azure", "gcp")


def rule_parameters(
    since: str, until: str | None, baseline: str, exfil_bytes: str, new_destination_bytes: str,
    ssh_attempts: int, rdp_attempts: int, scan_ports: int, rejected_ratio: float, outbound_per_day: str,
    private: list[str] | None,
) -> RuleParameters:  # fmt: skip
    from auditor.flows.parameters import RFC1918, RuleParameters, parse_bytes, parse_duration

    try:
        end = datetime.fromisoformat(until) if until else datetime.now(UTC)
        if end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
        return RuleParameters(
            window_end=end,
            since=parse_duration(since),
            baseline=parse_duration(baseline),
            exfil_bytes=parse_bytes(exfil_bytes),
            new_destination_bytes=parse_bytes(new_destination_bytes),
            ssh_attempts=ssh_attempts,
            rdp_attempts=rdp_attempts,
            scan_ports=scan_ports,
            rejected_ratio=rejected_ratio,
            outbound_bytes_per_day=parse_bytes(outbound_per_day),
            private_cidrs=tuple(private) if private else RFC1918,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


SINCE = typer.Option("24h", "--since", help="The analysis window before --until: 90m, 24h, 7d.")
UNTIL = typer.Option(None, "--until", help="The window's end (ISO 8601, UTC if no zone); default now.")
BASELINE = typer.Option(
    "7d", "--baseline", help="The window before the analysis window for 'new destinations'."
)
EXFIL = typer.Option("1GB", "--exfil-bytes", help="Bytes from one source to one public destination.")
NEW_DEST = typer.Option(
    "100MB", "--new-destination-bytes", help="Bytes to a destination the baseline never saw."
)
SSH = typer.Option(100, "--ssh-attempts", help="Rejected port-22 attempts per source.")
RDP = typer.Option(100, "--rdp-attempts", help="Rejected port-3389 attempts per source.")
SCAN = typer.Option(100, "--scan-ports", help="Distinct destination ports per source.")
RATIO = typer.Option(0.05, "--rejected-ratio", help="Share of rejected flows per account.")
OUTBOUND = typer.Option(
    "50GB", "--outbound-per-day", help="Bytes to public destinations per account and day."
)
PRIVATE = typer.Option(None, "--private", help="A private IPv4 range (repeat); default the RFC 1918 ranges.")


@app.command("analyze")
def analyze_command(
    inputs: list[str] = typer.Argument(
        None, help="Files, directories or s3://bucket/prefix (not with Athena)."
    ),
    since: str = SINCE,
    until: str | None = UNTIL,
    baseline: str = BASELINE,
    file_format: str = typer.Option("auto", "--format", help="aws, azure, gcp or auto (sniffed per file)."),
    exfil_bytes: str = EXFIL,
    new_destination_bytes: str = NEW_DEST,
    ssh_attempts: int = SSH,
    rdp_attempts: int = RDP,
    scan_ports: int = SCAN,
    rejected_ratio: float = RATIO,
    outbound_per_day: str = OUTBOUND,
    private: list[str] | None = PRIVATE,
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (local files) or athena (a table)."),
    database: str | None = typer.Option(None, "--database", help="Athena: the Glue database."),
    table: str | None = typer.Option(None, "--table", help="Athena: the flow-log table."),
    workgroup: str = typer.Option("primary", "--workgroup", help="Athena: the workgroup."),
    output: str | None = typer.Option(None, "--output", help="Athena: s3:// location for query results."),
    date_partition: str | None = typer.Option(
        None, "--date-partition", help="Athena: the table's date partition column (values YYYY/MM/DD)."
    ),
    work_db: Path | None = typer.Option(
        None, "--work-db", help="Keep the loaded records (their rollup) in this DuckDB file."
    ),
    memory_limit: str = typer.Option(
        "1GiB", "--memory-limit", help="DuckDB's memory limit; beyond it, it spills to a temporary directory."
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Write the scan result (JSON) here."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the PDF report here."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the verdict line."),
) -> None:
    """Run every rule over the input set in one pass; findings as `auditor scan` gives them.

    Exit codes: 0 nothing detected; 3 a detection; 1 files could not be read (and nothing detected)."""
    from auditor.cli.scan_commands import Evaluation, write_or_fail, write_reports
    from auditor.engine import exit_code
    from auditor.flows.parameters import parse_bytes
    from auditor.flows.scan import flow_scan_result
    from auditor.snapshot import write_text_atomically

    if file_format not in FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}", param_hint="--format")
    if work_db is not None and work_db.exists():
        raise typer.BadParameter(f"{work_db} exists; give a new file", param_hint="--work-db")
    try:
        memory_bytes = parse_bytes(memory_limit)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--memory-limit") from error
    parameters = rule_parameters(
        since, until, baseline, exfil_bytes, new_destination_bytes, ssh_attempts, rdp_attempts, scan_ports,
        rejected_ratio, outbound_per_day, private,
    )  # fmt: skip
    started = datetime.now(UTC)
    clock = time.monotonic()
    if engine == "athena":
        analysis = _athena(parameters, database, table, workgroup, output, date_partition)
    elif engine == "duckdb":
        if not inputs:
            raise typer.BadParameter("give at least one file, directory or s3:// prefix", param_hint="INPUTS")
        database = str(work_db) if work_db else ":memory:"
        analysis = _local(inputs, parameters, file_format, quiet, database, memory_bytes)
    else:
        raise typer.BadParameter("must be duckdb or athena", param_hint="--engine")
    result = flow_scan_result(analysis, started)
    if json_out is not None:
        write_or_fail(
            json_out, lambda: write_text_atomically(json_out, result.model_dump_json(by_alias=True, indent=1))
        )
    written = write_reports(result, Evaluation(pdf_out=pdf, record_history=False), None)
    from auditor.cli.console import stderr_console, stdout_console

    console = stdout_console()
    if not quiet:
        print_traffic(console, analysis.summary)
    _print_detections(console, result, time.monotonic() - clock, quiet)
    for path in written:
        stderr_console().print(Text(f"wrote {path}"))
    code = exit_code(result)
    if code == 0 and analysis.summary.files_failed:
        code = 1
    raise typer.Exit(code)


def _local(
    inputs: list[str], parameters: RuleParameters, file_format: str, quiet: bool, database: str,
    memory_limit: int,
) -> Any:  # fmt: skip
    from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn

    from auditor.cli.console import stderr_console
    from auditor.flows.analysis import analyze
    from auditor.flows.sources import InputNotFound

    console = stderr_console()
    try:
        if quiet or not console.is_terminal:
            return analyze(inputs, parameters, file_format, database=database, memory_limit=memory_limit)  # type: ignore[arg-type]
        with Progress(
            TextColumn("reading"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            BarColumn(), DownloadColumn(), TextColumn("{task.description}"), console=console, transient=True,
        ) as progress:  # fmt: skip
            files = progress.add_task("", total=None)
            data = progress.add_task("", total=None)

            def report(event: Any) -> None:
                progress.update(files, completed=event.files_done, total=event.files_total)
                progress.update(data, completed=event.bytes_done, total=event.bytes_total,
                                description=Path(event.name).name)  # fmt: skip

            return analyze(  # type: ignore[arg-type]
                inputs, parameters, file_format, progress=report, database=database, memory_limit=memory_limit
            )
    except InputNotFound as error:
        fail(str(error))


def _athena(
    parameters: RuleParameters, database: str | None, table: str | None, workgroup: str,
    output: str | None, date_partition: str | None,
) -> Any:  # fmt: skip
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from auditor.flows.analysis import FlowAnalysis, summarise
    from auditor.flows.engine_athena import AthenaEngine, AthenaQueryFailed, AthenaSettings
    from auditor.flows.findings import findings_from_rows

    if not database or not table:
        raise typer.BadParameter("--engine athena needs --database and --table")
    settings = AthenaSettings(database, table, workgroup, output, date_partition)
    engine = AthenaEngine(boto3.client("athena"), settings)
    try:
        rows = engine.run_rules(parameters)
    except (AthenaQueryFailed, ClientError, BotoCoreError) as error:
        fail(f"Athena: {error}")
    findings = findings_from_rows(rows, parameters, {"aws"}, {"aws"})
    summary = summarise("athena", None, rows, findings, parameters, inputs=[f"athena:{database}.{table}"])
    return FlowAnalysis(findings, summary, rows)


def print_traffic(console: Any, summary: TrafficSummary) -> None:
    table = Table(title="Flow logs analysed", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    formats = ", ".join(f"{k} {v}" for k, v in summary.files_by_format.items()) or "-"
    rows = [
        ("files", f"{summary.files} ({formats}); {summary.files_failed} lost in whole or part"),
        ("records", f"{summary.records_read:,} read, {summary.records_rejected:,} rejected as unreadable, "
                    f"{summary.records_no_data:,} NODATA/SKIPDATA"),
        ("window", f"{summary.window_start} to {summary.window_end}: {summary.records_in_window:,} records, "
                   f"{summary.rejected_flows:,} rejected flows, {summary.bytes_in_window:,} bytes"),
        ("baseline", f"{summary.baseline_records:,} records before the window"),
    ]  # fmt: skip
    for name, value in rows:
        table.add_row(name, Text(value))
    console.print(table)
    for error in summary.input_errors[:10]:
        console.print(Text(f"  skipped {error.describe()}", style="yellow"))
    if summary.input_errors_total > 10:
        console.print(Text(f"  ... and {summary.input_errors_total - 10} more (see the JSON result)"))
    if summary.top_talkers:
        talkers = Table(title="Top talkers")
        for column in ("source", "destination", "bytes", "flows"):
            talkers.add_column(column, justify="right" if column in ("bytes", "flows") else "left")
        for row in summary.top_talkers[:5]:
            talkers.add_row(Text(row.srcaddr), Text(row.dstaddr), f"{row.bytes:,}", f"{row.flows:,}")
        console.print(talkers)


def _print_detections(console: Any, result: Any, elapsed: float, quiet: bool) -> None:
    from auditor.cli.summary import STATUS_STYLE, verdict_line
    from auditor.model import Status

    table = Table(title="Detections")
    for column in ("status", "check", "account", "resource"):
        table.add_column(column, no_wrap=column in ("status", "check"))
    table.add_column("what", min_width=30)
    for finding in sorted(
        result.findings, key=lambda f: (f.status is not Status.FAIL, f.check_id, f.resource_id)
    ):
        if finding.status is Status.PASS:
            continue
        table.add_row(
            Text(finding.status.value, style=STATUS_STYLE[finding.status]),
            Text(finding.check_id), Text(finding.account), Text(finding.resource_id), Text(finding.message),
        )  # fmt: skip
    if table.row_count and not quiet:
        console.print(table)
    console.print(verdict_line(result, elapsed))


@app.command("convert")
def convert_command(
    inputs: list[str] = typer.Argument(..., help="Files, directories or s3://bucket/prefix."),
    output: Path = typer.Option(..., "--output", "-o", help="The Parquet file to write."),
    file_format: str = typer.Option("auto", "--format", help="aws, azure, gcp or auto."),
) -> None:
    """Convert flow logs to one Parquet file (zstd) for fast repeated analysis."""
    from auditor.flows.convert import convert_to_parquet
    from auditor.flows.sources import InputNotFound

    if file_format not in FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}", param_hint="--format")
    try:
        report, rows = convert_to_parquet(inputs, output, file_format)  # type: ignore[arg-type]
    except InputNotFound as error:
        fail(str(error))
    except OSError as error:
        fail(f"{output}: cannot write: {error}")
    typer.echo(
        f"wrote {output}: {rows:,} records from {report.files} files "
        f"({report.records_rejected:,} unreadable records skipped, {report.files_failed} files lost)"
    )
    raise typer.Exit(1 if report.files_failed else 0)


@app.command("sql")
def sql_command(
    dialect: str = typer.Option("duckdb", "--dialect", help="duckdb, athena or logs-insights."),
    table: str = typer.Option("vpc_flow_logs", "--table", help="The table the queries read."),
    database: str | None = typer.Option(None, "--database", help="Athena: the database (qualifies --table)."),
    date_partition: str | None = typer.Option(
        None, "--date-partition", help="Athena: the date partition column."
    ),
    since: str = SINCE,
    until: str | None = UNTIL,
    baseline: str = BASELINE,
    exfil_bytes: str = EXFIL,
    new_destination_bytes: str = NEW_DEST,
    ssh_attempts: int = SSH,
    rdp_attempts: int = RDP,
    scan_ports: int = SCAN,
    rejected_ratio: float = RATIO,
    outbound_per_day: str = OUTBOUND,
    private: list[str] | None = PRIVATE,
) -> None:
    """Print every rule's query, parameters filled in, for running elsewhere."""
    from auditor.flows.logs_insights import logs_insights_queries
    from auditor.flows.ruleset import RULES, Target, render

    parameters = rule_parameters(
        since, until, baseline, exfil_bytes, new_destination_bytes, ssh_attempts, rdp_attempts, scan_ports,
        rejected_ratio, outbound_per_day, private,
    )  # fmt: skip
    if dialect == "logs-insights":
        for name, query in logs_insights_queries(parameters).items():
            typer.echo(f"# --- {name} ---\n{query}\n")
        return
    if dialect not in ("duckdb", "athena"):
        raise typer.BadParameter("must be duckdb, athena or logs-insights", param_hint="--dialect")
    qualified = f'"{database}"."{table}"' if database else table
    target = Target(dialect=dialect, table=qualified, date_partition=date_partition)  # type: ignore[arg-type]
    for rule in RULES:
        typer.echo(f"-- --- {rule.id}: {rule.description}\n{render(rule, parameters, target)}")
