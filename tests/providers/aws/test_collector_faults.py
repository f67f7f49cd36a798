"""Failures injected at the wire: each failed read empties only the datasets that depend on it."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from auditor.inventory.aws import GLOBAL, AwsInventory, BucketLogging, ConfigRecorder
from auditor.providers.aws import AwsScanOptions, collect_aws
from tests.providers.aws.estate import ACCOUNT, EAST, REGIONS, ROLE, SYDNEY, WEST
from tests.providers.aws.wire import answer_error, json_error, raising, send_failure


def _seed_detection_and_config() -> dict[str, str]:
    """A GuardDuty detector and a Config recorder in every test region, a trail with its bucket."""
    detectors = {}
    session = boto3.Session()
    for region in REGIONS:
        detectors[region] = session.client("guardduty", region).create_detector(Enable=True)["DetectorId"]
        session.client("config", region).put_configuration_recorder(
            ConfigurationRecorder={"name": f"rec-{region}", "roleARN": ROLE}
        )
    s3 = session.client("s3", EAST)
    for bucket in ("trail-a", "trail-b"):
        s3.create_bucket(Bucket=bucket)
    session.client("cloudtrail", EAST).create_trail(Name="east-trail", S3BucketName="trail-a")
    session.client("cloudtrail", WEST).create_trail(Name="west-trail", S3BucketName="trail-b")
    return detectors


def _recorder(region: str) -> list[ConfigRecorder]:
    # moto fills in the default recording group.
    return [
        ConfigRecorder(
            name=f"rec-{region}", all_supported=True, recording_strategy="ALL_SUPPORTED_RESOURCE_TYPES"
        )
    ]


def _errors(inv: AwsInventory) -> list[tuple[str, str, str, str, str]]:
    return [(e.region, e.service, e.dataset, e.operation, e.kind) for e in inv.errors]


def test_denied_guardduty_and_throttled_config_leave_everything_else_intact(session) -> None:
    detectors = _seed_detection_and_config()
    denied = answer_error(
        session,
        "guardduty",
        "ListDetectors",
        "AccessDeniedException",
        f"User: arn:aws:iam::{ACCOUNT}:user/auditor is not authorized to perform: guardduty:ListDetectors",
        region=WEST,
        status=403,
    )
    # Throttled on the wire, every attempt: botocore retries (max_attempts=2) and then gives up. (The
    # adaptive retry mode also slows that client down, so this test takes a few seconds.)
    throttled = send_failure(
        session, f"config.{SYDNEY}.amazonaws.com", json_error("ThrottlingException", "Rate exceeded")
    )

    inv = collect_aws(AwsScanOptions(regions=REGIONS, max_attempts=2), session=session)

    assert denied.count == 1
    assert throttled.count == 2  # the first attempt and one retry
    assert _errors(inv) == [
        (SYDNEY, "config", "config_recorders", "DescribeConfigurationRecorders", "throttled"),
        (WEST, "guardduty", "guardduty_detectors", "ListDetectors", "denied"),
    ]
    denial = next(e for e in inv.errors if e.service == "guardduty")
    assert (denial.provider, denial.account, denial.code) == ("aws", ACCOUNT, "AccessDeniedException")
    assert "not authorized to perform: guardduty:ListDetectors" in denial.message
    assert "guardduty:ListDetectors in eu-west-1 was denied (AccessDeniedException)" in denial.describe()
    throttle = next(e for e in inv.errors if e.service == "config")
    assert (throttle.code, throttle.message) == ("ThrottlingException", "Rate exceeded")

    # The failed datasets are unknown, not empty ...
    assert inv.regions[WEST].guardduty_detectors is None
    assert inv.regions[WEST].guardduty_findings is None  # the findings of unknown detectors are unknown too
    assert inv.regions[SYDNEY].config_recorders is None
    assert inv.errors_for(WEST, "guardduty_detectors") == [denial]
    # ... and everything else is intact, in those regions too.
    assert inv.regions[WEST].config_recorders == _recorder(WEST)
    assert [d.id for d in inv.regions[SYDNEY].guardduty_detectors] == [detectors[SYDNEY]]
    assert [d.id for d in inv.regions[EAST].guardduty_detectors] == [detectors[EAST]]
    assert inv.regions[EAST].config_recorders == _recorder(EAST)
    for region in inv.regions.values():
        for dataset, value in region.model_dump().items():
            unknown = (
                (WEST, "guardduty_detectors"),
                (WEST, "guardduty_findings"),
                (SYDNEY, "config_recorders"),
            )
            if (region.name, dataset) not in unknown:
                assert value is not None, (region.name, dataset)
    assert inv.bucket_logging == {
        "trail-a": BucketLogging(bucket="trail-a", logging_enabled=False),
        "trail-b": BucketLogging(bucket="trail-b", logging_enabled=False),
    }
    # Calls are counted whether they succeed or not (one per call, retries excluded).
    assert inv.api_calls["guardduty:ListDetectors"] == len(REGIONS)
    assert inv.api_calls["config:DescribeConfigurationRecorders"] == len(REGIONS)
    assert inv.api_calls["config:DescribeConfigurationRecorderStatus"] == len(REGIONS) - 1


def test_read_timeout_and_unreachable_endpoint(session) -> None:
    _seed_detection_and_config()
    timeout = send_failure(
        session,
        f"guardduty.{EAST}.amazonaws.com",
        raising(ReadTimeoutError(endpoint_url=f"https://guardduty.{EAST}.amazonaws.com/detector")),
    )
    send_failure(
        session,
        f"cloudtrail.{WEST}.amazonaws.com",
        raising(EndpointConnectionError(endpoint_url=f"https://cloudtrail.{WEST}.amazonaws.com/")),
    )

    inv = collect_aws(AwsScanOptions(regions=REGIONS, max_attempts=1), session=session)

    assert timeout.count == 1
    assert _errors(inv) == [  # sorted by region
        (WEST, "cloudtrail", "trails", "DescribeTrails", "endpoint"),
        (EAST, "guardduty", "guardduty_detectors", "ListDetectors", "timeout"),
    ]
    assert inv.errors[0].code == "EndpointConnectionError"
    assert inv.errors[1].code == "ReadTimeoutError"
    assert "Read timeout on endpoint URL" in inv.errors[1].message
    assert inv.regions[EAST].guardduty_detectors is None
    assert inv.regions[WEST].trails is None
    assert inv.regions[EAST].config_recorders == _recorder(EAST)
    assert [t.name for t in inv.regions[EAST].trails] == ["east-trail"]
    # The buckets of the trails that were read are still checked.
    assert inv.bucket_logging == {"trail-a": BucketLogging(bucket="trail-a", logging_enabled=False)}


def test_one_unreadable_trail_bucket_is_unknown_and_the_others_are_read(session) -> None:
    _seed_detection_and_config()
    answer_error(
        session, "s3", "GetBucketLogging", "AccessDenied", "Access Denied", status=403, url_contains="trail-b"
    )

    inv = collect_aws(AwsScanOptions(regions=REGIONS), session=session)

    assert inv.bucket_logging == {
        "trail-a": BucketLogging(bucket="trail-a", logging_enabled=False),
        "trail-b": None,
    }
    [error] = inv.errors
    assert (error.region, error.service, error.dataset, error.operation) == (
        GLOBAL,
        "s3",
        "bucket_logging",
        "GetBucketLogging",
    )
    assert (error.kind, error.code, error.resource) == ("denied", "AccessDenied", "trail-b")
    assert inv.errors_for(GLOBAL, "bucket_logging", resource="trail-b") == [error]


def test_bucket_logging_is_unknown_when_no_trail_could_be_read(session) -> None:
    _seed_detection_and_config()
    answer_error(session, "cloudtrail", "DescribeTrails", "AccessDeniedException", "no", status=403)

    inv = collect_aws(AwsScanOptions(regions=REGIONS), session=session)

    assert inv.bucket_logging is None
    assert "s3:GetBucketLogging" not in inv.api_calls
    assert [(e.region, e.dataset, e.kind, e.code) for e in inv.errors if e.service == "s3"] == [
        (GLOBAL, "bucket_logging", "failed", "NotAttempted")
    ]
    assert all(inv.regions[r].trails is None for r in REGIONS)


def test_an_unparseable_answer_is_malformed(session) -> None:
    send_failure(
        session,
        f"ec2.{WEST}.amazonaws.com",
        lambda request: __import__("botocore.awsrequest").awsrequest.AWSResponse(
            request.url, 200, {"Content-Type": "text/xml"}, _Body(b"<DescribeVpcsResponse><vpcSet><item>")
        ),
    )

    inv = collect_aws(AwsScanOptions(regions=(WEST,), max_attempts=1), session=session)

    ec2_errors = [e for e in inv.errors if e.service == "ec2"]
    assert {e.kind for e in ec2_errors} == {"malformed"}
    assert {e.dataset for e in ec2_errors} == {
        "vpcs",
        "subnets",
        "flow_logs",
        "security_groups",
        "network_acls",
        "route_tables",
        "vpc_endpoints",
        "instances",
        "ebs_encryption_by_default",
    }
    assert inv.regions[WEST].vpcs is None
    assert inv.regions[WEST].ebs_encryption_by_default is None
    assert inv.regions[WEST].kms_keys == []


def test_an_answer_missing_required_fields_is_malformed(session) -> None:
    from tests.providers.aws.wire import answer_canned

    answer_canned(session, "ec2", "DescribeVpcs", {"Vpcs": [{"CidrBlock": "10.0.0.0/16"}]}, region=WEST)

    inv = collect_aws(AwsScanOptions(regions=(WEST,)), session=session)

    [error] = inv.errors
    assert (error.dataset, error.operation, error.kind) == ("vpcs", "DescribeVpcs", "malformed")
    assert "KeyError" in error.message and "VpcId" in error.message
    assert inv.regions[WEST].vpcs is None
    assert inv.regions[WEST].subnets is not None


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: object):
        yield self._data


@pytest.mark.parametrize("code", ["AccessDenied", "UnauthorizedOperation", "AuthFailure"])
def test_ec2_denial_codes_are_denied(session, code: str) -> None:
    answer_error(session, "ec2", "DescribeFlowLogs", code, "You are not authorized", region=EAST)
    inv = collect_aws(AwsScanOptions(regions=(EAST,)), session=session)
    [error] = inv.errors
    assert (error.dataset, error.kind, error.code) == ("flow_logs", "denied", code)
    assert inv.regions[EAST].flow_logs is None and inv.regions[EAST].vpcs is not None
