import re

from auditor.model import Finding, Status
from auditor.registry import load_checks
from tests.conftest import collection_error, make_inventory, run_check

CHECK = "aws.cloudfront.access_logging_enabled"


def _unfilled(finding: Finding) -> set[str]:
    cli = load_checks().get(finding.check_id).meta.remediation.cli
    return set(re.findall(r"\{([A-Za-z_]\w*)\}", cli)) - {
        "region",
        "resource_id",
        "account",
        *finding.evidence,
    }


def _distribution(id, **kw):
    return {
        "id": id,
        "arn": f"arn:aws:cloudfront::111122223333:distribution/{id}",
        "domain_name": f"{id}.cf.net",
        **kw,
    }


def test_distributions_with_and_without_logging():
    inv = make_inventory(
        {},
        cloudfront_distributions=[
            _distribution("E1", logging_enabled=True, logging_bucket="cf-logs.s3.amazonaws.com"),
            _distribution("E2"),
            _distribution("E3", enabled=False),
        ],
        cloudfront_log_deliveries=[],
    )
    findings = {f.evidence["distribution_id"]: f for f in run_check(CHECK, inv)}
    assert findings["E1"].status is Status.PASS
    assert "cf-logs.s3.amazonaws.com" in findings["E1"].message
    assert findings["E2"].status is Status.FAIL
    assert "E2 (E2.cf.net) has access logging disabled" in findings["E2"].message
    assert findings["E3"].status is Status.FAIL
    assert "distribution disabled" in findings["E3"].message
    assert {f.region for f in findings.values()} == {"global"}
    assert findings["E2"].resource_id == "arn:aws:cloudfront::111122223333:distribution/E2"
    assert _unfilled(findings["E2"]) == set()


def test_unreadable_distributions_are_an_error():
    inv = make_inventory(
        {},
        errors=[
            collection_error(
                "global", "cloudfront_distributions", "cloudfront", operation="ListDistributions"
            )
        ],
    )
    [finding] = run_check(CHECK, inv)
    assert finding.status is Status.ERROR
    assert "cloudfront:ListDistributions in global" in finding.message


def test_no_distributions_is_not_applicable():
    [finding] = run_check(CHECK, make_inventory({}, cloudfront_distributions=[]))
    assert finding.status is Status.NOT_APPLICABLE


def _delivery(
    distribution, destination="arn:aws:logs:us-east-1:111122223333:delivery-destination:cf-s3", **kw
):
    return {
        "source_name": f"cf-{distribution}",
        "resource_arns": [f"arn:aws:cloudfront::111122223333:distribution/{distribution}"],
        "service": "cloudfront",
        "log_type": "ACCESS_LOGS",
        "destination_arn": destination,
        "destination_type": "S3",
        **kw,
    }


def test_standard_logging_v2_through_a_cloudwatch_logs_delivery_counts_as_logging_on():
    inv = make_inventory(
        {},
        cloudfront_distributions=[_distribution("E1"), _distribution("E2"), _distribution("E3")],
        cloudfront_log_deliveries=[
            _delivery("E1"),
            _delivery("E2", destination="", destination_type=""),  # a source with no delivery
            _delivery("E3", log_type="CONNECTION_LOGS"),  # not the access logs
        ],
    )
    findings = {f.evidence["distribution_id"]: f for f in run_check(CHECK, inv)}
    assert findings["E1"].status is Status.PASS and "standard logging v2" in findings["E1"].message
    assert findings["E2"].status is Status.FAIL and findings["E3"].status is Status.FAIL


def test_when_the_deliveries_cannot_be_read_only_distributions_without_legacy_logging_are_an_error():
    inv = make_inventory(
        {},
        cloudfront_distributions=[
            _distribution("E1", logging_enabled=True, logging_bucket="b.s3.amazonaws.com"),
            _distribution("E2"),
        ],
        errors=[
            collection_error(
                "global", "cloudfront_log_deliveries", "logs", operation="DescribeDeliverySources"
            )
        ],
    )
    findings = {f.resource_id.rsplit("/", 1)[-1]: f.status for f in run_check(CHECK, inv)}
    assert findings == {"E1": Status.PASS, "E2": Status.ERROR}
