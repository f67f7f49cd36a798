import re

from auditor.model import Finding, Status
from auditor.registry import load_checks
from tests.conftest import collection_error, make_inventory, run_check

CHECK = "aws.wafv2.web_acl_logging_enabled"


def _unfilled(finding: Finding) -> set[str]:
    cli = load_checks().get(finding.check_id).meta.remediation.cli
    return set(re.findall(r"\{([A-Za-z_]\w*)\}", cli)) - {
        "region",
        "resource_id",
        "account",
        *finding.evidence,
    }


def _acl(name, scope="REGIONAL", destinations=()):
    where = "regional" if scope == "REGIONAL" else "global"
    return {
        "arn": f"arn:aws:wafv2:us-east-1:111122223333:{where}/webacl/{name}/id-{name}",
        "name": name,
        "scope": scope,
        "logging_destinations": list(destinations),
    }


def test_regional_and_cloudfront_web_acls():
    inv = make_inventory(
        {
            "eu-west-1": {
                "web_acls": [
                    _acl(
                        "logged",
                        destinations=["arn:aws:logs:eu-west-1:111122223333:log-group:aws-waf-logs-x"],
                    ),
                    _acl("silent"),
                ]
            }
        },
        cloudfront_web_acls=[_acl("edge", "CLOUDFRONT")],
    )
    findings = {f.resource_id.split("/")[2]: f for f in run_check(CHECK, inv)}
    assert findings["logged"].status is Status.PASS
    assert "aws-waf-logs-x" in findings["logged"].message
    assert findings["silent"].status is Status.FAIL
    assert findings["silent"].region == "eu-west-1"
    assert findings["silent"].evidence["api_region"] == "eu-west-1"
    edge = findings["edge"]
    assert edge.status is Status.FAIL
    assert edge.region == "global"
    assert "(CloudFront) has no logging configuration" in edge.message
    assert edge.evidence["api_region"] == "us-east-1"  # CloudFront web ACLs are managed in us-east-1
    assert _unfilled(edge) == set()


def test_unreadable_regional_and_cloudfront_acls_are_errors():
    inv = make_inventory(
        {"eu-west-1": {}},
        errors=[
            collection_error("eu-west-1", "web_acls", "wafv2", operation="ListWebACLs"),
            collection_error("global", "cloudfront_web_acls", "wafv2", operation="ListWebACLs"),
        ],
    )
    by_region = {f.region: f for f in run_check(CHECK, inv)}
    assert by_region["eu-west-1"].status is Status.ERROR
    assert "wafv2:ListWebACLs in eu-west-1" in by_region["eu-west-1"].message
    assert by_region["global"].status is Status.ERROR
    assert "wafv2:ListWebACLs in global" in by_region["global"].message


def test_cloudfront_acl_error_recorded_under_us_east_1_is_found():
    inv = make_inventory(
        {"us-east-1": {"web_acls": []}},
        errors=[collection_error("us-east-1", "cloudfront_web_acls", "wafv2", operation="ListWebACLs")],
    )
    [finding] = run_check(CHECK, inv)
    assert finding.status is Status.ERROR
    assert finding.region == "global"
    assert "ListWebACLs" in finding.message


def test_no_web_acls_anywhere_is_not_applicable():
    inv = make_inventory({"us-east-1": {"web_acls": []}}, cloudfront_web_acls=[])
    [finding] = run_check(CHECK, inv)
    assert finding.status is Status.NOT_APPLICABLE
