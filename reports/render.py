"""Render the audit report: HTML and PDF from the same Jinja2 templates and the same context.

- ``render_html(result, previous, trend)``: a standalone HTML page (screen stylesheet inlined, a
  Content-Security-Policy that forbids scripts and remote loads).
- ``render_pdf(result, previous, trend)``: the same templates with the print stylesheet, laid out by
  WeasyPrint through ``ReportFetcher`` (loads only the package's own files and ``data:`` URIs).
- ``write_report(path, data)``: write atomically (temporary file + ``os.replace``).

Safety: the Jinja environment autoescapes everything (``autoescape=True``, whatever the template's
name) and fails on any undefined variable (``StrictUndefined``); scan data is only ever a value, never
a template, so ``{{ 7*7 }}`` in a resource name stays text.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from auditor.scan_result import ScanResult
from reports.charts import format_percent
from reports.context import TrendPoint, build_report_context
from reports.fetcher import ReportFetcher, package_base_url

__all__ = [
    "TEMPLATE",
    "environment",
    "html_to_pdf",
    "render_context",
    "render_html",
    "render_pdf",
    "write_report",
]

TEMPLATE = "report.html"
PRINT_STYLESHEET = "static/report.css"
SCREEN_STYLESHEETS = ("report.css", "screen.css")

LOGGER = logging.getLogger(__name__)


def percent(value: float | None) -> str:
    """The report's percentages: whole, rounded down (as the charts), '—' when there is no figure."""
    return format_percent(value, none="—")


@cache
def environment() -> Environment:
    """The one Jinja environment of the report (autoescape on for every template, strict undefined)."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = percent
    return env


@cache
def _screen_stylesheet() -> str:
    static = resources.files("reports") / "static"
    css = "\n".join(static.joinpath(name).read_text(encoding="utf-8") for name in SCREEN_STYLESHEETS)
    if "</" in css:  # it is inlined in a <style> element
        raise ValueError("the report stylesheets must not contain '</'")
    return css


def render_context(context: Mapping[str, Any], *, for_pdf: bool = False) -> str:
    """Render a context from ``build_report_context``: ``medium`` 'print' (PDF) or 'screen' (HTML)."""
    medium = "print" if for_pdf else "screen"
    stylesheet = Markup("") if for_pdf else Markup(_screen_stylesheet())
    return (
        environment().get_template(TEMPLATE).render({**context, "medium": medium, "stylesheet": stylesheet})
    )


def render_html(
    result: ScanResult,
    previous: ScanResult | None = None,
    trend: Sequence[TrendPoint] | None = None,
    *,
    for_pdf: bool = False,
) -> str:
    """The report as HTML; ``for_pdf`` gives the print variant that WeasyPrint lays out."""
    return render_context(build_report_context(result, previous, trend), for_pdf=for_pdf)


def html_to_pdf(html: str, fetcher: ReportFetcher | None = None) -> bytes:
    """Lay out print HTML with WeasyPrint; only ``fetcher`` (default: a new ``ReportFetcher``) loads."""
    from weasyprint import HTML

    fetcher = fetcher if fetcher is not None else ReportFetcher()
    document = HTML(string=html, base_url=package_base_url(), url_fetcher=fetcher, media_type="print")
    pdf = document.write_pdf()
    if fetcher.refused:
        LOGGER.warning(
            "the report asked for %d URL(s) that were refused: %s", len(fetcher.refused), fetcher.refused
        )
    if pdf is None:  # only when a target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf


def render_pdf(
    result: ScanResult,
    previous: ScanResult | None = None,
    trend: Sequence[TrendPoint] | None = None,
    *,
    fetcher: ReportFetcher | None = None,
) -> bytes:
    """The report as PDF bytes. Pass ``fetcher`` to inspect what the layout asked to load."""
    return html_to_pdf(render_html(result, previous, trend, for_pdf=True), fetcher)


def write_report(path: Path | str, data: bytes | str) -> None:
    """Write ``data`` (text is UTF-8) to ``path`` atomically: a temporary file beside it, fsync, then
    ``os.replace``. On any failure the temporary file is removed and an existing file is left intact."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
