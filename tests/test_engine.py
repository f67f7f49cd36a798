from datetime import UTC, datetime

from auditor.engine import build_scan_result, evaluate, exit_code, inventory_hash
from auditor.model import Remediation, Severity, Status
from auditor.registry import CheckRegistry, aws_check, failed, load_checks, passed
from tests.conftest import make_inventory

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _registry_with(function, check_id="aws.test.sample"):
    """A private registry holding one check (the global one is left alone)."""
    import auditor.registry as registry_module

    saved = registry_module.REGISTRY
    registry_module.REGISTRY = CheckRegistry()
    try:
        aws_check(
            id=check_id,
            title="t",
            severity=Severity.LOW,
            rationale="r",
            remediation=Remediation(cli="aws x"),
            module_section="m",
        )(function)
        return registry_module.REGISTRY
    finally:
        registry_module.REGISTRY = saved


def test_a_check_that_raises_gives_error_not_pass():
    def broken(inv):
        yield passed("r1", "us-east-1", "fine")
        raise KeyError("boom")

    findings = evaluate([make_inventory({"us-east-1": {}})], _registry_with(broken))
    assert [f.status for f in findings] == [Status.ERROR]
    assert "KeyError" in findings[0].message


def test_a_check_with_nothing_to_assess_is_not_applicable():
    findings = evaluate([make_inventory({})], _registry_with(lambda inv: iter(())))
    assert [f.status for f in findings] == [Status.NOT_APPLICABLE]


def test_findings_are_stamped_and_sorted_and_ids_are_stable():
    def sample(inv):
        yield failed("r2", "us-west-2", "bad")
        yield passed("r1", "us-east-1", "good")

    registry = _registry_with(sample)
    first = evaluate([make_inventory({})], registry)
    second = evaluate([make_inventory({})], registry)
    assert [f.resource_id for f in first] == ["r1", "r2"]
    assert first == second
    assert first[0].check_id == "aws.test.sample" and first[0].service == "test"
    assert first[0].account == "111122223333" and first[0].severity is Severity.LOW
    assert first[0].id != first[1].id


def test_exit_codes():
    def sample(status):
        def check(inv):
            yield {"PASS": passed, "FAIL": failed}.get(status, passed)("r", "us-east-1", "m")

        return check

    for status, code in (("PASS", 0), ("FAIL", 3)):
        result = build_scan_result(
            [make_inventory({})],
            started_at=T0,
            finished_at=T0,
            source="snapshot",
            registry=_registry_with(sample(status)),
        )
        assert exit_code(result) == code

    def erroring(inv):
        raise RuntimeError("x")

    result = build_scan_result(
        [make_inventory({})],
        started_at=T0,
        finished_at=T0,
        source="snapshot",
        registry=_registry_with(erroring),
    )
    assert exit_code(result) == 1


def test_inventory_hash_changes_with_content():
    a = make_inventory({"us-east-1": {"vpcs": []}})
    b = make_inventory({"us-east-1": {"vpcs": [{"id": "vpc-1"}]}})
    assert inventory_hash([a]) == inventory_hash([a.model_copy(deep=True)])
    assert inventory_hash([a]) != inventory_hash([b])
    assert inventory_hash([a]).startswith("sha256:")


def test_scan_result_counts_api_calls_and_keeps_errors():
    inv = make_inventory(
        {"us-east-1": {}},
        api_calls={"ec2:DescribeVpcs": 3, "ec2:DescribeFlowLogs": 2, "sts:GetCallerIdentity": 1},
    )
    result = build_scan_result(
        [inv], started_at=T0, finished_at=T0, source="snapshot", registry=load_checks()
    )
    assert result.api_calls == 6
    assert result.api_calls_by_service == {"ec2": 5, "sts": 1}
    assert result.scopes[0].account == "111122223333"
