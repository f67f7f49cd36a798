import re

from auditor.model import Finding, Status
from auditor.registry import load_checks
from tests.conftest import collection_error, make_inventory, run_check

ELBV2 = "aws.elbv2.access_logging_enabled"
CLASSIC = "aws.elb.classic_access_logging_enabled"


def _unfilled(finding: Finding) -> set[str]:
    cli = load_checks().get(finding.check_id).meta.remediation.cli
    return set(re.findall(r"\{([A-Za-z_]\w*)\}", cli)) - {
        "region",
        "resource_id",
        "account",
        *finding.evidence,
    }


ELB_ARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer"
PREFIX = {"application": "app", "network": "net", "gateway": "gwy"}


def _lb(name, type, **attributes):
    return {
        "arn": f"{ELB_ARN}/{PREFIX[type]}/{name}/50dc6c49",
        "name": name,
        "type": type,
        "attributes": attributes,
    }


def test_alb_and_nlb_pass_with_access_logs_and_fail_without():
    inv = make_inventory(
        {
            "us-east-1": {
                "load_balancers": [
                    _lb(
                        "alb-on",
                        "application",
                        **{"access_logs.s3.enabled": "true", "access_logs.s3.bucket": "lb-logs"},
                    ),
                    _lb("alb-off", "application", **{"access_logs.s3.enabled": "false"}),
                    _lb("alb-missing", "application"),
                    _lb(
                        "nlb-on",
                        "network",
                        **{"access_logs.s3.enabled": "true", "access_logs.s3.bucket": "lb-logs"},
                    ),
                    _lb("nlb-off", "network"),
                ]
            }
        }
    )
    findings = {f.resource_id.split("/")[-2]: f for f in run_check(ELBV2, inv)}
    assert findings["alb-on"].status is Status.PASS
    assert "s3://lb-logs" in findings["alb-on"].message
    assert findings["alb-off"].status is Status.FAIL
    assert findings["alb-missing"].status is Status.FAIL  # a missing attribute means off
    assert (
        "Application Load Balancer alb-missing has access logging disabled" in findings["alb-missing"].message
    )
    assert findings["nlb-on"].status is Status.PASS
    assert findings["nlb-off"].status is Status.FAIL
    for name in ("nlb-on", "nlb-off"):
        assert "TLS listeners only" in findings[name].message
    assert "TLS" not in findings["alb-off"].message
    assert _unfilled(findings["nlb-off"]) == set()


def test_gateway_load_balancer_is_not_applicable():
    inv = make_inventory({"us-east-1": {"load_balancers": [_lb("gwlb-fw", "gateway")]}})
    [finding] = run_check(ELBV2, inv)
    assert finding.status is Status.NOT_APPLICABLE
    assert "no access logs" in finding.message


def test_unreadable_load_balancers_are_an_error():
    inv = make_inventory(
        {"us-east-1": {}},
        errors=[
            collection_error(
                "us-east-1", "load_balancers", "elbv2", operation="DescribeLoadBalancerAttributes"
            )
        ],
    )
    [finding] = run_check(ELBV2, inv)
    assert finding.status is Status.ERROR
    assert "elbv2:DescribeLoadBalancerAttributes in us-east-1" in finding.message


def test_no_load_balancers_is_not_applicable():
    [finding] = run_check(ELBV2, make_inventory({"us-east-1": {"load_balancers": []}}))
    assert finding.status is Status.NOT_APPLICABLE


def test_classic_load_balancers():
    inv = make_inventory(
        {
            "us-east-1": {
                "classic_load_balancers": [
                    {"name": "old-on", "access_log_enabled": True, "access_log_bucket": "clb-logs"},
                    {"name": "old-off"},
                ]
            },
            "eu-west-1": {},
        },
        errors=[
            collection_error("eu-west-1", "classic_load_balancers", "elb", operation="DescribeLoadBalancers")
        ],
    )
    findings = {f.resource_id: f for f in run_check(CLASSIC, inv)}
    arn = ELB_ARN
    assert findings[f"{arn}/old-on"].status is Status.PASS
    assert "s3://clb-logs" in findings[f"{arn}/old-on"].message
    off = findings[f"{arn}/old-off"]
    assert off.status is Status.FAIL
    assert off.evidence["load_balancer_name"] == "old-off"
    assert _unfilled(off) == set()
    [error] = [f for f in findings.values() if f.region == "eu-west-1"]
    assert error.status is Status.ERROR
    assert "elb:DescribeLoadBalancers" in error.message


def test_classic_none_anywhere_is_not_applicable():
    [finding] = run_check(CLASSIC, make_inventory({"us-east-1": {"classic_load_balancers": []}}))
    assert finding.status is Status.NOT_APPLICABLE
