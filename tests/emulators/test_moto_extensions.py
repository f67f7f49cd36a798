"""The operations added to moto answer the real boto3 client, in-process and over HTTP."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.securityhub.models import SecurityHubBackend

from auditor.emulators import moto_extensions
from tests.emulators.conftest import CIS_120, Clients, standards_except_cis_120

ACCOUNT = "123456789012"


def test_batch_enable_standards_returns_ready_subscriptions(aws: Clients) -> None:
    hub = aws("securityhub", "eu-west-1")
    hub.enable_security_hub(EnableDefaultStandards=False)
    assert hub.get_enabled_standards()["StandardsSubscriptions"] == []

    response = hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": CIS_120}])

    [subscription] = response["StandardsSubscriptions"]
    assert subscription["StandardsArn"] == CIS_120
    assert subscription["StandardsSubscriptionArn"] == (
        f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:subscription/cis-aws-foundations-benchmark/v/1.2.0"
    )
    assert subscription["StandardsStatus"] == "READY"
    assert hub.get_enabled_standards()["StandardsSubscriptions"] == [subscription]
    # Subscriptions are per region.
    other = aws("securityhub", "us-east-1")
    other.enable_security_hub(EnableDefaultStandards=False)
    assert other.get_enabled_standards()["StandardsSubscriptions"] == []


def test_get_enabled_standards_pages(aws: Clients) -> None:
    hub = aws("securityhub", "us-east-1")
    hub.enable_security_hub(EnableDefaultStandards=False)
    wanted = standards_except_cis_120("us-east-1")
    hub.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": arn} for arn in wanted])

    first = hub.get_enabled_standards(MaxResults=3)
    assert len(first["StandardsSubscriptions"]) == 3
    assert first["NextToken"]
    second = hub.get_enabled_standards(MaxResults=3, NextToken=first["NextToken"])
    assert len(second["StandardsSubscriptions"]) == 3

    pages = list(hub.get_paginator("get_enabled_standards").paginate(PaginationConfig={"PageSize": 2}))
    seen = [s["StandardsArn"] for page in pages for s in page["StandardsSubscriptions"]]
    assert sorted(seen) == sorted(wanted)
    assert all(len(page["StandardsSubscriptions"]) <= 2 for page in pages)
    assert "NextToken" not in pages[-1]


def test_standards_calls_need_security_hub_and_a_known_standard(aws: Clients) -> None:
    hub = aws("securityhub", "us-east-1")
    with pytest.raises(ClientError) as not_subscribed:
        hub.get_enabled_standards()
    assert not_subscribed.value.response["Error"]["Code"] == "InvalidAccessException"

    hub.enable_security_hub(EnableDefaultStandards=False)
    with pytest.raises(ClientError) as invalid:
        hub.batch_enable_standards(
            StandardsSubscriptionRequests=[{"StandardsArn": "arn:aws:securityhub:::ruleset/nonsense/v/9.9.9"}]
        )
    assert invalid.value.response["Error"]["Code"] == "InvalidInputException"
    with pytest.raises(ClientError) as bad_token:
        hub.get_enabled_standards(NextToken="not-a-token")
    assert bad_token.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_default_standards_disable_and_describe(aws: Clients) -> None:
    hub = aws("securityhub", "ap-southeast-2")
    hub.enable_security_hub()  # EnableDefaultStandards defaults to true, as in AWS
    enabled = hub.get_enabled_standards()["StandardsSubscriptions"]
    assert {s["StandardsArn"] for s in enabled} == {
        CIS_120,
        "arn:aws:securityhub:ap-southeast-2::standards/aws-foundational-security-best-practices/v/1.0.0",
    }

    disabled = hub.batch_disable_standards(StandardsSubscriptionArns=[enabled[0]["StandardsSubscriptionArn"]])
    assert disabled["StandardsSubscriptions"][0]["StandardsStatus"] == "DELETING"
    assert len(hub.get_enabled_standards()["StandardsSubscriptions"]) == 1

    described = hub.describe_standards()["Standards"]
    assert CIS_120 in {s["StandardsArn"] for s in described}

    hub.disable_security_hub()
    hub.enable_security_hub(EnableDefaultStandards=False)
    assert hub.get_enabled_standards()["StandardsSubscriptions"] == []


def test_instance_metadata_defaults_apply_to_new_instances(aws: Clients) -> None:
    ec2 = aws("ec2", "eu-west-1")
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {}

    assert ec2.modify_instance_metadata_defaults(HttpTokens="required", HttpPutResponseHopLimit=2)["Return"]

    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {
        "HttpTokens": "required",
        "HttpPutResponseHopLimit": 2,
    }
    inherited = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    assert inherited["MetadataOptions"]["HttpTokens"] == "required"
    explicit = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, MetadataOptions={"HttpTokens": "optional"}
    )["Instances"][0]
    assert explicit["MetadataOptions"]["HttpTokens"] == "optional"
    # Defaults are per region; no-preference clears a setting.
    assert aws("ec2", "us-east-1").get_instance_metadata_defaults()["AccountLevel"] == {}
    ec2.modify_instance_metadata_defaults(HttpTokens="no-preference")
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {"HttpPutResponseHopLimit": 2}


def test_disabled_regions_are_not_opted_in(aws: Clients) -> None:
    account = aws("account", "us-east-1")
    ec2 = aws("ec2", "us-east-1")
    before = {r["RegionName"] for r in ec2.describe_regions()["Regions"]}
    assert "us-west-2" in before

    account.disable_region(RegionName="us-west-2")
    account.enable_region(RegionName="ap-east-1")

    assert account.get_region_opt_status(RegionName="us-west-2")["RegionOptStatus"] == "DISABLED"
    assert account.get_region_opt_status(RegionName="ap-east-1")["RegionOptStatus"] == "ENABLED"
    visible = {r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions()["Regions"]}
    assert "us-west-2" not in visible
    assert visible["ap-east-1"] == "opted-in"
    assert visible["us-east-1"] == "opt-in-not-required"
    everything = {r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions(AllRegions=True)["Regions"]}
    assert everything["us-west-2"] == "not-opted-in"
    filtered = ec2.describe_regions(
        AllRegions=True, Filters=[{"Name": "opt-in-status", "Values": ["opted-in"]}]
    )
    assert [r["RegionName"] for r in filtered["Regions"]] == ["ap-east-1"]
    pages = list(account.get_paginator("list_regions").paginate(PaginationConfig={"PageSize": 10}))
    statuses = {r["RegionName"]: r["RegionOptStatus"] for p in pages for r in p["Regions"]}
    assert statuses["us-west-2"] == "DISABLED"
    assert set(statuses) == set(everything)


def test_set_enabled_regions_in_process() -> None:
    moto_extensions.install()
    with mock_aws():
        moto_extensions.set_enabled_regions(ACCOUNT, ["us-east-1", "eu-west-1", "ap-southeast-2"])
        ec2 = boto3.client("ec2", region_name="eu-west-1")
        regions = {
            r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions(AllRegions=True)["Regions"]
        }
        assert {name for name, status in regions.items() if status != "not-opted-in"} == {
            "us-east-1",
            "eu-west-1",
            "ap-southeast-2",
        }
        assert moto_extensions.enabled_regions(ACCOUNT) == ["ap-southeast-2", "eu-west-1", "us-east-1"]
        with pytest.raises(ValueError, match="unknown aws regions: xx-nowhere-1"):
            moto_extensions.set_enabled_regions(ACCOUNT, ["xx-nowhere-1"])
        moto_extensions.set_enabled_regions(ACCOUNT, None)
        assert "us-west-2" in moto_extensions.enabled_regions(ACCOUNT)


def test_flow_logs_to_an_s3_prefix_and_guardduty_data_sources(aws: Clients) -> None:
    s3 = aws("s3", "us-east-1")
    s3.create_bucket(Bucket="flow-logs-bucket")
    ec2 = aws("ec2", "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    created = ec2.create_flow_logs(
        ResourceType="VPC",
        ResourceIds=[vpc],
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-logs-bucket/vpc/",
    )
    assert created["Unsuccessful"] == []
    [flow_log] = ec2.describe_flow_logs()["FlowLogs"]
    assert flow_log["LogDestination"] == "arn:aws:s3:::flow-logs-bucket/vpc/"

    guardduty = aws("guardduty", "us-east-1")
    detector = guardduty.create_detector(
        Enable=True,
        Features=[
            {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
            {"Name": "EKS_AUDIT_LOGS", "Status": "DISABLED"},
        ],
    )["DetectorId"]
    got = guardduty.get_detector(DetectorId=detector)
    assert got["DataSources"]["S3Logs"]["Status"] == "ENABLED"
    assert got["DataSources"]["Kubernetes"]["AuditLogs"]["Status"] == "DISABLED"


def test_install_is_idempotent() -> None:
    moto_extensions.install()
    wrapped = SecurityHubBackend.enable_security_hub
    moto_extensions.install()
    assert SecurityHubBackend.enable_security_hub is wrapped
    assert moto_extensions.is_installed()
