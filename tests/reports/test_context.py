"""build_report_context: groups, sorts and summarises the ScanResult without re-deriving any verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from markupsafe import Markup

from auditor.benchmarks import load_benchmark
from auditor.engine import build_scan_result
from auditor.exceptions import ExceptionRule, ExceptionsFile
from auditor.history import BenchmarkScoreRow, ScanSummary
from auditor.model import Severity, Status
from auditor.scan_result import ScanResult
from auditor.scoring import ControlStatus
from reports.context import BODY_RESOURCE_LIMIT, MATRIX_EXAMPLES, build_report_context
from tests.conftest import collection_error, make_inventory
from tests.reports import SYNTHETIC_CHECKS, synthetic_scan

STARTED = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def engine_scan(*, deny_west: bool = False, flow_log_on_vpc2: bool = False, exceptions=None) -> ScanResult:
    """A real engine run over a hand-made inventory: two VPCs in us-east-1 (no flow logs), and
    eu-west-1 either readable or with its flow logs denied."""
    west = {"vpcs": [{"id": "vpc-w1"}], "subnets": [], "flow_logs": []}
    errors = []
    if deny_west:
        west["flow_logs"] = None
        errors.append(collection_error("eu-west-1", "flow_logs", operation="DescribeFlowLogs"))
    east_logs = []
    if flow_log_on_vpc2:
        east_logs.append(
            {
                "id": "fl-2",
                "resource_id": "vpc-2",
                "traffic_type": "ALL",
                "status": "ACTIVE",
                "destination": "x",
            }
        )
    inventory = make_inventory(
        {
            "us-east-1": {"vpcs": [{"id": "vpc-1"}, {"id": "vpc-2"}], "subnets": [], "flow_logs": east_logs},
            "eu-west-1": west,
        },
        errors=errors,
    )
    return build_scan_result(
        [inventory],
        started_at=STARTED,
        finished_at=STARTED + timedelta(minutes=1),
        source="snapshot",
        benchmarks=[load_benchmark("cis-aws-7.0"), load_benchmark("module4-baseline")],
        exceptions=exceptions,
        today=date(2026, 11, 1),
    )


def test_checks_are_grouped_worst_first_and_long_lists_are_summarised():
    result = synthetic_scan(500)
    context = build_report_context(result)
    groups = context["checks"]
    assert {g.check_id for g in groups} == set(SYNTHETIC_CHECKS)
    ranks = [(Severity(g.severity).rank, -len(g.failing)) for g in groups]
    assert ranks == sorted(ranks), "most severe first, then most failing resources"
    biggest = next(g for g in groups if g.check_id == SYNTHETIC_CHECKS[0])
    assert len(biggest.failing) == 500 - 4 * 100
    assert (
        len(biggest.shown) == BODY_RESOURCE_LIMIT
        and biggest.more == len(biggest.failing) - BODY_RESOURCE_LIMIT
    )
    assert biggest.shown == biggest.failing[:BODY_RESOURCE_LIMIT]
    assert context["summary"]["failing_findings"] == 500


def test_remediation_command_is_filled_for_the_first_failing_resource():
    context = build_report_context(engine_scan())
    flow = next(g for g in context["checks"] if g.check_id == "aws.vpc.flow_logs_enabled")
    first = flow.failing[0]
    assert flow.command.startswith("aws ec2 create-flow-logs")
    assert (
        f"--region {first.region}" in flow.command and f"--resource-ids {first.resource_id}" in flow.command
    )
    assert "{region}" in flow.generic_command and "{resource_id}" in flow.generic_command
    assert flow.title and flow.risk and flow.rationale
    assert "cis-aws-7.0 4.7" in flow.controls


def test_control_rows_repeat_the_scored_status_never_recompute_it():
    result = engine_scan(deny_west=True)
    # Tamper with a scored status: the report must show what the ScanResult says, not re-derive it.
    score = result.benchmarks[0]
    tampered = [
        c.model_copy(update={"status": ControlStatus.PASS}) if c.control_id == "4.7" else c
        for c in score.controls
    ]
    result = result.model_copy(update={"benchmarks": [score.model_copy(update={"controls": tampered})]})
    view = build_report_context(result)["benchmarks"][0]
    rows = {row.control_id: row for block in view.sections for row in block.controls}
    assert rows["4.7"].status.value == "PASS"
    assert view.figures == score.figures


def test_control_rows_name_failing_resources():
    view = build_report_context(engine_scan())["benchmarks"][0]
    row = next(r for block in view.sections for r in block.controls if r.control_id == "4.7")
    assert row.status.label == "FAIL" and row.status.css == "st-fail"
    assert row.failing_count == 3
    assert row.examples[0] == ("111122223333/eu-west-1", "vpc-w1")
    assert len(row.examples) == MATRIX_EXAMPLES and row.more_failing == 1


def test_a_section_out_of_scope_states_its_reason_once():
    view = build_report_context(engine_scan())["benchmarks"][0]
    iam = next(block for block in view.sections if block.section_id == "2")
    assert iam.note.startswith("Out of scope")
    assert all(row.reason == "" for row in iam.controls)


def test_not_evaluated_lists_collection_errors_and_error_controls():
    context = build_report_context(engine_scan(deny_west=True))
    gaps = context["not_evaluated"]
    [error] = gaps.collection_errors
    assert (error["service"], error["operation"], error["region"], error["kind"]) == (
        "ec2",
        "DescribeFlowLogs",
        "eu-west-1",
        "access denied",
    )
    assert any(check.check_id == "aws.vpc.flow_logs_enabled" for check in gaps.error_checks)
    assert any(group.reason.startswith("Out of scope") for group in gaps.out_of_scope)
    assert context["summary"]["collection_errors"] == 1


def test_exceptions_show_owner_reason_expiry_and_expired_ones():
    rules = ExceptionsFile(
        exceptions=(
            ExceptionRule(
                id="east-vpcs",
                check="aws.vpc.flow_logs_enabled",
                region="us-east-1",
                owner="net@acme.example",
                reason="Being rebuilt",
                expires=date(2027, 1, 31),
            ),
            ExceptionRule(
                id="old",
                check="aws.vpc.flow_logs_enabled",
                region="eu-west-1",
                owner="old@acme.example",
                reason="Was temporary",
                expires=date(2026, 10, 1),
            ),
        ),
        source="exceptions.yaml",
    )
    view = build_report_context(engine_scan(exceptions=rules))["exceptions"]
    assert [(e.exception_id, e.owner, e.expires, e.count) for e in view.applied] == [
        ("east-vpcs", "net@acme.example", "2027-01-31", 2)
    ]
    [expired] = view.expired
    assert (expired.exception_id, expired.days_expired, expired.count) == ("old", 31, 1)
    assert {(m.resource_id, m.original_status.value, m.exception_id) for m in view.muted} == {
        ("vpc-1", "FAIL", "east-vpcs"),
        ("vpc-2", "FAIL", "east-vpcs"),
    }


def test_no_exceptions_gives_none():
    assert build_report_context(engine_scan())["exceptions"] is None


def test_diff_against_the_previous_scan():
    old = engine_scan()
    new = engine_scan(flow_log_on_vpc2=True).model_copy(update={"started_at": STARTED + timedelta(days=1)})
    diff = build_report_context(new, previous=old)["diff"]
    lists = {change_list.key: change_list for change_list in diff.lists}
    assert [(r.resource_id, r.old_status, r.new_status) for r in lists["fixed"].rows] == [
        ("vpc-2", "FAIL", "PASS")
    ]
    assert lists["new"].total == 0 and lists["regressions"].total == 0
    assert diff.worsened is False
    assert build_report_context(new)["diff"] is None


def test_regressions_are_listed():
    old = engine_scan(flow_log_on_vpc2=True)
    new = engine_scan()
    diff = build_report_context(new, previous=old)["diff"]
    lists = {change_list.key: change_list for change_list in diff.lists}
    assert [(r.resource_id, r.old_status, r.new_status) for r in lists["regressions"].rows] == [
        ("vpc-2", "PASS", "FAIL")
    ]
    assert diff.worsened is True


def _summary(day: int, ratio: float | None) -> ScanSummary:
    moment = STARTED + timedelta(days=day)
    return ScanSummary(
        id=day,
        saved_at=moment,
        started_at=moment,
        finished_at=moment,
        source="live",
        tool_version="0.1.0",
        accounts=["aws:111122223333"],
        counts={status.value: 1 for status in Status},
        scores=[
            BenchmarkScoreRow(
                benchmark_id="cis-aws-7.0", control_ratio=ratio, weighted_score=ratio, coverage=1
            )
        ],
    )


def test_trend_needs_two_scans_and_is_oldest_first():
    result = engine_scan()
    assert build_report_context(result, trend=[_summary(0, 0.5)])["trend"] == []
    [view] = build_report_context(result, trend=[_summary(2, 0.75), _summary(0, 0.5), _summary(1, None)])[
        "trend"
    ]
    assert view.benchmark_id == "cis-aws-7.0" and view.title.startswith("CIS Amazon Web Services")
    assert [row["ratio"] for row in view.rows] == [0.5, None, 0.75]
    assert isinstance(view.chart, Markup) and "<svg" in view.chart


def test_charts_are_markup_and_cover_names_the_scope():
    context = build_report_context(engine_scan())
    view = context["benchmarks"][0]
    assert isinstance(view.donut, Markup) and isinstance(view.bars, Markup)
    cover = context["cover"]
    assert cover["accounts"] == ["aws 111122223333 (2 regions)"]
    assert cover["regions"] == ["eu-west-1", "us-east-1"]
    assert cover["started_at"] == "2026-11-01 08:00 UTC"
    assert cover["inventory_hash"].startswith("sha256:")
    assert [entry.title for entry in context["toc"] if entry.level == 1][-2:] == [
        "Appendix A: Evidence",
        "Appendix B: Failing resources by check",
    ]


@pytest.mark.parametrize("previous", [None, "same"])
def test_the_context_is_pure(previous):
    result = engine_scan(deny_west=True)
    before = result.model_dump_json()
    first = build_report_context(result, previous=result if previous else None)
    second = build_report_context(result, previous=result if previous else None)
    assert result.model_dump_json() == before
    assert first["checks"] == second["checks"] and first["cover"] == second["cover"]
