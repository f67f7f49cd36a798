"""One analysis of an input set: load the files, run every rule, and turn the rows into findings and
the traffic summary. The CLI, the demo and the tests all call ``analyze``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from auditor.flows.engine_duckdb import run_rules
from auditor.flows.findings import findings_from_rows
from auditor.flows.formats import FormatChoice
from auditor.flows.parameters import RuleParameters
from auditor.flows.rollup import Rollup
from auditor.flows.sources import FlowInputs
from auditor.flows.store import DEFAULT_MEMORY_LIMIT, FileProgress, FlowStore, LoadReport
from auditor.flows.summary import RejectedRow, TalkerRow, TrafficSummary
from auditor.model import Finding, Status

SUMMARY_ROWS = 20


@dataclass(frozen=True)
class FlowAnalysis:
    findings: list[Finding]
    summary: TrafficSummary
    rows: dict[str, list[dict[str, Any]]]


def summarise(
    engine: str, report: LoadReport | None, rows: dict[str, list[dict[str, Any]]], findings: list[Finding],
    parameters: RuleParameters, no_data: int = 0, inputs: list[str] | None = None,
) -> TrafficSummary:  # fmt: skip
    stats = rows["stats"][0] if rows.get("stats") else {}
    detections: dict[str, int] = {}
    for finding in findings:
        if finding.status is Status.FAIL:
            detections[finding.check_id] = detections.get(finding.check_id, 0) + 1
    return TrafficSummary(
        engine=engine,  # type: ignore[arg-type]
        inputs=inputs or (report.inputs if report else []),
        files=report.files if report else 0,
        files_by_format=dict(sorted(report.files_by_format.items())) if report else {},
        input_bytes=report.input_bytes if report else 0,
        records_read=report.records_read if report else 0,
        records_rejected=report.records_rejected if report else 0,
        records_no_data=no_data,
        files_failed=report.files_failed if report else 0,
        input_errors=report.errors if report else [],
        input_errors_total=report.errors_total if report else 0,
        window_start=datetime.fromtimestamp(parameters.window_start_epoch, UTC),
        window_end=datetime.fromtimestamp(parameters.window_end_epoch, UTC),
        records_in_window=int(stats.get("records_in_window") or 0),
        baseline_records=int(stats.get("baseline_records") or 0),
        accepted_flows=int(stats.get("accepted_flows") or 0),
        rejected_flows=int(stats.get("rejected_flows") or 0),
        bytes_in_window=int(stats.get("bytes_in_window") or 0),
        top_talkers=[
            TalkerRow(
                srcaddr=str(r["srcaddr"]),
                dstaddr=str(r["dstaddr"]),
                bytes=int(r["total_bytes"] or 0),
                flows=int(r["flows"]),
            )
            for r in rows.get("top_talkers", [])[:SUMMARY_ROWS]
        ],
        top_rejected=[
            RejectedRow(
                srcaddr=str(r["srcaddr"]),
                dstaddr=str(r["dstaddr"]),
                dstport=r["dstport"],
                flows=int(r["flows"]),
            )
            for r in rows.get("top_rejected", [])[:SUMMARY_ROWS]
        ],
        detections=dict(sorted(detections.items())),
        parameters=parameters.describe(),
    )


def analyze(
    inputs: list[str],
    parameters: RuleParameters,
    choice: FormatChoice = "auto",
    progress: Callable[[FileProgress], None] | None = None,
    s3_client: Any = None,
    database: str = ":memory:",
    rollup: bool = True,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
) -> FlowAnalysis:
    """Load every input file into DuckDB once (AWS records as their rollup, ``auditor.flows.rollup``,
    unless ``rollup=False``), run every rule, and build the findings and summary."""
    store = FlowStore(
        database, rollup=Rollup.for_parameters(parameters) if rollup else None, memory_limit=memory_limit
    )
    try:
        report = store.load(FlowInputs(inputs, s3_client), choice, progress)
        rows = run_rules(store.con, parameters)
        providers = set(row[0] for row in store.con.execute("SELECT DISTINCT provider FROM flows").fetchall())
        findings = findings_from_rows(rows, parameters, report.rejects_visible, providers)
        summary = summarise("duckdb", report, rows, findings, parameters, store.no_data_records())
    finally:
        store.close()
    return FlowAnalysis(findings, summary, rows)
