"""Benchmark scoring from hand-made catalogs and findings: no cloud, no collectors, no checks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import model_validator

from auditor.benchmarks import Benchmark, Control, Section
from auditor.model import CollectionError, Finding, Mute, Severity, Status, finding_id
from auditor.scoring import (
    SEVERITY_WEIGHTS,
    BenchmarkScore,
    ControlResult,
    ControlStatus,
    ScoreFigures,
    control_status,
    score_benchmark,
)

ACCOUNT = "123456789012"
SECTIONS = (("1", "Logging"), ("2", "Monitoring"))


class _PendingControl(Control):
    """A control with ``pending`` for as long as ``Control`` itself has no such field."""

    pending: str = ""

    @model_validator(mode="after")
    def _decided_one_way(self) -> _PendingControl:
        return self


def control(
    control_id: str,
    *checks: str,
    section: str = "1",
    level: int = 1,
    manual: str = "",
    out_of_scope: str = "",
) -> Control:
    return Control(
        id=control_id,
        title=f"Control {control_id}",
        section=section,
        level=level,
        assessment="Manual" if manual else "Automated",
        provider="aws",
        checks=checks,
        manual=manual,
        out_of_scope=out_of_scope,
    )


def pending_control(control_id: str, why: str, *, section: str = "1", level: int = 1) -> Control:
    fields: dict[str, Any] = {
        "id": control_id,
        "title": f"Control {control_id}",
        "section": section,
        "level": level,
        "assessment": "Automated",
        "provider": "aws",
        "pending": why,
    }
    model = Control if "pending" in Control.model_fields else _PendingControl
    return model(**fields)


def benchmark(*controls: Control) -> Benchmark:
    return Benchmark(
        id="test-bench",
        title="Test benchmark",
        version="1.0",
        sections=tuple(Section(id=i, title=t) for i, t in SECTIONS),
        controls=controls,
    )


def finding(
    check_id: str,
    status: Status,
    *,
    region: str = "us-east-1",
    resource: str = "r-1",
    severity: Severity = Severity.HIGH,
    account: str = ACCOUNT,
    message: str = "",
    evidence: dict[str, Any] | None = None,
    original: Status | None = None,
    exception_id: str = "exc-1",
) -> Finding:
    """A finding; ``original`` makes it MUTED by ``exception_id`` with that original status."""
    mute = None
    if original is not None:
        mute = Mute(
            exception_id=exception_id,
            owner="secops",
            reason="accepted risk",
            expires=date(2027, 1, 31),
            original_status=original,
        )
        status = Status.MUTED
    return Finding(
        id=finding_id("aws", account, region, check_id, resource),
        check_id=check_id,
        provider="aws",
        service=check_id.split(".")[1],
        severity=severity,
        status=status,
        account=account,
        region=region,
        resource_id=resource,
        message=message or f"{check_id} {status.value} on {resource}",
        evidence=evidence or {},
        muted=mute,
    )


def denied(check_id: str, region: str, **kw: Any) -> Finding:
    """An ERROR finding as registry.not_evaluated builds it: the collection error in the evidence."""
    error = CollectionError(
        provider="aws",
        account=ACCOUNT,
        region=region,
        service="ec2",
        dataset="flow_logs",
        operation="DescribeFlowLogs",
        kind="denied",
        code="AccessDenied",
        message="not authorized",
    )
    return finding(
        check_id,
        Status.ERROR,
        region=region,
        message=f"Not evaluated: {error.describe()}",
        evidence={"collection_errors": [error.model_dump()]},
        **kw,
    )


def status_of(ctrl: Control, *findings: Finding) -> ControlResult:
    return score_benchmark(benchmark(ctrl), findings).controls[0]


# ---------------------------------------------------------------- control status rules


def test_any_fail_makes_the_control_fail():
    result = status_of(
        control("1.1", "aws.ec2.a", "aws.ec2.b"),
        finding("aws.ec2.a", Status.PASS, resource="vpc-1"),
        finding("aws.ec2.a", Status.NOT_APPLICABLE, resource="vpc-2"),
        finding("aws.ec2.b", Status.FAIL, resource="sg-1", region="eu-west-1"),
    )
    assert result.status is ControlStatus.FAIL
    assert result.failing_resources == [f"{ACCOUNT}/eu-west-1/sg-1"]
    assert result.reason == ""
    assert result.counts[Status.PASS] == 1
    assert result.counts[Status.FAIL] == 1
    assert result.counts[Status.NOT_APPLICABLE] == 1


def test_fail_and_error_is_fail():
    result = status_of(
        control("1.1", "aws.ec2.a"),
        finding("aws.ec2.a", Status.FAIL, region="us-east-1", resource="vpc-1"),
        denied("aws.ec2.a", "eu-west-1", resource=ACCOUNT),
    )
    assert result.status is ControlStatus.FAIL
    assert result.counts[Status.ERROR] == 1
    assert result.failing_resources == [f"{ACCOUNT}/us-east-1/vpc-1"]


def test_error_without_fail_is_error_and_names_the_first_collection_error():
    result = status_of(
        control("1.1", "aws.ec2.a"),
        finding("aws.ec2.a", Status.PASS, region="us-east-1"),
        denied("aws.ec2.a", "eu-west-1"),
        denied("aws.ec2.a", "ap-south-1"),
    )
    assert result.status is ControlStatus.ERROR
    # Findings are ordered by account, region, check, resource: ap-south-1 comes first.
    assert result.reason == (
        "Not evaluated: ec2:DescribeFlowLogs in ap-south-1 was denied (AccessDenied): not authorized"
        " (and 1 more not evaluated)"
    )
    assert result.failing_resources == []


def test_error_reason_falls_back_to_the_finding_message():
    result = status_of(
        control("1.1", "aws.ec2.a"),
        finding("aws.ec2.a", Status.ERROR, message="Not evaluated: the check raised KeyError: 'x'"),
    )
    assert result.status is ControlStatus.ERROR
    assert result.reason == "Not evaluated: the check raised KeyError: 'x'"


def test_pass_with_not_applicable_is_pass():
    result = status_of(
        control("1.1", "aws.ec2.a"),
        finding("aws.ec2.a", Status.PASS, resource="vpc-1"),
        finding("aws.ec2.a", Status.NOT_APPLICABLE, resource="vpc-2"),
    )
    assert result.status is ControlStatus.PASS
    assert result.reason == ""


def test_pass_beats_manual_and_manual_beats_not_applicable():
    ctrl = control("1.1", "aws.ec2.a")
    assert (
        status_of(ctrl, finding("aws.ec2.a", Status.PASS), finding("aws.ec2.a", Status.MANUAL, resource="x"))
    ).status is ControlStatus.PASS
    result = status_of(
        ctrl,
        finding("aws.ec2.a", Status.NOT_APPLICABLE),
        finding("aws.ec2.a", Status.MANUAL, resource="x", message="Check the retention by hand."),
    )
    assert result.status is ControlStatus.MANUAL
    assert result.reason == "Check the retention by hand."


def test_all_not_applicable_is_not_applicable():
    result = status_of(
        control("1.1", "aws.ec2.a"),
        finding("aws.ec2.a", Status.NOT_APPLICABLE, message="No VPCs in the collected scope."),
        finding("aws.ec2.a", Status.NOT_APPLICABLE, region="us-west-2"),
    )
    assert result.status is ControlStatus.NOT_APPLICABLE
    assert result.reason == "No VPCs in the collected scope."


def test_no_findings_is_not_assessed():
    result = status_of(control("1.1", "aws.ec2.a"), finding("aws.ec2.other", Status.FAIL))
    assert result.status is ControlStatus.NOT_ASSESSED
    assert result.reason == "its checks produced no findings"
    assert result.severity is None
    assert result.weight == 0
    assert result.in_scope
    assert set(result.counts.values()) == {0}


def test_findings_of_every_account_and_region_count():
    result = status_of(
        control("1.1", "aws.ec2.a"),
        finding("aws.ec2.a", Status.PASS, account="111111111111"),
        finding("aws.ec2.a", Status.FAIL, account="222222222222", region="eu-west-1", resource="vpc-9"),
    )
    assert result.status is ControlStatus.FAIL
    assert result.failing_resources == ["222222222222/eu-west-1/vpc-9"]


def test_failing_resources_are_sorted_and_unique_across_checks():
    result = status_of(
        control("1.1", "aws.ec2.a", "aws.ec2.b"),
        finding("aws.ec2.b", Status.FAIL, resource="sg-2"),
        finding("aws.ec2.a", Status.FAIL, resource="sg-2"),
        finding("aws.ec2.a", Status.FAIL, resource="sg-1"),
    )
    assert result.failing_resources == [f"{ACCOUNT}/us-east-1/sg-1", f"{ACCOUNT}/us-east-1/sg-2"]


def test_severity_is_the_highest_among_its_checks_findings():
    result = status_of(
        control("1.1", "aws.ec2.a", "aws.ec2.b"),
        finding("aws.ec2.a", Status.PASS, severity=Severity.LOW),
        finding("aws.ec2.b", Status.PASS, severity=Severity.CRITICAL),
        finding("aws.ec2.b", Status.FAIL, severity=Severity.MEDIUM, resource="x"),
    )
    assert result.severity is Severity.CRITICAL
    assert result.weight == SEVERITY_WEIGHTS[Severity.CRITICAL] == 10


def test_manual_control_is_always_manual_and_summarises_its_evidence():
    result = status_of(
        control("1.1", "aws.ec2.a", manual="A person reviews who can read the logs."),
        finding("aws.ec2.a", Status.FAIL, resource="bucket-1"),
        finding("aws.ec2.a", Status.PASS, resource="bucket-2"),
        finding("aws.ec2.a", Status.PASS, resource="bucket-3"),
        finding("aws.ec2.a", Status.PASS, resource="bucket-4", original=Status.FAIL),
    )
    assert result.status is ControlStatus.MANUAL
    assert result.reason == (
        "A person reviews who can read the logs. Evidence from its checks: 2 PASS, 1 FAIL, 1 MUTED."
    )
    assert result.failing_resources == [f"{ACCOUNT}/us-east-1/bucket-1"]
    assert result.in_scope


def test_manual_control_without_evidence_gives_its_reason():
    result = status_of(control("1.1", manual="Review the incident runbook."))
    assert result.status is ControlStatus.MANUAL
    assert result.reason == "Review the incident runbook."


def test_out_of_scope_is_not_assessed_and_not_in_scope():
    score = score_benchmark(
        benchmark(control("1.1", "aws.ec2.a"), control("1.2", out_of_scope="Organisation policy, not API.")),
        [finding("aws.ec2.a", Status.PASS)],
    )
    result = score.control("1.2")
    assert result.status is ControlStatus.NOT_ASSESSED
    assert result.reason == "Out of scope: Organisation policy, not API."
    assert not result.in_scope
    assert score.figures.in_scope == 1
    assert score.figures.not_assessed == 1
    assert score.figures.coverage == 1.0


def test_pending_is_not_assessed_in_scope_and_lowers_coverage():
    score = score_benchmark(
        benchmark(control("1.1", "aws.ec2.a"), pending_control("1.2", "Azure checks not written yet.")),
        [finding("aws.ec2.a", Status.PASS)],
    )
    result = score.control("1.2")
    assert result.status is ControlStatus.NOT_ASSESSED
    assert result.reason == "Pending: Azure checks not written yet."
    assert result.in_scope
    assert score.figures.in_scope == 2
    assert score.figures.evaluated == 1
    assert score.figures.coverage == 0.5
    assert score.figures.control_ratio == 1.0


# ---------------------------------------------------------------- muted findings


def test_muted_findings_do_not_decide_the_status():
    result = status_of(
        control("1.1", "aws.ec2.a"),
        finding("aws.ec2.a", Status.PASS, resource="vpc-1"),
        finding("aws.ec2.a", Status.PASS, resource="vpc-2", original=Status.FAIL),
    )
    assert result.status is ControlStatus.PASS
    assert result.failing_resources == []
    assert result.counts[Status.PASS] == 1
    assert result.counts[Status.MUTED] == 1
    assert result.counts[Status.FAIL] == 0


def test_finding_with_status_muted_counts_as_muted_even_without_a_mute_record():
    result = status_of(control("1.1", "aws.ec2.a"), finding("aws.ec2.a", Status.MUTED))
    assert result.status is ControlStatus.MUTED
    assert result.unmuted_status is None
    assert result.evaluated


def test_all_findings_muted_makes_the_control_muted_and_names_the_exceptions():
    result = status_of(
        control("1.1", "aws.ec2.a"),
        finding("aws.ec2.a", Status.PASS, resource="vpc-1", original=Status.FAIL, exception_id="exc-b"),
        finding("aws.ec2.a", Status.PASS, resource="vpc-2", original=Status.PASS, exception_id="exc-a"),
    )
    assert result.status is ControlStatus.MUTED
    assert result.unmuted_status is ControlStatus.FAIL
    assert result.evaluated
    assert result.failing_resources == []
    assert result.reason == (
        "every finding of its checks is muted by an exception: "
        "exc-a (owner secops, until 2027-01-31: accepted risk); "
        "exc-b (owner secops, until 2027-01-31: accepted risk)"
    )


def test_a_muted_error_is_not_evaluated():
    result = status_of(control("1.1", "aws.ec2.a"), finding("aws.ec2.a", Status.PASS, original=Status.ERROR))
    assert result.status is ControlStatus.MUTED
    assert result.unmuted_status is ControlStatus.ERROR
    assert not result.evaluated


def test_all_muted_benchmark_has_no_score_and_full_coverage():
    score = score_benchmark(
        benchmark(control("1.1", "aws.ec2.a"), control("1.2", "aws.ec2.b")),
        [
            finding("aws.ec2.a", Status.PASS, original=Status.FAIL),
            finding("aws.ec2.b", Status.PASS, original=Status.PASS),
        ],
    )
    figures = score.figures
    assert figures.muted == 2
    assert (figures.passed, figures.failed) == (0, 0)
    assert figures.control_ratio is None
    assert figures.weighted_score is None
    assert figures.evaluated == 2
    assert figures.coverage == 1.0


# ---------------------------------------------------------------- figures and edge cases


def test_zero_denominator_gives_none_not_zero_or_one():
    score = score_benchmark(benchmark(control("1.1", "aws.ec2.a")), [])
    assert score.figures.control_ratio is None
    assert score.figures.weighted_score is None
    assert score.figures.coverage == 0.0
    nothing_in_scope = score_benchmark(benchmark(control("1.1", out_of_scope="Not an API setting.")), [])
    assert nothing_in_scope.figures.in_scope == 0
    assert nothing_in_scope.figures.coverage is None


def test_no_controls_at_all():
    figures = score_benchmark(benchmark(), []).figures
    assert figures.total == 0
    assert (figures.control_ratio, figures.weighted_score, figures.coverage) == (None, None, None)


def test_info_only_controls_have_a_ratio_but_no_weighted_score():
    score = score_benchmark(
        benchmark(control("1.1", "aws.ec2.a")), [finding("aws.ec2.a", Status.PASS, severity=Severity.INFO)]
    )
    assert score.figures.control_ratio == 1.0
    assert score.figures.weighted_score is None


def test_all_manual_benchmark():
    score = score_benchmark(
        benchmark(control("1.1", manual="Review A."), control("1.2", "aws.ec2.a", manual="Review B.")),
        [finding("aws.ec2.a", Status.FAIL)],
    )
    figures = score.figures
    assert figures.manual == 2
    assert (figures.passed, figures.failed) == (0, 0)
    assert figures.control_ratio is None
    assert figures.weighted_score is None
    assert figures.in_scope == 2
    assert figures.evaluated == 0
    assert figures.coverage == 0.0


def test_all_errors_benchmark():
    score = score_benchmark(
        benchmark(control("1.1", "aws.ec2.a"), control("1.2", "aws.ec2.b")),
        [denied("aws.ec2.a", "us-east-1"), denied("aws.ec2.b", "us-east-1")],
    )
    figures = score.figures
    assert figures.errors == 2
    assert figures.control_ratio is None
    assert figures.weighted_score is None
    assert figures.coverage == 0.0


def one_region_denied_case() -> tuple[list[Control], list[Finding], list[Finding]]:
    """Controls 1.1 (PASS), 1.2 (FAIL), 1.3 (PASS in us-east-1; eu-west-1 readable or denied)."""
    controls = [
        control("1.1", "aws.cloudtrail.a"),
        control("1.2", "aws.ec2.b", section="2"),
        control("1.3", "aws.ec2.flow", level=2),
    ]
    common = [
        finding("aws.cloudtrail.a", Status.PASS, region="global", severity=Severity.HIGH),
        finding("aws.ec2.b", Status.FAIL, resource="sg-1", severity=Severity.MEDIUM),
        finding("aws.ec2.b", Status.PASS, resource="sg-2", severity=Severity.MEDIUM),
        finding("aws.ec2.flow", Status.PASS, resource="vpc-1", severity=Severity.CRITICAL),
    ]
    readable = [finding("aws.ec2.flow", Status.PASS, region="eu-west-1", resource="vpc-2")]
    refused = [denied("aws.ec2.flow", "eu-west-1", resource=ACCOUNT, severity=Severity.CRITICAL)]
    return controls, common + readable, common + refused


def test_one_region_denied_makes_the_control_error_lowers_coverage_and_leaves_the_scores_alone():
    controls, seen, denied_scan = one_region_denied_case()
    full = score_benchmark(benchmark(*controls), seen)
    partial = score_benchmark(benchmark(*controls), denied_scan)
    without_the_control = score_benchmark(benchmark(*controls[:2]), denied_scan)

    assert full.control("1.3").status is ControlStatus.PASS
    assert partial.control("1.3").status is ControlStatus.ERROR
    assert "eu-west-1 was denied (AccessDenied)" in partial.control("1.3").reason

    # The other controls are scored exactly the same.
    assert partial.controls[:2] == full.controls[:2] == without_the_control.controls

    # The denied region neither passes nor fails the control: the scores are those of the other
    # controls, as if the control were not in the benchmark; only the coverage shows the gap.
    assert partial.figures.control_ratio == without_the_control.figures.control_ratio == 0.5
    assert partial.figures.weighted_score == without_the_control.figures.weighted_score == 5 / 8
    assert partial.figures.coverage == pytest.approx(2 / 3)
    assert partial.figures.coverage < full.figures.coverage == 1.0
    assert without_the_control.figures.coverage == 1.0
    assert partial.figures.errors == 1


def test_one_region_denied_never_counts_as_a_failure():
    controls, _, denied_scan = one_region_denied_case()
    partial = score_benchmark(benchmark(*controls), denied_scan)
    assert partial.figures.failed == 1  # only 1.2
    assert partial.levels["2"].errors == 1
    assert partial.levels["1"].errors == 0


def test_weighted_score_differs_from_the_ratio_when_severities_differ():
    score = score_benchmark(
        benchmark(*(control(f"1.{i}", f"aws.ec2.c{i}") for i in range(1, 5))),
        [
            finding("aws.ec2.c1", Status.PASS, severity=Severity.CRITICAL),
            finding("aws.ec2.c2", Status.FAIL, severity=Severity.LOW),
            finding("aws.ec2.c3", Status.FAIL, severity=Severity.LOW),
            finding("aws.ec2.c4", Status.FAIL, severity=Severity.LOW),
        ],
    )
    assert score.figures.control_ratio == 0.25
    assert score.figures.weighted_score == 10 / 13
    assert score.figures.weighted_score != score.figures.control_ratio


def test_severity_weights():
    assert dict(SEVERITY_WEIGHTS) == {
        Severity.CRITICAL: 10,
        Severity.HIGH: 5,
        Severity.MEDIUM: 3,
        Severity.LOW: 1,
        Severity.INFO: 0,
    }


def section_and_level_case() -> BenchmarkScore:
    controls = [
        control("1.1", "aws.a.pass1", section="1", level=1),
        control("1.2", "aws.a.fail2", section="1", level=2),
        control("2.1", "aws.a.fail1", section="2", level=1),
        control("2.2", "aws.a.pass2", section="2", level=2),
        control("2.3", "aws.a.err1", section="2", level=1),
    ]
    findings = [
        finding("aws.a.pass1", Status.PASS, severity=Severity.HIGH),
        finding("aws.a.fail2", Status.FAIL, severity=Severity.LOW),
        finding("aws.a.fail1", Status.FAIL, severity=Severity.MEDIUM),
        finding("aws.a.pass2", Status.PASS, severity=Severity.CRITICAL),
        denied("aws.a.err1", "us-east-1"),
    ]
    return score_benchmark(benchmark(*controls), findings)


def test_section_figures():
    score = section_and_level_case()
    assert [s.section_id for s in score.sections] == ["1", "2"]
    assert [s.title for s in score.sections] == ["Logging", "Monitoring"]
    one, two = (s.figures for s in score.sections)
    assert (one.total, one.passed, one.failed, one.errors) == (2, 1, 1, 0)
    assert one.control_ratio == 0.5
    assert one.weighted_score == 5 / 6
    assert one.coverage == 1.0
    assert (two.total, two.passed, two.failed, two.errors) == (3, 1, 1, 1)
    assert two.weighted_score == 10 / 13
    assert two.coverage == pytest.approx(2 / 3)
    assert sum(s.figures.total for s in score.sections) == score.figures.total


def test_level_profiles_are_cumulative():
    score = section_and_level_case()
    assert set(score.levels) == {"1", "2"}
    level1, level2 = score.levels["1"], score.levels["2"]
    assert (level1.total, level1.passed, level1.failed, level1.errors) == (3, 1, 1, 1)
    assert level1.weighted_score == 5 / 8
    assert level2 == score.figures
    assert level2.total == 5
    assert level2.passed >= level1.passed and level2.failed >= level1.failed


def test_levels_without_level_two_controls_are_equal():
    score = score_benchmark(benchmark(control("1.1", "aws.a.x")), [finding("aws.a.x", Status.PASS)])
    assert score.levels["1"] == score.levels["2"] == score.figures


def test_a_section_without_controls_has_zero_figures():
    score = score_benchmark(benchmark(control("1.1", "aws.a.x")), [finding("aws.a.x", Status.PASS)])
    empty = score.sections[1].figures
    assert empty.total == 0
    assert (empty.control_ratio, empty.weighted_score, empty.coverage) == (None, None, None)


def test_controls_keep_the_benchmark_order_and_findings_order_does_not_matter():
    controls = [control("3.10", "aws.a.x"), control("1.2", "aws.a.y"), control("3.9", "aws.a.z")]
    findings = [
        finding("aws.a.x", Status.FAIL, resource="b"),
        finding("aws.a.x", Status.ERROR, resource="a", region="eu-west-1"),
        finding("aws.a.y", Status.ERROR, resource="c", region="eu-west-1", message="second"),
        finding("aws.a.y", Status.ERROR, resource="c", region="ap-east-1", message="first"),
        finding("aws.a.z", Status.PASS),
    ]
    forward = score_benchmark(benchmark(*controls), findings)
    backward = score_benchmark(benchmark(*controls), list(reversed(findings)))
    assert [c.control_id for c in forward.controls] == ["3.10", "1.2", "3.9"]
    assert forward == backward
    assert forward.model_dump_json() == backward.model_dump_json()
    assert forward.control("1.2").reason == "first (and 1 more not evaluated)"


def test_the_score_round_trips_through_json():
    score = section_and_level_case()
    assert BenchmarkScore.model_validate_json(score.model_dump_json()) == score


def test_control_status_can_be_used_alone():
    result = control_status(control("1.1", "aws.a.x"), [finding("aws.a.x", Status.FAIL)])
    assert result.status is ControlStatus.FAIL
    assert ScoreFigures.of([result]).failed == 1


# ---------------------------------------------------------------- properties

CHECKS = ("aws.a.one", "aws.a.two", "aws.a.three")


@st.composite
def controls_strategy(draw: st.DrawFn) -> list[Control]:
    count = draw(st.integers(min_value=0, max_value=8))
    out: list[Control] = []
    for i in range(count):
        kind = draw(st.sampled_from(["checks", "checks", "manual", "out_of_scope", "pending"]))
        section = draw(st.sampled_from([s for s, _ in SECTIONS]))
        level = draw(st.sampled_from([1, 2]))
        cid = f"{section}.{i}"
        if kind == "pending":
            out.append(pending_control(cid, "not written yet", section=section, level=level))
            continue
        checks = tuple(draw(st.lists(st.sampled_from(CHECKS), min_size=1, max_size=3, unique=True)))
        if kind == "checks":
            out.append(control(cid, *checks, section=section, level=level))
        elif kind == "manual":
            evidence = checks if draw(st.booleans()) else ()
            out.append(control(cid, *evidence, section=section, level=level, manual="a person judges"))
        else:
            out.append(control(cid, section=section, level=level, out_of_scope="not an API setting"))
    return out


findings_strategy = st.lists(
    st.builds(
        lambda check, status, region, resource, severity, original: finding(
            check,
            status,
            region=region,
            resource=resource,
            severity=severity,
            original=original,
        ),
        st.sampled_from((*CHECKS, "aws.a.unmapped")),
        st.sampled_from([s for s in Status if s is not Status.MUTED]),
        st.sampled_from(["us-east-1", "eu-west-1", "global"]),
        st.sampled_from(["r-1", "r-2", "r-3"]),
        st.sampled_from(list(Severity)),
        st.one_of(st.none(), st.sampled_from([s for s in Status if s is not Status.MUTED])),
    ),
    max_size=15,
)


def check_figures(figures: ScoreFigures) -> None:
    for value in (figures.control_ratio, figures.weighted_score, figures.coverage):
        assert value is None or 0.0 <= value <= 1.0
    assert (
        figures.passed
        + figures.failed
        + figures.errors
        + figures.not_applicable
        + figures.manual
        + figures.muted
        + figures.not_assessed
        == figures.total
    )
    assert figures.evaluated <= figures.in_scope <= figures.total
    assert (figures.control_ratio is None) == (figures.passed + figures.failed == 0)
    assert (figures.coverage is None) == (figures.in_scope == 0)


@settings(max_examples=200, deadline=None)
@given(controls=controls_strategy(), findings=findings_strategy, data=st.data())
def test_figures_are_bounded_and_add_up(
    controls: list[Control], findings: list[Finding], data: st.DataObject
):
    bench = benchmark(*controls)
    score = score_benchmark(bench, findings)

    check_figures(score.figures)
    assert score.figures.total == len(controls)
    assert score.figures.in_scope == sum(1 for c in controls if not c.out_of_scope)
    for section in score.sections:
        check_figures(section.figures)
    assert sum(s.figures.total for s in score.sections) == len(controls)
    for figures in score.levels.values():
        check_figures(figures)
    assert score.levels["2"] == score.figures
    assert score.levels["1"].total == sum(1 for c in controls if c.level == 1)
    assert [c.control_id for c in score.controls] == [c.id for c in controls]

    shuffled = data.draw(st.permutations(findings))
    assert score_benchmark(bench, shuffled) == score


# ---------------------------------------------------------------- the worked example of docs/scoring.md


def worked_example(eu_west_1_readable: bool) -> BenchmarkScore:
    controls = [
        control("4.1", "aws.a.c1"),
        control("4.2", "aws.a.c2"),
        control("4.3", "aws.a.c3"),
        control("4.4", "aws.a.c4"),
        control("4.5", "aws.a.c5", level=2),
        control("4.6", "aws.a.c6", level=2),
        control("4.7", manual="A person reviews the log retention policy."),
        control("4.8", "aws.a.c8"),
        control("4.9", out_of_scope="An organisational process."),
        pending_control("4.10", "Azure checks not written yet."),
    ]
    findings = [
        finding("aws.a.c1", Status.PASS, severity=Severity.CRITICAL),
        finding("aws.a.c2", Status.FAIL, severity=Severity.HIGH, resource="vpc-3"),
        finding("aws.a.c3", Status.PASS, severity=Severity.HIGH),
        finding("aws.a.c4", Status.PASS, severity=Severity.MEDIUM),
        finding("aws.a.c5", Status.FAIL, severity=Severity.LOW),
        finding("aws.a.c6", Status.NOT_APPLICABLE, severity=Severity.MEDIUM),
        finding("aws.a.c8", Status.PASS, severity=Severity.HIGH, original=Status.FAIL),
    ]
    if eu_west_1_readable:
        findings.append(finding("aws.a.c3", Status.PASS, severity=Severity.HIGH, region="eu-west-1"))
    else:
        findings.append(denied("aws.a.c3", "eu-west-1", severity=Severity.HIGH))
    return score_benchmark(benchmark(*controls), findings)


def test_the_worked_example_of_the_docs():
    score = worked_example(eu_west_1_readable=False)
    assert [c.status.value for c in score.controls] == [
        "PASS",
        "FAIL",
        "ERROR",
        "PASS",
        "FAIL",
        "NOT_APPLICABLE",
        "MANUAL",
        "MUTED",
        "NOT_ASSESSED",
        "NOT_ASSESSED",
    ]
    figures = score.figures
    assert (figures.passed, figures.failed, figures.errors, figures.not_applicable) == (2, 2, 1, 1)
    assert (figures.manual, figures.muted, figures.not_assessed, figures.total) == (1, 1, 2, 10)
    assert (figures.in_scope, figures.evaluated) == (9, 6)
    assert figures.control_ratio == 0.5
    assert figures.weighted_score == 13 / 19
    assert figures.coverage == 6 / 9
    level1 = score.levels["1"]
    assert (level1.passed, level1.failed, level1.in_scope, level1.evaluated) == (2, 1, 7, 4)
    assert (level1.control_ratio, level1.weighted_score, level1.coverage) == (2 / 3, 13 / 18, 4 / 7)

    readable = worked_example(eu_west_1_readable=True).figures
    assert (readable.control_ratio, readable.weighted_score, readable.coverage) == (3 / 5, 18 / 24, 7 / 9)


def test_each_account_is_scored_on_its_own_providers_controls_from_its_own_findings():
    from auditor.benchmarks import load_benchmark
    from auditor.scoring import score_accounts

    catalog = load_benchmark("module4-baseline")
    aws_checks = sorted(
        {c for control in catalog.controls if control.provider == "aws" for c in control.checks}
    )
    good = [finding(check, Status.PASS, account="111111111111") for check in aws_checks]
    bad = [finding(check, Status.FAIL, account="222222222222") for check in aws_checks]
    scores = score_accounts(
        [catalog],
        good + bad,
        [
            ("aws", "111111111111", "prod", ""),
            ("aws", "222222222222", "dev", ""),
            ("aws", "3" * 12, "x", "why"),
        ],
    )
    by_account = {s.account: s for s in scores}
    assert by_account["111111111111"].figures.control_ratio == 1.0
    assert by_account["222222222222"].figures.control_ratio == 0.0
    # only the AWS controls count for an AWS account: nothing of Azure or GCP lowers its coverage
    aws_controls = [c for c in catalog.controls if c.provider == "aws"]
    assert by_account["111111111111"].figures.total == len(aws_controls)
    unreachable = by_account["3" * 12]
    assert unreachable.not_entered == "why" and unreachable.figures.passed == 0
    assert unreachable.figures.control_ratio is None
