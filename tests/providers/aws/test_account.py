"""Starting a scan: the caller's identity and the enabled regions, or a clear AwsCollectionFailed."""

from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError

from auditor.providers.aws import AwsCollectionFailed, AwsScanOptions, collect_aws
from auditor.providers.aws.account import enabled, select_regions
from tests.providers.aws.conftest import new_session
from tests.providers.aws.estate import EAST
from tests.providers.aws.wire import answer_canned, answer_error, raising, send_failure

STATUSES = {"eu-west-1": "opt-in-not-required", "ap-east-1": "not-opted-in", "me-south-1": "opted-in"}


def test_enabled_keeps_opted_in_and_opt_in_not_required() -> None:
    assert enabled(STATUSES) == ["eu-west-1", "me-south-1"]


def test_select_regions() -> None:
    assert select_regions(STATUSES, (), "1") == ["eu-west-1", "me-south-1"]
    assert select_regions(STATUSES, ("me-south-1", "eu-west-1", "me-south-1"), "1") == [
        "eu-west-1",
        "me-south-1",
    ]
    with pytest.raises(AwsCollectionFailed) as raised:
        select_regions(STATUSES, ("ap-east-1", "mars-1"), "111122223333")
    assert str(raised.value) == (
        "Cannot scan account 111122223333: 'ap-east-1' is not enabled for the account (opt-in status: "
        "not-opted-in); 'mars-1' is not a known region. Enabled regions: eu-west-1, me-south-1."
    )


def test_no_credentials(aws, monkeypatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(AwsCollectionFailed, match="No AWS credentials found"):
        collect_aws(AwsScanOptions(), session=new_session())


def test_unknown_profile() -> None:
    with pytest.raises(AwsCollectionFailed, match="AWS profile 'no-such-profile' is not configured"):
        collect_aws(AwsScanOptions(profile="no-such-profile"))


def test_sts_failure_is_readable_and_keeps_secrets_out(session) -> None:
    answer_error(
        session,
        "sts",
        "GetCallerIdentity",
        "InvalidClientTokenId",
        "The security token included in the request is invalid: AKIAIOSFODNN7EXAMPLE",
        status=403,
    )
    with pytest.raises(AwsCollectionFailed) as raised:
        collect_aws(AwsScanOptions(), session=session)
    message = str(raised.value)
    assert message.startswith("Identifying the caller (sts:GetCallerIdentity) failed (InvalidClientTokenId)")
    assert "AKIAIOSFODNN7EXAMPLE" not in message and "AKIA****" in message


def test_describe_regions_denied(session) -> None:
    answer_error(session, "ec2", "DescribeRegions", "UnauthorizedOperation", "not allowed", status=403)
    with pytest.raises(AwsCollectionFailed) as raised:
        collect_aws(AwsScanOptions(), session=session)
    assert str(raised.value) == (
        "Listing the enabled regions (ec2:DescribeRegions) failed (UnauthorizedOperation): not allowed"
        " — the credentials are not allowed to do this"
    )


def test_sts_endpoint_unreachable(session) -> None:
    send_failure(
        session,
        f"sts.{EAST}.amazonaws.com",
        raising(EndpointConnectionError(endpoint_url=f"https://sts.{EAST}.amazonaws.com/")),
    )
    with pytest.raises(AwsCollectionFailed, match="could not be reached"):
        collect_aws(AwsScanOptions(max_attempts=1), session=session)


def test_regions_of_other_partitions_and_unknown_new_regions(session) -> None:
    answer_canned(
        session,
        "ec2",
        "DescribeRegions",
        {
            "Regions": [
                {"RegionName": "eu-west-1", "OptInStatus": "opt-in-not-required"},
                {"RegionName": "cn-north-1", "OptInStatus": "opt-in-not-required"},
                {"RegionName": "us-gov-west-1", "OptInStatus": "opt-in-not-required"},
                {"RegionName": "xx-future-1", "OptInStatus": "opted-in"},
                {"RegionName": "ap-east-1", "OptInStatus": "not-opted-in"},
            ]
        },
    )
    inventory = collect_aws(AwsScanOptions(regions=("eu-west-1",)), session=session)
    assert inventory.enabled_regions == ["eu-west-1", "xx-future-1"]
    assert inventory.regions["eu-west-1"].opt_in_status == "opt-in-not-required"
