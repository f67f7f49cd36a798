"""Hostile resource names, ids, messages, tags and exception texts stay text in the HTML and the PDF,
and cause no fetch at all. Scan data is a value for the templates, never markup nor a template."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from jinja2 import UndefinedError
from markupsafe import escape
from pypdf import PdfReader

from auditor.benchmarks import load_benchmark
from auditor.engine import build_scan_result
from auditor.exceptions import ExceptionRule, ExceptionsFile
from auditor.model import Status
from auditor.scan_result import ScanResult
from reports.context import build_report_context
from reports.fetcher import ReportFetcher
from reports.render import environment, render_context, render_html, render_pdf
from tests.conftest import collection_error, make_inventory

IMG = '<img src="file:///etc/passwd">'
SCRIPT = "</td><script>alert(1)</script>"
CSS_URL = "url(http://127.0.0.1:9/x)"
TEMPLATE = "{{ 7*7 }}"
PAYLOADS = (IMG, SCRIPT, CSS_URL, TEMPLATE)
STARTED = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def hostile_scan() -> ScanResult:
    """The real engine over an inventory whose ids and names are the payloads; then tags and names on
    the findings, a collection error message and exception texts carry them too."""
    inventory = make_inventory(
        {
            "us-east-1": {
                "vpcs": [{"id": IMG, "name": SCRIPT}, {"id": SCRIPT}, {"id": CSS_URL}, {"id": TEMPLATE}],
                "subnets": [],
                "flow_logs": [],
            },
            "eu-west-1": {"vpcs": [{"id": "vpc-west"}], "subnets": [], "flow_logs": None},
        },
        errors=[
            collection_error(
                "eu-west-1",
                "flow_logs",
                operation="DescribeFlowLogs",
                message=f"denied {IMG} {SCRIPT} {CSS_URL} {TEMPLATE}",
            )
        ],
    )
    exceptions = ExceptionsFile(
        exceptions=(
            ExceptionRule(
                id="hostile",
                check="aws.route53resolver.query_logging_enabled",
                owner=IMG,
                reason=f"{SCRIPT} {CSS_URL} {TEMPLATE}",
                expires=date(2027, 1, 1),
            ),
        ),
        source="exceptions.yaml",
    )
    result = build_scan_result(
        [inventory],
        started_at=STARTED,
        finished_at=STARTED + timedelta(minutes=2),
        source="snapshot",
        benchmarks=[load_benchmark("cis-aws-7.0"), load_benchmark("module4-baseline")],
        exceptions=exceptions,
        today=date(2026, 11, 3),
    )
    tags = {"owner": IMG, "script": SCRIPT, "style": CSS_URL, "tpl": TEMPLATE}
    findings = [
        f.model_copy(update={"tags": tags, "resource_name": f.resource_name or CSS_URL})
        if f.status in (Status.FAIL, Status.MUTED)
        else f
        for f in result.findings
    ]
    return result.model_copy(update={"findings": findings})


@pytest.fixture(scope="module")
def scan() -> ScanResult:
    result = hostile_scan()
    statuses = {f.status for f in result.findings if f.resource_id in PAYLOADS}
    assert {Status.FAIL, Status.MUTED} <= statuses, "the payloads must reach failing and muted findings"
    return result


@pytest.fixture(scope="module")
def html(scan) -> str:
    return render_html(scan, previous=scan)


@pytest.fixture(scope="module")
def pdf_and_fetcher(scan) -> tuple[bytes, ReportFetcher]:
    fetcher = ReportFetcher()
    return render_pdf(scan, previous=scan, fetcher=fetcher), fetcher


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.style_text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style_text.append(data)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("for_pdf", [False, True])
def test_payloads_are_escaped_text_in_the_html(scan, for_pdf):
    page = render_html(scan, previous=scan, for_pdf=for_pdf)
    for payload in PAYLOADS:
        assert str(escape(payload)) in page, payload
    assert IMG not in page and SCRIPT not in page
    parser = _Elements()
    parser.feed(page)
    tags = [tag for tag, _ in parser.elements]
    assert "script" not in tags
    assert not [attrs for tag, attrs in parser.elements if tag == "img"]
    assert not any("passwd" in (value or "") for _, attrs in parser.elements for value in attrs.values())
    assert not any("127.0.0.1" in (attrs.get("style") or "") for _, attrs in parser.elements)
    assert "127.0.0.1" not in "".join(parser.style_text)
    assert tags.count("style") == (0 if for_pdf else 1)
    # The template syntax in the data was not evaluated: it is there as written, every time.
    assert page.count(str(escape(TEMPLATE))) >= 4


def test_payloads_are_literal_text_in_the_pdf(pdf_and_fetcher):
    pdf, _ = pdf_and_fetcher
    text = _squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for payload in PAYLOADS:
        assert _squash(payload) in text, payload


def test_no_fetch_of_a_payload_url_was_attempted(pdf_and_fetcher):
    _, fetcher = pdf_and_fetcher
    assert fetcher.refused == []
    assert len(fetcher.attempts) == 1 and fetcher.attempts[0].endswith("/reports/static/report.css")
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x"):
        assert not any(url in attempt for attempt in fetcher.attempts)


def test_the_environment_autoescapes_every_template_and_is_strict():
    env = environment()
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x=SCRIPT) == str(escape(SCRIPT))
    with pytest.raises(UndefinedError):
        env.from_string("{{ not_defined }}").render()
    with pytest.raises(UndefinedError):
        env.from_string("{{ x.missing }}").render(x=object())


def test_a_template_referencing_an_undefined_variable_raises(scan):
    context = build_report_context(scan)
    del context["evidence"]
    with pytest.raises(UndefinedError):
        render_context(context)
