"""Write a ScanResult in the formats asked for: PDF, HTML and the machine exports.

Every file is written atomically (a temporary file beside it, then a rename), so a crash or a full
disk never leaves half a report and never destroys the previous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.scan_result import ScanResult

DOCUMENT_FORMATS = {"pdf": ".pdf", "html": ".html"}
ALL_FORMATS = ("pdf", "html", "json", "csv", "ocsf", "asff", "junit")


class UnknownFormat(ValueError):
    pass


def parse_formats(value: str) -> tuple[str, ...]:
    """'pdf,html,json' -> ('pdf', 'html', 'json'); 'all' -> every format; unknown names refused."""
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    if names == ["all"]:
        return ALL_FORMATS
    unknown = [name for name in names if name not in ALL_FORMATS]
    if unknown or not names:
        raise UnknownFormat(
            f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(ALL_FORMATS)}"
        )
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class ReportHistory:
    """What the report may show beyond the scan itself: the previous scan (diff) and the trend."""

    previous: ScanResult | None = None
    trend: Sequence[Any] = ()


def file_stem(result: ScanResult) -> str:
    return "posture-audit-" + result.finished_at.strftime("%Y%m%dT%H%M%SZ")


def render(result: ScanResult, fmt: str, history: ReportHistory) -> bytes:
    """The bytes of one format."""
    if fmt == "pdf":
        from reports.render import render_pdf

        return render_pdf(result, history.previous, list(history.trend))
    if fmt == "html":
        from reports.render import render_html

        return render_html(result, history.previous, list(history.trend)).encode("utf-8")
    from reports.exports import FORMATS

    to_text, _suffix = FORMATS[fmt]
    return to_text(result).encode("utf-8")


def suffix(fmt: str) -> str:
    if fmt in DOCUMENT_FORMATS:
        return DOCUMENT_FORMATS[fmt]
    from reports.exports import FORMATS

    return FORMATS[fmt][1]


def write_outputs(
    result: ScanResult, output_dir: Path, formats: Sequence[str], history: ReportHistory
) -> list[Path]:
    """Write each format to ``output_dir/posture-audit-<time><suffix>``; returns the paths written."""
    from reports.render import write_report

    written = []
    stem = file_stem(result)
    for fmt in formats:
        path = output_dir / f"{stem}{suffix(fmt)}"
        write_report(path, render(result, fmt, history))
        written.append(path)
    return written
