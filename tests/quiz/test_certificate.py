import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from quiz.certificate import render_certificate_html, render_certificate_pdf
from quiz.records import AttemptSummary

EVIL = "<b>Eve</b>{{7*7}}"


def attempt(passed=True, operator=EVIL):
    moment = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    return AttemptSummary(
        id=42,
        operator=operator,
        started_at=moment,
        finished_at=moment,
        bank_id="module4",
        seed=1,
        score=0.9 if passed else 0.4,
        passed=passed,
        pass_mark=0.8,
        per_section={"flow-logs": 1.0},
        mode="quiz",
    )


def test_pdf_shows_the_name_literally():
    pdf = render_certificate_pdf(attempt(), "Module 4 quiz", ["AWS VPC Flow Logs", "AWS GuardDuty"])
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = " ".join(page.extract_text().split())
    assert EVIL in text
    assert "49" not in text
    for expected in ("Certificate of completion", "90%", "80%", "Module 4 quiz", "AWS VPC Flow Logs", "#42"):
        assert expected in text


def test_html_escapes_the_name():
    html = render_certificate_html(attempt(), "Module <i>4</i>", [])
    assert "&lt;b&gt;Eve&lt;/b&gt;{{7*7}}" in html
    assert "<b>Eve" not in html and "<i>4" not in html


def test_refuses_a_failed_attempt():
    with pytest.raises(ValueError):
        render_certificate_pdf(attempt(passed=False), "Module 4 quiz", [])
