"""Scenario questions from a scan's FAIL findings, and focus weights for the bundled bank."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter

from auditor.benchmarks import load_benchmark
from auditor.model import Finding, Severity, Status, finding_id
from auditor.registry import load_checks
from auditor.scan_result import ScanResult, ScanScope
from auditor.scoring import score_benchmark
from quiz.bank import Question, bundled_bank, load_bank
from quiz.engine import draw_quiz, grade
from quiz.scenarios import clean_text, focus_from_scan, scenario_questions

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
HOSTILE_NAME = "<script>alert(1)</script>\x1b[31m\nprod\u202e"


def finding(check_id: str, resource_id: str, message: str, *, status: Status = Status.FAIL, name: str = ""):
    meta = load_checks().get(check_id).meta
    return Finding(
        id=finding_id("aws", "123456789012", "eu-west-1", check_id, resource_id),
        check_id=check_id,
        provider="aws",
        service=meta.service,
        severity=meta.severity,
        status=status,
        account="123456789012",
        region="eu-west-1",
        resource_id=resource_id,
        resource_name=name,
        message=message,
    )


def scan(*findings: Finding, benchmarks=()) -> ScanResult:
    return ScanResult(
        tool_version="test",
        started_at=T0,
        finished_at=T0,
        source="snapshot",
        scopes=[ScanScope(provider="aws", account="123456789012", regions=["eu-west-1"])],
        inventory_hash="x",
        api_calls=0,
        findings=list(findings),
        benchmarks=list(benchmarks),
    )


FINDINGS = (
    finding(
        "aws.vpc.flow_logs_enabled",
        "vpc-0abc123",
        "VPC vpc-0abc123 has no VPC-level flow log",
        name=HOSTILE_NAME,
    ),
    finding("aws.vpc.flow_logs_enabled", "vpc-0def456", "VPC vpc-0def456 has no VPC-level flow log"),
    finding(
        "aws.guardduty.enabled_all_regions", "eu-west-1", "GuardDuty has no enabled detector in eu-west-1"
    ),
    finding("aws.securityhub.enabled", "eu-west-1", "Security Hub is not enabled in eu-west-1"),
    finding(
        "aws.elbv2.access_logging_enabled", "arn:aws:elb:lb/app/web", "access logs off", status=Status.PASS
    ),
)


@pytest.fixture(scope="module")
def bank():
    return load_bank(bundled_bank("module4"))


@pytest.fixture(scope="module")
def questions():
    return scenario_questions(scan(*FINDINGS))


def test_one_valid_question_per_failing_check(questions):
    assert len(questions) == 3
    assert {q.relates_to.checks[0] for q in questions} == {
        "aws.vpc.flow_logs_enabled",
        "aws.guardduty.enabled_all_regions",
        "aws.securityhub.enabled",
    }
    adapter = TypeAdapter(Question)
    for n, q in enumerate(questions, start=1):
        assert q.type == "scenario" and len(q.answers) == 1
        assert q.id == f"scan-{q.relates_to.checks[0].replace('.', '-').replace('_', '-')}-{n}"
        assert adapter.validate_python(q.model_dump()) == q
        assert 3 <= len(q.options) <= 6


def test_sections_follow_the_service(questions):
    sections = {q.relates_to.checks[0]: q.section for q in questions}
    assert sections == {
        "aws.vpc.flow_logs_enabled": "flow-logs",
        "aws.guardduty.enabled_all_regions": "guardduty",
        "aws.securityhub.enabled": "siem",
    }


def test_right_option_is_the_fix_or_the_control(questions):
    checks = load_checks()
    for n, q in enumerate(questions, start=1):
        meta = checks.get(q.relates_to.checks[0]).meta
        right = q.options[q.answers[0]]
        if n % 2:
            assert right == clean_text(meta.remediation.text, 400)
            assert "fix" in q.prompt
        else:
            assert right == clean_text(meta.title)
        assert grade(q, q.answers[0]).correct
        assert not grade(q, (q.answers[0] + 1) % len(q.options)).correct


def test_situation_names_the_resource_as_clean_text(questions):
    vpc = next(q for q in questions if q.relates_to.checks[0] == "aws.vpc.flow_logs_enabled")
    assert "vpc-0abc123" in vpc.situation and "eu-west-1" in vpc.situation
    assert "has no VPC-level flow log" in vpc.situation
    assert "<script>alert(1)</script>" in vpc.situation  # kept as text: renderers escape
    assert not any(ord(c) < 32 or c in "\x7f\u202e" for c in vpc.situation)


def test_limit_and_seed(questions):
    result = scan(*FINDINGS)
    assert len(scenario_questions(result, limit=1)) == 1
    assert scenario_questions(result, seed=0) == questions
    assert scenario_questions(scan()) == []


def test_scenarios_can_be_drawn(bank, questions):
    quiz = draw_quiz(bank, questions=5, seed=4, extra=questions)
    assert {q.id for q in questions} <= {item.question.id for item in quiz.items}


def test_focus_from_failing_checks(bank):
    focus = focus_from_scan(scan(*FINDINGS), bank)
    assert set(focus) == {q.id for q in bank.questions}
    failing = {"aws.vpc.flow_logs_enabled", "aws.guardduty.enabled_all_regions", "aws.securityhub.enabled"}
    for q in bank.questions:
        expected = 3.0 if failing.intersection(q.relates_to.checks) else 1.0
        assert focus[q.id] == expected, q.id
    assert sum(1 for w in focus.values() if w == 3.0) >= 3
    assert focus["log-types-gcp-waf"] == 1.0  # its check passed


def test_focus_from_failing_controls(bank):
    # a FAIL control with no failing check behind it in the findings: only the benchmark says so
    trail = finding("aws.cloudtrail.multi_region_trail_logging", "123456789012", "no multi-region trail")
    score = score_benchmark(load_benchmark("cis-aws-7.0"), [trail])
    assert score.control("4.1").status == "FAIL"
    focus = focus_from_scan(scan(benchmarks=[score]), bank)
    for q in bank.questions:
        assert focus[q.id] == (3.0 if "cis-aws-7.0:4.1" in q.relates_to.controls else 1.0), q.id
    assert focus["log-types-api-activity-aws"] == 3.0


def test_severity_orders_the_questions():
    low_first = scan(*reversed(FINDINGS))
    ranks = [
        load_checks().get(q.relates_to.checks[0]).meta.severity.rank for q in scenario_questions(low_first)
    ]
    assert ranks == sorted(ranks)
    assert Severity.HIGH.rank < Severity.LOW.rank
