from typing import Any

from auditor.model import Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command
from tests.conftest import collection_error, make_inventory, run_check

CIS_V5 = "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0"
CIS_V3 = "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0"
CIS_V14 = "arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/1.4.0"
CIS_V12 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
FSBP = "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"


def _hub(*standards: tuple[str, str], region: str = "us-east-1", enabled: bool = True) -> dict[str, Any]:
    return {
        "enabled": enabled,
        "standards": [
            {"standards_arn": arn.format(region=region), "status": status} for arn, status in standards
        ],
    }


def _by_region(check: str, regions: dict[str, dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {f.region: f for f in run_check(check, make_inventory(regions, **fields))}


def test_enabled_per_region():
    found = _by_region(
        "aws.securityhub.enabled",
        {"us-east-1": {"security_hub": _hub()}, "eu-west-1": {"security_hub": {"enabled": False}}},
    )
    assert found["us-east-1"].status is Status.PASS
    assert found["eu-west-1"].status is Status.FAIL
    assert found["eu-west-1"].message == "Security Hub is not enabled in eu-west-1"
    command = remediation_command(load_checks().get("aws.securityhub.enabled").meta, found["eu-west-1"])
    assert command == "aws securityhub enable-security-hub --region eu-west-1 --enable-default-standards"


def test_enabled_unread_region_is_error_and_no_region_is_not_applicable():
    found = _by_region(
        "aws.securityhub.enabled",
        {"us-east-1": {}},
        errors=[collection_error("us-east-1", "security_hub", "securityhub", operation="DescribeHub")],
    )
    assert found["us-east-1"].status is Status.ERROR
    assert "securityhub:DescribeHub in us-east-1" in found["us-east-1"].message
    assert [f.status for f in run_check("aws.securityhub.enabled", make_inventory({}))] == [
        Status.NOT_APPLICABLE
    ]


def test_cis_current_standard_ready_passes():
    found = _by_region(
        "aws.securityhub.cis_standard_current",
        {"us-east-1": {"security_hub": _hub((CIS_V5, "READY"), (CIS_V12, "READY"))}},
    )
    assert found["us-east-1"].status is Status.PASS
    assert found["us-east-1"].evidence["outdated_standards"] == [CIS_V12]


def test_cis_only_outdated_versions_fail_and_name_the_current_arn():
    wanted = CIS_V5.format(region="eu-west-1")
    found = _by_region(
        "aws.securityhub.cis_standard_current",
        {
            "eu-west-1": {
                "security_hub": _hub(
                    (CIS_V12, "READY"), (CIS_V14, "READY"), (CIS_V3, "READY"), region="eu-west-1"
                )
            }
        },
    )
    finding = found["eu-west-1"]
    assert finding.status is Status.FAIL
    assert "Only outdated CIS standards" in finding.message
    assert wanted in finding.message
    command = remediation_command(load_checks().get("aws.securityhub.cis_standard_current").meta, finding)
    assert command == (
        "aws securityhub batch-enable-standards --region eu-west-1 "
        f"--standards-subscription-requests StandardsArn={wanted}"
    )


def test_cis_pending_none_and_disabled_hub_fail():
    found = _by_region(
        "aws.securityhub.cis_standard_current",
        {
            "us-east-1": {"security_hub": _hub((CIS_V5, "PENDING"))},
            "us-west-2": {"security_hub": _hub((FSBP, "READY"), region="us-west-2")},
            "eu-west-1": {"security_hub": {"enabled": False}},
        },
    )
    assert {r: f.status for r, f in found.items()} == {
        "us-east-1": Status.FAIL,
        "us-west-2": Status.FAIL,
        "eu-west-1": Status.FAIL,
    }
    assert "PENDING, not READY" in found["us-east-1"].message
    assert "No CIS AWS Foundations Benchmark standard" in found["us-west-2"].message
    assert found["eu-west-1"].message == "Security Hub is not enabled in eu-west-1"


def test_cis_unread_region_is_error():
    found = _by_region(
        "aws.securityhub.cis_standard_current",
        {"us-east-1": {}},
        errors=[
            collection_error("us-east-1", "security_hub", "securityhub", operation="GetEnabledStandards")
        ],
    )
    assert found["us-east-1"].status is Status.ERROR
    assert "GetEnabledStandards" in found["us-east-1"].message


def test_fsbp_enabled():
    found = _by_region(
        "aws.securityhub.fsbp_enabled",
        {
            "us-east-1": {"security_hub": _hub((FSBP, "READY"))},
            "us-west-2": {"security_hub": _hub((FSBP, "INCOMPLETE"), region="us-west-2")},
            "eu-west-1": {"security_hub": _hub((CIS_V5, "READY"), region="eu-west-1")},
            "ap-south-1": {"security_hub": {"enabled": False}},
        },
    )
    assert found["us-east-1"].status is Status.PASS
    assert found["us-west-2"].status is Status.FAIL
    assert "INCOMPLETE" in found["us-west-2"].message
    assert found["eu-west-1"].status is Status.FAIL
    assert FSBP.format(region="eu-west-1") in found["eu-west-1"].message
    assert found["ap-south-1"].status is Status.FAIL
    assert found["ap-south-1"].message == "Security Hub is not enabled in ap-south-1"


def test_fsbp_unread_region_is_error():
    found = _by_region(
        "aws.securityhub.fsbp_enabled",
        {"us-east-1": {}},
        errors=[collection_error("us-east-1", "security_hub", "securityhub")],
    )
    assert found["us-east-1"].status is Status.ERROR
