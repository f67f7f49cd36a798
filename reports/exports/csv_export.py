"""One CSV row per finding, for spreadsheets and ticketing imports.

RFC 4180: comma separated, fields quoted when needed (quotes doubled), CRLF line ends, a header row.
Resource names, tags and messages carry attacker-controlled text, so every cell that a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading
apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io

from auditor.scan_result import ScanResult
from reports.exports.finding_facts import FindingFacts, facts_for

__all__ = ["CSV_COLUMNS", "CSV_MEDIA_TYPE", "CSV_SUFFIX", "FORMULA_TRIGGERS", "neutralise_formula", "to_csv"]

CSV_SUFFIX = ".csv"
CSV_MEDIA_TYPE = "text/csv"

CSV_COLUMNS: tuple[str, ...] = (
    "finding_id",
    "check_id",
    "title",
    "provider",
    "account",
    "region",
    "service",
    "severity",
    "status",
    "original_status",
    "resource_id",
    "resource_name",
    "message",
    "controls",
    "muted_by",
    "mute_owner",
    "mute_reason",
    "mute_expires",
    "remediation_command",
)
"""The header row, in order. ``original_status`` is set for muted findings only; ``controls`` lists the
benchmark controls the check decides ('cis-aws-7.0:4.7; module4-baseline:LOG-AWS-FLOW')."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: str) -> str:
    """Prefix a cell a spreadsheet would evaluate as a formula with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _row(facts: FindingFacts) -> list[str]:
    finding = facts.finding
    mute = finding.muted
    values = {
        "finding_id": finding.id,
        "check_id": finding.check_id,
        "title": facts.title,
        "provider": finding.provider,
        "account": finding.account,
        "region": finding.region,
        "service": finding.service,
        "severity": finding.severity.value,
        "status": finding.status.value,
        "original_status": mute.original_status.value if mute else "",
        "resource_id": finding.resource_id,
        "resource_name": finding.resource_name,
        "message": finding.message,
        "controls": "; ".join(ref.qualified for ref in facts.controls),
        "muted_by": mute.exception_id if mute else "",
        "mute_owner": mute.owner if mute else "",
        "mute_reason": mute.reason if mute else "",
        "mute_expires": mute.expires.isoformat() if mute else "",
        "remediation_command": facts.command,
    }
    return [neutralise_formula(values[column]) for column in CSV_COLUMNS]


def to_csv(result: ScanResult) -> str:
    """Every finding of the scan as one CSV row, in the result's order, under a header row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for facts in facts_for(result):
        writer.writerow(_row(facts))
    return buffer.getvalue()
