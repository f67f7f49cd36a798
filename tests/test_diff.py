from datetime import UTC, date, datetime

from auditor.diff import ControlChange, diff_controls, diff_scans
from auditor.model import Finding, Mute, Severity, Status, finding_id
from auditor.scan_result import ScanResult, ScanScope

ACCOUNT = "111122223333"
OTHER = "444455556666"


def make_finding(
    resource_id: str,
    status: Status,
    *,
    check_id: str = "aws.vpc.flow_logs_enabled",
    account: str = ACCOUNT,
    region: str = "us-east-1",
) -> Finding:
    return Finding(
        id=finding_id("aws", account, region, check_id, resource_id),
        check_id=check_id,
        provider="aws",
        service=check_id.split(".")[1],
        severity=Severity.HIGH,
        status=status,
        account=account,
        region=region,
        resource_id=resource_id,
        message=f"{resource_id}: {status.value}",
    )


def make_result(findings, *, day=1, scopes=None) -> ScanResult:
    when = datetime(2026, 11, day, tzinfo=UTC)
    return ScanResult(
        tool_version="0",
        started_at=when,
        finished_at=when,
        source="snapshot",
        scopes=scopes or [ScanScope(provider="aws", account=ACCOUNT, regions=["us-east-1", "eu-west-1"])],
        inventory_hash="h",
        api_calls=0,
        findings=findings,
    )


def ids(changes):
    return [c.resource_id for c in changes]


def test_every_category():
    old = make_result(
        [
            make_finding("fixed", Status.FAIL),
            make_finding("regressed", Status.PASS),
            make_finding("still-failing", Status.FAIL),
            make_finding("was-error", Status.ERROR),
            make_finding("now-error-from-pass", Status.PASS),
            make_finding("now-error-from-fail", Status.FAIL),
            make_finding("deleted", Status.FAIL),
            make_finding("deleted-passing", Status.PASS),
            make_finding("still-passing", Status.PASS),
        ]
    )
    new = make_result(
        [
            make_finding("fixed", Status.PASS),
            make_finding("regressed", Status.FAIL),
            make_finding("still-failing", Status.FAIL),
            make_finding("was-error", Status.FAIL),
            make_finding("now-error-from-pass", Status.ERROR),
            make_finding("now-error-from-fail", Status.ERROR),
            make_finding("brand-new", Status.FAIL),
            make_finding("still-passing", Status.PASS),
            make_finding("new-passing", Status.PASS),
        ],
        day=2,
    )
    changes = diff_scans(old, new)
    assert ids(changes.new_failures) == ["brand-new", "was-error"]
    assert ids(changes.regressions) == ["regressed"]
    assert ids(changes.fixed) == ["deleted", "fixed"]
    assert ids(changes.newly_not_evaluated) == ["now-error-from-fail", "now-error-from-pass"]
    assert changes.not_rescanned == []
    assert ids(changes.all_new_failures) == ["brand-new", "regressed", "was-error"]
    assert changes.worsened
    assert changes.old_started_at.day == 1 and changes.new_started_at.day == 2


def test_a_resource_that_disappeared_is_fixed_with_no_new_status():
    gone = make_finding("vpc-gone", Status.FAIL)
    changes = diff_scans(make_result([gone]), make_result([]))
    [fixed] = changes.fixed
    assert fixed.finding_id == gone.id
    assert fixed.old_status is Status.FAIL and fixed.new_status is None
    assert fixed.message == gone.message
    assert not changes.worsened


def test_a_new_failure_has_no_old_status():
    [change] = diff_scans(make_result([]), make_result([make_finding("vpc-1", Status.FAIL)])).new_failures
    assert change.old_status is None and change.new_status is Status.FAIL


def test_an_expired_exception_makes_a_muted_finding_a_new_failure():
    muted = make_finding("vpc-1", Status.FAIL).model_copy(
        update={
            "status": Status.MUTED,
            "muted": Mute(
                exception_id="x", owner="o", reason="r", expires=date(2026, 1, 1), original_status=Status.FAIL
            ),
        }
    )
    changes = diff_scans(make_result([muted]), make_result([make_finding("vpc-1", Status.FAIL)]))
    assert ids(changes.new_failures) == ["vpc-1"]
    assert changes.new_failures[0].old_status is Status.MUTED
    # and muting a failure is not a fix
    assert diff_scans(make_result([make_finding("vpc-1", Status.FAIL)]), make_result([muted])).fixed == []


def test_findings_outside_the_new_scans_scope_are_not_fixed():
    old = make_result(
        [
            make_finding("other-account", Status.FAIL, account=OTHER),
            make_finding("other-region", Status.FAIL, region="eu-west-1"),
            make_finding("account-wide", Status.FAIL, region="global"),
        ],
        scopes=[
            ScanScope(provider="aws", account=ACCOUNT, regions=["us-east-1", "eu-west-1"]),
            ScanScope(provider="aws", account=OTHER, regions=["us-east-1"]),
        ],
    )
    new = make_result([], scopes=[ScanScope(provider="aws", account=ACCOUNT, regions=["us-east-1"])])
    changes = diff_scans(old, new)
    assert sorted(ids(changes.not_rescanned)) == ["other-account", "other-region"]
    assert ids(changes.fixed) == ["account-wide"]  # a region the old scope did not list follows the account


def test_identical_scans_have_no_changes():
    scan = make_result([make_finding("a", Status.FAIL), make_finding("b", Status.PASS)])
    changes = diff_scans(scan, scan, {("cis", "1.1"): "PASS"}, {("cis", "1.1"): "PASS"})
    assert changes.model_dump(exclude={"old_started_at", "new_started_at"}) == {
        "new_failures": [],
        "fixed": [],
        "regressions": [],
        "newly_not_evaluated": [],
        "not_rescanned": [],
        "control_changes": [],
    }
    assert not changes.worsened


def test_control_status_changes():
    old = {("cis-aws-7.0", "6.3"): "PASS", ("cis-aws-7.0", "3.7"): "FAIL", ("cis-aws-7.0", "6.10"): "PASS"}
    new = {("cis-aws-7.0", "6.3"): "FAIL", ("cis-aws-7.0", "3.7"): "PASS", ("cis-aws-7.0", "6.9"): "MANUAL"}
    changes = diff_controls(old, new)
    assert [(c.control_id, c.old_status, c.new_status) for c in changes] == [
        ("3.7", "FAIL", "PASS"),
        ("6.3", "PASS", "FAIL"),
        ("6.9", None, "MANUAL"),
        ("6.10", "PASS", None),
    ]
    assert [c.control_id for c in changes if c.regressed] == ["6.3"]
    assert [c.control_id for c in changes if c.improved] == ["3.7"]


def test_a_control_that_now_fails_makes_the_diff_worse_even_without_finding_changes():
    scan = make_result([])
    changes = diff_scans(scan, scan, {("b", "1"): "PASS"}, {("b", "1"): "FAIL"})
    assert changes.control_regressions == [
        ControlChange(benchmark_id="b", control_id="1", old_status="PASS", new_status="FAIL")
    ]
    assert changes.worsened


def test_the_diff_is_serialisable():
    changes = diff_scans(
        make_result([make_finding("a", Status.PASS)]), make_result([make_finding("a", Status.FAIL)])
    )
    data = changes.model_dump(mode="json")
    assert data["regressions"][0]["old_status"] == "PASS"
    assert type(changes).model_validate_json(changes.model_dump_json()) == changes
