import re

import pytest

from auditor.model import Finding, Status
from auditor.registry import load_checks
from tests.conftest import collection_error, make_inventory, run_check, statuses

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _unfilled(finding: Finding) -> set[str]:
    """Placeholders of the check's remediation command that the finding cannot fill."""
    cli = load_checks().get(finding.check_id).meta.remediation.cli
    return set(PLACEHOLDER.findall(cli)) - {"region", "resource_id", "account", *finding.evidence}


def _flow_log(id, resource_id, traffic_type="ALL", status="ACTIVE", **kw):
    return {
        "id": id,
        "resource_id": resource_id,
        "traffic_type": traffic_type,
        "status": status,
        "destination_type": "s3",
        "destination": "arn:aws:s3:::flow-logs-bucket",
        **kw,
    }


def _subnets(vpc_id, *ids):
    return [{"id": i, "vpc_id": vpc_id} for i in ids]


# --- aws.vpc.flow_logs_enabled ----------------------------------------------------------------


def test_vpc_level_flow_log_capturing_all_or_reject_passes():
    inv = make_inventory(
        {
            "us-east-1": {
                "vpcs": [{"id": "vpc-1"}, {"id": "vpc-2"}],
                "subnets": [],
                "flow_logs": [_flow_log("fl-1", "vpc-1"), _flow_log("fl-2", "vpc-2", "REJECT")],
            }
        }
    )
    findings = {f.resource_id: f for f in run_check("aws.vpc.flow_logs_enabled", inv)}
    assert findings["vpc-1"].status is Status.PASS
    assert "fl-1" in findings["vpc-1"].message
    assert findings["vpc-2"].status is Status.PASS
    assert "REJECT" in findings["vpc-2"].message


@pytest.mark.parametrize(
    ("flow_log", "mentioned"),
    [
        (_flow_log("fl-1", "vpc-1", "ACCEPT"), "fl-1 ACTIVE/ACCEPT"),
        (_flow_log("fl-1", "vpc-1", "ALL", status="INACTIVE"), "fl-1 INACTIVE/ALL"),
        (_flow_log("fl-1", "vpc-9"), "no active VPC-level flow log"),
    ],
)
def test_vpc_without_a_usable_vpc_level_flow_log_fails(flow_log, mentioned):
    inv = make_inventory({"us-east-1": {"vpcs": [{"id": "vpc-1"}], "subnets": [], "flow_logs": [flow_log]}})
    [finding] = run_check("aws.vpc.flow_logs_enabled", inv)
    assert finding.status is Status.FAIL
    assert mentioned in finding.message


def test_subnet_level_flow_logs_only_are_partial_coverage():
    inv = make_inventory(
        {
            "us-east-1": {
                "vpcs": [{"id": "vpc-1"}],
                "subnets": _subnets("vpc-1", "subnet-a", "subnet-b", "subnet-c")
                + _subnets("vpc-2", "subnet-z"),
                "flow_logs": [
                    _flow_log("fl-a", "subnet-a"),
                    _flow_log("fl-b", "subnet-b", "REJECT"),
                    _flow_log("fl-c", "subnet-c", "ACCEPT"),  # does not count: no rejected traffic
                    _flow_log("fl-z", "subnet-z"),  # another VPC's subnet
                ],
            }
        }
    )
    [finding] = run_check("aws.vpc.flow_logs_enabled", inv)
    assert finding.status is Status.FAIL
    assert "partial coverage: 2 of 3 subnets" in finding.message
    assert finding.evidence["covered_subnets"] == ["subnet-a", "subnet-b"]
    assert finding.evidence["uncovered_subnets"] == ["subnet-c"]


def test_eni_level_flow_logs_are_listed_not_counted_as_coverage():
    inv = make_inventory(
        {
            "us-east-1": {
                "vpcs": [{"id": "vpc-1"}],
                "subnets": _subnets("vpc-1", "subnet-a"),
                "flow_logs": [_flow_log("fl-e", "eni-0123")],
            }
        }
    )
    [finding] = run_check("aws.vpc.flow_logs_enabled", inv)
    assert finding.status is Status.FAIL
    assert "1 interface-level flow log(s)" in finding.message
    assert [f["flow_log_id"] for f in finding.evidence["eni_flow_logs_in_region"]] == ["fl-e"]
    assert finding.evidence["uncovered_subnets"] == ["subnet-a"]


def test_unreadable_subnets_still_fail_a_vpc_without_vpc_level_log_and_say_so():
    inv = make_inventory(
        {
            "us-east-1": {
                "vpcs": [{"id": "vpc-1"}, {"id": "vpc-2"}],
                "flow_logs": [_flow_log("fl-a", "subnet-a"), _flow_log("fl-2", "vpc-2")],
            }
        },
        errors=[collection_error("us-east-1", "subnets", operation="DescribeSubnets")],
    )
    findings = {f.resource_id: f for f in run_check("aws.vpc.flow_logs_enabled", inv)}
    assert findings["vpc-1"].status is Status.FAIL
    assert "subnet coverage unknown" in findings["vpc-1"].message
    assert findings["vpc-1"].evidence["subnet_collection_errors"][0]["operation"] == "DescribeSubnets"
    assert findings["vpc-2"].status is Status.PASS


def test_unreadable_vpcs_or_flow_logs_are_errors():
    inv = make_inventory(
        {
            "us-east-1": {"flow_logs": [], "subnets": []},
            "eu-west-1": {"vpcs": [{"id": "vpc-1"}], "subnets": []},
        },
        errors=[
            collection_error("us-east-1", "vpcs", operation="DescribeVpcs"),
            collection_error("eu-west-1", "flow_logs", operation="DescribeFlowLogs"),
        ],
    )
    by_region = {f.region: f for f in run_check("aws.vpc.flow_logs_enabled", inv)}
    assert by_region["us-east-1"].status is Status.ERROR
    assert "ec2:DescribeVpcs in us-east-1" in by_region["us-east-1"].message
    assert by_region["eu-west-1"].status is Status.ERROR
    assert by_region["eu-west-1"].resource_id == "vpc-1"
    assert "ec2:DescribeFlowLogs in eu-west-1" in by_region["eu-west-1"].message


def test_region_without_vpcs_is_not_applicable():
    inv = make_inventory(
        {
            "us-east-1": {"vpcs": [], "subnets": [], "flow_logs": []},
            "eu-west-1": {"vpcs": [{"id": "vpc-1"}], "subnets": [], "flow_logs": []},
        }
    )
    by_region = {f.region: f.status for f in run_check("aws.vpc.flow_logs_enabled", inv)}
    assert by_region == {"us-east-1": Status.NOT_APPLICABLE, "eu-west-1": Status.FAIL}


def test_flow_logs_enabled_remediation_is_filled_by_the_finding():
    inv = make_inventory({"us-east-1": {"vpcs": [{"id": "vpc-1"}], "subnets": [], "flow_logs": []}})
    [finding] = run_check("aws.vpc.flow_logs_enabled", inv)
    assert finding.status is Status.FAIL
    assert _unfilled(finding) == set()
    assert "--traffic-type ALL" in load_checks().get("aws.vpc.flow_logs_enabled").meta.remediation.cli


# --- aws.vpc.flow_logs_capture_all_traffic ----------------------------------------------------


@pytest.mark.parametrize(
    ("traffic_types", "expected"),
    [
        (["ALL"], Status.PASS),
        (["REJECT", "ALL"], Status.PASS),
        (["REJECT"], Status.FAIL),
        (["ACCEPT"], Status.FAIL),
        (["ACCEPT", "REJECT"], Status.FAIL),
    ],
)
def test_capture_all_traffic_needs_an_all_flow_log(traffic_types, expected):
    logs = [_flow_log(f"fl-{n}", "vpc-1", t) for n, t in enumerate(traffic_types)]
    inv = make_inventory({"us-east-1": {"vpcs": [{"id": "vpc-1"}], "flow_logs": logs}})
    [finding] = run_check("aws.vpc.flow_logs_capture_all_traffic", inv)
    assert finding.status is expected
    if expected is Status.FAIL:
        assert " and ".join(sorted(traffic_types)) + " traffic only" in finding.message
        assert _unfilled(finding) == set()
        assert finding.evidence["flow_log_id"] == "fl-0"


def test_capture_all_traffic_is_not_applicable_without_an_active_vpc_level_log():
    inv = make_inventory(
        {
            "us-east-1": {
                "vpcs": [{"id": "vpc-1"}, {"id": "vpc-2"}],
                "flow_logs": [
                    _flow_log("fl-s", "subnet-a", "REJECT"),
                    _flow_log("fl-2", "vpc-2", status="x"),
                ],
            }
        }
    )
    assert statuses(run_check("aws.vpc.flow_logs_capture_all_traffic", inv)) == {
        "vpc-1": Status.NOT_APPLICABLE,
        "vpc-2": Status.NOT_APPLICABLE,
    }


def test_capture_all_traffic_error_when_flow_logs_unreadable():
    inv = make_inventory(
        {"us-east-1": {"vpcs": [{"id": "vpc-1"}]}},
        errors=[collection_error("us-east-1", "flow_logs", operation="DescribeFlowLogs")],
    )
    [finding] = run_check("aws.vpc.flow_logs_capture_all_traffic", inv)
    assert finding.status is Status.ERROR
    assert "DescribeFlowLogs" in finding.message


# --- aws.vpc.flow_logs_delivering -------------------------------------------------------------


def test_delivering_fails_with_the_delivery_error():
    inv = make_inventory(
        {
            "us-east-1": {
                "flow_logs": [
                    _flow_log("fl-ok", "vpc-1", deliver_status="SUCCESS"),
                    _flow_log("fl-bad", "subnet-a", deliver_status="FAILED", deliver_error="Access error"),
                ]
            }
        }
    )
    findings = {f.resource_id: f for f in run_check("aws.vpc.flow_logs_delivering", inv)}
    assert findings["fl-ok"].status is Status.PASS
    assert findings["fl-bad"].status is Status.FAIL
    assert "Access error" in findings["fl-bad"].message
    assert findings["fl-bad"].evidence["resource_type"] == "Subnet"
    assert _unfilled(findings["fl-bad"]) == set()


def test_delivering_error_and_nothing_to_assess():
    inv = make_inventory(
        {"us-east-1": {}}, errors=[collection_error("us-east-1", "flow_logs", operation="DescribeFlowLogs")]
    )
    [finding] = run_check("aws.vpc.flow_logs_delivering", inv)
    assert finding.status is Status.ERROR
    assert "ec2:DescribeFlowLogs in us-east-1" in finding.message
    [finding] = run_check("aws.vpc.flow_logs_delivering", make_inventory({"us-east-1": {"flow_logs": []}}))
    assert finding.status is Status.NOT_APPLICABLE


# --- aws.vpc.peering_routes_least_access ------------------------------------------------------


def test_peering_routes_are_listed_for_manual_review():
    tables = [
        {
            "id": "rtb-1",
            "vpc_id": "vpc-1",
            "routes": [
                {"destination": "10.0.0.0/16", "target": "local"},
                {"destination": "10.1.0.0/16", "target": "pcx-1"},
            ],
        },
        {"id": "rtb-2", "vpc_id": "vpc-1", "routes": [{"destination": "0.0.0.0/0", "target": "pcx-1"}]},
        {"id": "rtb-3", "vpc_id": "vpc-2", "routes": [{"destination": "0.0.0.0/0", "target": "igw-1"}]},
    ]
    inv = make_inventory({"us-east-1": {"vpcs": [{"id": "vpc-1"}, {"id": "vpc-2"}], "route_tables": tables}})
    findings = {f.resource_id: f for f in run_check("aws.vpc.peering_routes_least_access", inv)}
    assert findings["vpc-1"].status is Status.MANUAL
    assert "2 peering route(s) in 2 route table(s)" in findings["vpc-1"].message
    assert findings["vpc-1"].evidence["peering_routes"] == [
        {"route_table_id": "rtb-1", "destination": "10.1.0.0/16", "target": "pcx-1"},
        {"route_table_id": "rtb-2", "destination": "0.0.0.0/0", "target": "pcx-1"},
    ]
    assert findings["vpc-2"].status is Status.NOT_APPLICABLE


def test_peering_routes_error_when_route_tables_unreadable():
    inv = make_inventory(
        {"us-east-1": {"vpcs": [{"id": "vpc-1"}]}},
        errors=[collection_error("us-east-1", "route_tables", operation="DescribeRouteTables")],
    )
    [finding] = run_check("aws.vpc.peering_routes_least_access", inv)
    assert finding.status is Status.ERROR
    assert "DescribeRouteTables" in finding.message


# --- aws.vpc.endpoints_for_aws_services -------------------------------------------------------


def test_endpoints_are_listed_for_manual_review():
    endpoints = [
        {"id": "vpce-1", "vpc_id": "vpc-1", "service_name": "com.amazonaws.us-east-1.s3"},
        {"id": "vpce-2", "vpc_id": "vpc-1", "service_name": "com.amazonaws.us-east-1.sts"},
        {"id": "vpce-3", "vpc_id": "vpc-9", "service_name": "com.amazonaws.us-east-1.kms"},
    ]
    inv = make_inventory(
        {
            "us-east-1": {"vpcs": [{"id": "vpc-1"}, {"id": "vpc-2"}], "vpc_endpoints": endpoints},
            "eu-west-1": {},
        },
        errors=[collection_error("eu-west-1", "vpcs")],
    )
    findings = {f.resource_id: f for f in run_check("aws.vpc.endpoints_for_aws_services", inv)}
    assert findings["vpc-1"].status is Status.MANUAL
    assert findings["vpc-1"].evidence["endpoint_services"] == [
        "com.amazonaws.us-east-1.s3",
        "com.amazonaws.us-east-1.sts",
    ]
    assert findings["vpc-2"].status is Status.MANUAL
    assert "no VPC endpoints" in findings["vpc-2"].message
    assert findings["arn:aws:ec2:eu-west-1:111122223333:vpc"].status is Status.ERROR


def test_endpoints_not_applicable_without_vpcs_and_error_without_endpoints():
    inv = make_inventory(
        {"us-east-1": {"vpcs": [], "vpc_endpoints": []}, "eu-west-1": {"vpcs": [{"id": "vpc-1"}]}},
        errors=[collection_error("eu-west-1", "vpc_endpoints", operation="DescribeVpcEndpoints")],
    )
    by_region = {f.region: f for f in run_check("aws.vpc.endpoints_for_aws_services", inv)}
    assert by_region["us-east-1"].status is Status.NOT_APPLICABLE
    assert by_region["eu-west-1"].status is Status.ERROR
    assert "DescribeVpcEndpoints" in by_region["eu-west-1"].message
