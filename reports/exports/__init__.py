"""Machine exports of a ScanResult: pure ``to_<format>(result) -> str`` functions, one module each.

``FORMATS`` maps a format name to its function and file suffix; ``auditor.cli.report_outputs`` writes
them. Every export renders from the ScanResult alone (plus the check registry for titles and fix
commands); none re-derives a verdict. The formats and their field mappings are in docs/exports.md.
"""

from __future__ import annotations

from collections.abc import Callable

from auditor.scan_result import ScanResult
from reports.exports.asff_export import ASFF_SUFFIX, to_asff
from reports.exports.csv_export import CSV_SUFFIX, to_csv
from reports.exports.json_export import JSON_SUFFIX, to_json
from reports.exports.junit_export import JUNIT_SUFFIX, to_junit
from reports.exports.ocsf_export import OCSF_SUFFIX, to_ocsf

__all__ = ["FORMATS", "Export", "to_asff", "to_csv", "to_json", "to_junit", "to_ocsf"]

Export = Callable[[ScanResult], str]

FORMATS: dict[str, tuple[Export, str]] = {
    "json": (to_json, JSON_SUFFIX),
    "csv": (to_csv, CSV_SUFFIX),
    "ocsf": (to_ocsf, OCSF_SUFFIX),
    "asff": (to_asff, ASFF_SUFFIX),
    "junit": (to_junit, JUNIT_SUFFIX),
}
"""format name -> (the function that renders it, the file suffix)."""
