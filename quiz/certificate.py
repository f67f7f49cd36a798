"""The certificate of completion of a passed quiz attempt: one landscape A4 PDF page.

Rendered by the report pipeline: the same Jinja environment (autoescape, ``StrictUndefined``) and
``html_to_pdf`` with the locked-down ``ReportFetcher``. The operator name is attacker-controlled: it is
only ever a template value, escaped, never a template.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor import __version__
from quiz.records import AttemptSummary
from reports.render import environment, html_to_pdf

TEMPLATE = "certificate.html"


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def render_certificate_html(attempt: AttemptSummary, bank_title: str, sections: Sequence[str]) -> str:
    """The certificate's print HTML; ``ValueError`` unless the attempt passed."""
    if not attempt.passed:
        raise ValueError(f"attempt {attempt.id} did not pass: no certificate")
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            operator=attempt.operator,
            date=attempt.finished_at.date().isoformat(),
            score=_percent(attempt.score),
            pass_mark=_percent(attempt.pass_mark),
            bank_title=bank_title,
            sections=list(sections),
            attempt_id=attempt.id,
            tool_version=__version__,
        )
    )


def render_certificate_pdf(attempt: AttemptSummary, bank_title: str, sections: list[str]) -> bytes:
    """The certificate as PDF bytes; ``ValueError`` for an attempt that did not pass."""
    return html_to_pdf(render_certificate_html(attempt, bank_title, sections))
