"""Seeding the demo estate: afterwards the real boto3 read calls see what the estate says."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from auditor.emulators import moto_extensions
from auditor.emulators.aws_seed import SeededAws, SeedError, client_factory, seed_aws
from auditor.emulators.estate import AwsEstate, bundled_estate, load_estate, parse_estate
from auditor.emulators.moto_server import main as moto_server_main
from auditor.emulators.moto_server import running_moto_server
from tests.emulators.conftest import CIS_120

Client = Callable[..., Any]
ATTACKER_NAME = "<img src=x onerror=alert(1)>[bold]"


@pytest.fixture(scope="module")
def demo() -> AwsEstate:
    estate = load_estate(bundled_estate()).aws
    assert estate is not None
    return estate


@pytest.fixture(scope="module")
def seeded(demo: AwsEstate) -> Iterator[tuple[SeededAws, Client]]:
    """The demo estate seeded once, in-process; the tests only read."""
    moto_extensions.install()
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    with mock_aws():
        result = seed_aws(demo, session)
        yield result, lambda service, region="us-east-1": session.client(service, region_name=region)


def _flow_logs(client: Client, region: str) -> dict[str, dict[str, Any]]:
    return {f["ResourceId"]: f for f in client("ec2", region).describe_flow_logs()["FlowLogs"]}


def _vpcs(client: Client, region: str) -> dict[str, dict[str, Any]]:
    vpcs = client("ec2", region).describe_vpcs()["Vpcs"]
    return {next((t["Value"] for t in v.get("Tags", []) if t["Key"] == "Name"), v["VpcId"]): v for v in vpcs}


def test_only_the_estate_regions_are_enabled(seeded: tuple[SeededAws, Client], demo: AwsEstate) -> None:
    _, client = seeded
    ec2 = client("ec2", "eu-west-1")
    enabled = {r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions()["Regions"]}
    assert set(enabled) == set(demo.enabled_regions)
    assert set(enabled.values()) == {"opt-in-not-required"}
    everything = {r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions(AllRegions=True)["Regions"]}
    assert everything["us-west-2"] == "not-opted-in"
    assert len(everything) > len(enabled)


def test_flow_logs_at_vpc_level_subnet_level_and_none(seeded: tuple[SeededAws, Client]) -> None:
    result, client = seeded
    us_flow_logs = _flow_logs(client, "us-east-1")
    prod = result.get("us-east-1", "vpc", "prod")
    assert us_flow_logs[prod]["TrafficType"] == "ALL"
    assert us_flow_logs[prod]["LogDestinationType"] == "s3"
    assert us_flow_logs[prod]["LogDestination"] == "arn:aws:s3:::acme-vpc-flow-logs-123456789012/prod/"
    assert us_flow_logs[prod]["FlowLogStatus"] == "ACTIVE"

    eu_flow_logs = _flow_logs(client, "eu-west-1")
    analytics_a = result.get("eu-west-1", "subnet", "analytics-a")
    assert set(eu_flow_logs) == {analytics_a}
    assert eu_flow_logs[analytics_a]["TrafficType"] == "REJECT"
    assert eu_flow_logs[analytics_a]["LogGroupName"] == "vpc-flow-logs"
    assert eu_flow_logs[analytics_a]["DeliverLogsStatus"] == "SUCCESS"
    assert result.get("eu-west-1", "vpc", ATTACKER_NAME) not in eu_flow_logs

    assert _flow_logs(client, "ap-southeast-2") == {}


def test_vpcs_keep_their_names_and_the_default_vpc_is_gone_where_asked(
    seeded: tuple[SeededAws, Client],
) -> None:
    _, client = seeded
    eu = _vpcs(client, "eu-west-1")
    assert ATTACKER_NAME in eu  # byte for byte: escaping is the renderers' job
    assert any(v["IsDefault"] for v in eu.values())
    assert client("ec2", "ap-southeast-2").describe_vpcs()["Vpcs"] == []


def test_resolver_query_logging_on_the_prod_vpc_only(seeded: tuple[SeededAws, Client]) -> None:
    result, client = seeded
    resolver = client("route53resolver", "us-east-1")
    [association] = resolver.list_resolver_query_log_config_associations()[
        "ResolverQueryLogConfigAssociations"
    ]
    assert association["ResourceId"] == result.get("us-east-1", "vpc", "prod")
    assert association["Status"] == "ACTIVE"
    [config] = resolver.list_resolver_query_log_configs()["ResolverQueryLogConfigs"]
    assert config["DestinationArn"].endswith(":log-group:/aws/route53resolver/prod")
    eu = client("route53resolver", "eu-west-1")
    assert eu.list_resolver_query_log_config_associations()["ResolverQueryLogConfigAssociations"] == []


def test_guardduty_in_us_east_1_only_with_s3_protection(seeded: tuple[SeededAws, Client]) -> None:
    _, client = seeded
    guardduty = client("guardduty", "us-east-1")
    [detector_id] = guardduty.list_detectors()["DetectorIds"]
    detector = guardduty.get_detector(DetectorId=detector_id)
    assert detector["Status"] == "ENABLED"
    assert {f["Name"]: f["Status"] for f in detector["Features"]} == {
        "S3_DATA_EVENTS": "ENABLED",
        "EKS_AUDIT_LOGS": "DISABLED",
    }
    for region in ("eu-west-1", "ap-southeast-2"):
        assert client("guardduty", region).list_detectors()["DetectorIds"] == []


def test_security_hub_with_cis_1_2_only(seeded: tuple[SeededAws, Client]) -> None:
    _, client = seeded
    hub = client("securityhub", "us-east-1")
    assert hub.describe_hub()["HubArn"] == "arn:aws:securityhub:us-east-1:123456789012:hub/default"
    [standard] = hub.get_enabled_standards()["StandardsSubscriptions"]
    assert standard["StandardsArn"] == CIS_120
    assert standard["StandardsStatus"] == "READY"
    with pytest.raises(ClientError) as not_subscribed:
        client("securityhub", "eu-west-1").get_enabled_standards()
    assert not_subscribed.value.response["Error"]["Code"] == "InvalidAccessException"


def test_cloudtrail_trail_and_its_bucket(seeded: tuple[SeededAws, Client]) -> None:
    result, client = seeded
    cloudtrail = client("cloudtrail", "us-east-1")
    [trail] = cloudtrail.describe_trails()["trailList"]
    assert trail["Name"] == "management-events"
    assert trail["HomeRegion"] == "us-east-1"
    assert trail["IsMultiRegionTrail"] and trail["LogFileValidationEnabled"]
    assert trail["KmsKeyId"] == result.get("us-east-1", "kms_key", "cloudtrail")
    assert trail["CloudWatchLogsLogGroupArn"] == (
        "arn:aws:logs:us-east-1:123456789012:log-group:cloudtrail-events:*"
    )
    assert cloudtrail.get_trail_status(Name="management-events")["IsLogging"]
    selectors = cloudtrail.get_event_selectors(TrailName="management-events")["EventSelectors"]
    assert {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []} in selectors
    assert {
        "ReadWriteType": "WriteOnly",
        "IncludeManagementEvents": False,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
    } in selectors
    logging = client("s3").get_bucket_logging(Bucket="acme-cloudtrail-123456789012")["LoggingEnabled"]
    assert logging == {"TargetBucket": "acme-s3-access-logs-123456789012", "TargetPrefix": "cloudtrail/"}


def test_kms_rotation_config_and_ebs(seeded: tuple[SeededAws, Client]) -> None:
    result, client = seeded
    kms = client("kms", "us-east-1")
    assert kms.get_key_rotation_status(KeyId=result.get("us-east-1", "kms_key", "cloudtrail"))[
        "KeyRotationEnabled"
    ]
    assert not kms.get_key_rotation_status(KeyId=result.get("us-east-1", "kms_key", "app-data"))[
        "KeyRotationEnabled"
    ]
    [status] = client("config", "us-east-1").describe_configuration_recorder_status()[
        "ConfigurationRecordersStatus"
    ]
    assert status["recording"]
    assert client("config", "eu-west-1").describe_configuration_recorders()["ConfigurationRecorders"] == []
    assert client("ec2", "us-east-1").get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
    assert not client("ec2", "eu-west-1").get_ebs_encryption_by_default()["EbsEncryptionByDefault"]


def test_load_balancer_access_logs(seeded: tuple[SeededAws, Client]) -> None:
    result, client = seeded
    elbv2 = client("elbv2", "us-east-1")

    def attributes(name: str) -> dict[str, str]:
        arn = result.get("us-east-1", "load_balancer", name)
        return {
            a["Key"]: a["Value"]
            for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
        }

    assert attributes("prod-web")["access_logs.s3.enabled"] == "true"
    assert attributes("prod-web")["access_logs.s3.bucket"] == "acme-elb-logs-123456789012"
    assert attributes("internal-api").get("access_logs.s3.enabled", "false") == "false"
    [internal] = elbv2.describe_load_balancers(Names=["internal-api"])["LoadBalancers"]
    assert internal["Scheme"] == "internal" and internal["Type"] == "application"
    elb = client("elb", "eu-west-1")
    access_log = elb.describe_load_balancer_attributes(LoadBalancerName="legacy-reports")[
        "LoadBalancerAttributes"
    ]
    assert access_log["AccessLog"]["Enabled"] is False


def test_web_acl_logging_and_cloudfront(seeded: tuple[SeededAws, Client]) -> None:
    result, client = seeded
    waf = client("wafv2", "us-east-1")
    logged = waf.get_logging_configuration(ResourceArn=result.get("us-east-1", "web_acl", "prod-web"))
    assert logged["LoggingConfiguration"]["LogDestinationConfigs"] == [
        "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-prod-web"
    ]
    with pytest.raises(ClientError) as unlogged:
        waf.get_logging_configuration(ResourceArn=result.get("us-east-1", "web_acl", "legacy-api"))
    assert unlogged.value.response["Error"]["Code"] == "WAFNonexistentItemException"
    assert [a["Name"] for a in waf.list_web_acls(Scope="CLOUDFRONT")["WebACLs"]] == ["cloudfront-edge"]

    cloudfront = client("cloudfront")
    configs = {
        config["Comment"]: config
        for item in cloudfront.list_distributions()["DistributionList"]["Items"]
        for config in [cloudfront.get_distribution_config(Id=item["Id"])["DistributionConfig"]]
    }
    assert configs["marketing-site"]["Logging"]["Enabled"] is True
    assert configs["marketing-site"]["WebACLId"] == result.get("global", "web_acl", "cloudfront-edge")
    assert configs["legacy-downloads"]["Logging"]["Enabled"] is False


def test_security_groups_instances_and_nacl(seeded: tuple[SeededAws, Client]) -> None:
    result, client = seeded
    us = client("ec2", "us-east-1")
    groups = {g["GroupName"]: g for g in us.describe_security_groups()["SecurityGroups"]}
    [ssh] = groups["bastion"]["IpPermissions"]
    assert (ssh["FromPort"], ssh["ToPort"], ssh["IpRanges"]) == (22, 22, [{"CidrIp": "0.0.0.0/0"}])
    eu_groups = {
        g["GroupName"]: g for g in client("ec2", "eu-west-1").describe_security_groups()["SecurityGroups"]
    }
    [rdp] = eu_groups["rdp-admin"]["IpPermissions"]
    assert (rdp["FromPort"], rdp["Ipv6Ranges"], rdp["IpRanges"]) == (3389, [{"CidrIpv6": "::/0"}], [])

    tokens = {
        i["InstanceId"]: i["MetadataOptions"]["HttpTokens"]
        for r in us.describe_instances()["Reservations"]
        for i in r["Instances"]
    }
    assert tokens[result.get("us-east-1", "instance", "web-1")] == "required"
    assert tokens[result.get("us-east-1", "instance", "bastion-1")] == "optional"

    prod = result.get("us-east-1", "vpc", "prod")
    [acl] = us.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [prod]}])["NetworkAcls"]
    [telnet] = [e for e in acl["Entries"] if e["RuleNumber"] == 90]
    assert (telnet["RuleAction"], telnet["Protocol"], telnet["PortRange"]) == (
        "deny",
        "6",
        {"From": 23, "To": 23},
    )


def test_api_stage_access_logs(seeded: tuple[SeededAws, Client]) -> None:
    result, client = seeded
    stages = client("apigateway", "us-east-1").get_stages(
        restApiId=result.get("us-east-1", "rest_api", "orders")
    )
    by_name = {s["stageName"]: s for s in stages["item"]}
    assert by_name["prod"]["accessLogSettings"]["destinationArn"].endswith(
        ":log-group:/aws/apigateway/orders-prod"
    )
    assert "accessLogSettings" not in by_name["dev"]


def test_cis_metric_filters_alarms_and_subscription(seeded: tuple[SeededAws, Client]) -> None:
    _, client = seeded
    filters = client("logs", "us-east-1").describe_metric_filters(logGroupName="cloudtrail-events")[
        "metricFilters"
    ]
    patterns = {f["filterName"]: f["filterPattern"] for f in filters}
    assert '$.errorCode = "*UnauthorizedOperation"' in patterns["unauthorized-api-calls"]
    assert '$.userIdentity.type = "Root"' in patterns["root-account-usage"]
    alarms = {a["AlarmName"]: a for a in client("cloudwatch", "us-east-1").describe_alarms()["MetricAlarms"]}
    topic = "arn:aws:sns:us-east-1:123456789012:security-alerts"
    assert alarms["cis-root-account-usage"]["MetricName"] == "RootAccountUsage"
    assert alarms["cis-unauthorized-api-calls"]["AlarmActions"] == [topic]
    assert "console-signin-without-mfa" not in {a["MetricName"] for a in alarms.values()}
    [subscription] = client("sns", "us-east-1").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subscription["Protocol"] == "email"


OTHER_ACCOUNT = """\
aws:
  account_id: "210987654321"
  enabled_regions: [eu-central-1]
  regions:
    eu-central-1:
      guardduty: {}
      vpcs: [{name: only, cidr: 10.0.0.0/16, flow_logs: {destination: "logs:flows"}}]
"""


def test_an_estate_in_another_account() -> None:
    estate = parse_estate(OTHER_ACCOUNT).aws
    assert estate is not None
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    moto_extensions.install()
    with mock_aws():
        with pytest.raises(SeedError, match="reach account 123456789012 but the estate is for 210987654321"):
            seed_aws(estate, session)
        clients = client_factory(session, account_id="210987654321")
        seed_aws(estate, clients)
        assert clients("sts", "us-east-1").get_caller_identity()["Account"] == "210987654321"
        assert len(clients("guardduty", "eu-central-1").list_detectors()["DetectorIds"]) == 1
        assert session.client("guardduty", region_name="eu-central-1").list_detectors()["DetectorIds"] == []


def test_moto_server_seeded_from_the_demo_estate() -> None:
    with running_moto_server(estate=bundled_estate()) as url:
        assert url.startswith("http://127.0.0.1:")
        session = boto3.Session(aws_access_key_id="anything", aws_secret_access_key="anything")

        def client(service: str, region: str = "us-east-1") -> Any:
            return session.client(service, region_name=region, endpoint_url=url)

        regions = {r["RegionName"] for r in client("ec2").describe_regions()["Regions"]}
        assert regions == {"us-east-1", "eu-west-1", "ap-southeast-2"}
        [standard] = client("securityhub").get_enabled_standards()["StandardsSubscriptions"]
        assert standard["StandardsArn"] == CIS_120
        flow_logs = client("ec2").describe_flow_logs()["FlowLogs"]
        assert [f["TrafficType"] for f in flow_logs] == ["ALL"]
        [trail] = client("cloudtrail").describe_trails()["trailList"]
        assert trail["IsMultiRegionTrail"]
        assert len(client("guardduty").list_detectors()["DetectorIds"]) == 1


def test_moto_server_refuses_a_malformed_estate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        textwrap.dedent("aws:\n  account_id: nope\n  enabled_regions: [us-east-1]\n"), encoding="utf-8"
    )
    assert moto_server_main(["--port", "0", "--estate", str(bad)]) == 2
    assert f"{bad}: aws.account_id: String should match pattern" in capsys.readouterr().err
