import re

import pytest

from auditor.model import Status
from auditor.registry import load_checks
from tests.conftest import collection_error, make_inventory, run_check, statuses

CHECK = "aws.route53resolver.query_logging_enabled"


def _config(id="rqlc-1", status="CREATED"):
    return {
        "id": id,
        "status": status,
        "destination_arn": "arn:aws:logs:us-east-1:111122223333:log-group:dns",
    }


def _association(vpc_id, config_id="rqlc-1", status="ACTIVE", **kw):
    return {"id": f"rqlca-{vpc_id}", "config_id": config_id, "resource_id": vpc_id, "status": status, **kw}


def _region(vpcs, configs, associations):
    return {
        "vpcs": [{"id": v} for v in vpcs],
        "resolver_query_log_configs": configs,
        "resolver_query_log_associations": associations,
    }


def test_vpc_associated_with_a_created_config_passes_and_others_fail():
    inv = make_inventory(
        {"us-east-1": _region(["vpc-1", "vpc-2"], [_config()], [_association("vpc-1")])},
    )
    findings = {f.resource_id: f for f in run_check(CHECK, inv)}
    assert findings["vpc-1"].status is Status.PASS
    assert "rqlc-1" in findings["vpc-1"].message
    assert "log-group:dns" in findings["vpc-1"].message
    assert findings["vpc-2"].status is Status.FAIL
    assert findings["vpc-2"].evidence["created_configs"] == ["rqlc-1"]


@pytest.mark.parametrize(
    ("configs", "association", "reason"),
    [
        ([_config(status="FAILED")], _association("vpc-1"), "config rqlc-1 is FAILED"),
        ([_config(status="DELETING")], _association("vpc-1"), "config rqlc-1 is DELETING"),
        ([_config()], _association("vpc-1", status="CREATING"), "rqlca-vpc-1 is CREATING"),
        (
            [_config()],
            _association("vpc-1", status="ACTION_NEEDED", error="DESTINATION_NOT_FOUND"),
            "(DESTINATION_NOT_FOUND)",
        ),
        ([], _association("vpc-1"), "config rqlc-1 is not found"),
    ],
)
def test_association_or_config_not_working_fails_with_the_reason(configs, association, reason):
    inv = make_inventory({"us-east-1": _region(["vpc-1"], configs, [association])})
    [finding] = run_check(CHECK, inv)
    assert finding.status is Status.FAIL
    assert reason in finding.message


def test_any_working_association_is_enough():
    inv = make_inventory(
        {
            "us-east-1": _region(
                ["vpc-1"],
                [_config("rqlc-1", "FAILED"), _config("rqlc-2")],
                [_association("vpc-1", "rqlc-1"), _association("vpc-1", "rqlc-2")],
            )
        }
    )
    [finding] = run_check(CHECK, inv)
    assert finding.status is Status.PASS
    assert finding.evidence["config_id"] == "rqlc-2"


@pytest.mark.parametrize("missing", ["vpcs", "resolver_query_log_configs", "resolver_query_log_associations"])
def test_any_unreadable_dataset_is_an_error(missing):
    region = _region(["vpc-1"], [_config()], [_association("vpc-1")])
    del region[missing]
    inv = make_inventory(
        {"us-east-1": region},
        errors=[collection_error("us-east-1", missing, "route53resolver", operation="ListThings")],
    )
    [finding] = run_check(CHECK, inv)
    assert finding.status is Status.ERROR
    assert "route53resolver:ListThings in us-east-1" in finding.message


def test_region_without_vpcs_is_not_applicable():
    inv = make_inventory(
        {
            "us-east-1": _region([], [], []),
            "eu-west-1": _region(["vpc-1"], [], []),
        }
    )
    assert statuses(run_check(CHECK, inv)) == {
        "arn:aws:ec2:us-east-1:111122223333:vpc": Status.NOT_APPLICABLE,
        "vpc-1": Status.FAIL,
    }


def test_remediation_placeholders_are_filled_by_a_failing_finding():
    inv = make_inventory({"us-east-1": _region(["vpc-1"], [], [])})
    [finding] = run_check(CHECK, inv)
    cli = load_checks().get(CHECK).meta.remediation.cli
    assert "associate-resolver-query-log-config" in cli
    assert set(re.findall(r"\{(\w+)\}", cli)) <= {"region", "resource_id", *finding.evidence}
