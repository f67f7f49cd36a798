"""collect_aws against moto: a seeded three-region estate, collected and checked field by field."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from moto import mock_aws

from auditor.emulators import moto_extensions
from auditor.inventory.aws import (
    AdvancedEventSelector,
    ApiStage,
    AwsInventory,
    BucketLogging,
    ClassicLoadBalancer,
    CloudFrontDistribution,
    ConfigRecorder,
    DataResource,
    EventSelector,
    FieldSelector,
    FlowLog,
    GuardDutyDetector,
    GuardDutyFeature,
    Instance,
    IpPermission,
    KmsKey,
    MetricAlarm,
    MetricFilter,
    MetricTransformation,
    NetworkAcl,
    NetworkAclEntry,
    ResolverQueryLogAssociation,
    ResolverQueryLogConfig,
    Route,
    SecurityGroup,
    SecurityHub,
    SecurityHubStandard,
    SnsSubscription,
    Trail,
    VendedLogDelivery,
    Vpc,
    VpcEndpoint,
    WebAcl,
)
from auditor.model import Status
from auditor.providers.aws import AwsCollectionFailed, AwsScanOptions, ProgressEvent, collect_aws
from auditor.providers.aws.units import GLOBAL_UNITS, REGIONAL_UNITS
from tests.conftest import run_check
from tests.providers.aws.conftest import new_session
from tests.providers.aws.estate import (
    ACCESS_LOG_BUCKET,
    ACCOUNT,
    ALB_LOG_BUCKET,
    CANNED_STANDARD,
    CF_LOG_BUCKET,
    EAST,
    EU_TRAIL_BUCKET,
    REGIONS,
    SYDNEY,
    TRAIL_BUCKET,
    WEST,
    Estate,
    seed_estate,
)
from tests.providers.aws.wire import answer_canned

STANDARDS_RESPONSE = {
    "StandardsSubscriptions": [
        {
            "StandardsSubscriptionArn": f"arn:aws:securityhub:{EAST}:{ACCOUNT}:subscription/fsbp/v/1.0.0",
            "StandardsArn": CANNED_STANDARD,
            "StandardsInput": {},
            "StandardsStatus": "READY",
        }
    ]
}


@dataclass
class Collected:
    estate: Estate
    inventory: AwsInventory
    events: list[ProgressEvent]
    threads: set[str]


@pytest.fixture(scope="module")
def collected() -> Iterator[Collected]:
    moto_extensions.install()  # the operations moto lacks (GuardDuty ListFindings, ...)
    with mock_aws():
        estate = seed_estate()
        session = new_session()
        answer_canned(session, "securityhub", "GetEnabledStandards", STANDARDS_RESPONSE)
        events: list[ProgressEvent] = []
        threads: set[str] = set()

        def progress(event: ProgressEvent) -> None:
            events.append(event)
            threads.add(threading.current_thread().name)

        inventory = collect_aws(AwsScanOptions(regions=REGIONS), progress=progress, session=session)
        yield Collected(estate, inventory, events, threads)


def _seeded(items: list, ids: set[str], attribute: str = "vpc_id") -> list:
    """The items of the seeded VPCs (moto also creates a default VPC in every region)."""
    return [item for item in items if getattr(item, attribute) in ids]


def test_identity_and_regions(collected: Collected) -> None:
    inv = collected.inventory
    assert inv.account_id == ACCOUNT
    assert inv.partition == "aws"
    assert inv.caller_arn == f"arn:aws:sts::{ACCOUNT}:user/moto"
    assert sorted(inv.regions) == sorted(REGIONS)
    assert all(region.opt_in_status == "opt-in-not-required" for region in inv.regions.values())
    # moto lists opt-in regions as "not-opted-in" (skipped) and other partitions' regions (dropped).
    assert "ap-east-1" not in inv.enabled_regions
    assert "cn-north-1" not in inv.enabled_regions and "us-gov-west-1" not in inv.enabled_regions
    assert set(REGIONS) <= set(inv.enabled_regions)
    assert inv.enabled_regions == sorted(inv.enabled_regions)


def test_nothing_failed_and_every_dataset_was_read(collected: Collected) -> None:
    inv = collected.inventory
    assert inv.errors == []
    for region in inv.regions.values():
        for dataset in REGIONAL_UNITS[0].datasets:
            assert getattr(region, dataset) is not None, (region.name, dataset)
    for region in inv.regions.values():
        assert None not in region.model_dump().values()
    assert inv.cloudfront_distributions is not None
    assert inv.cloudfront_web_acls is not None
    assert inv.bucket_logging is not None


def test_vpcs_subnets_and_flow_logs(collected: Collected) -> None:
    east, west = collected.inventory.regions[EAST], collected.inventory.regions[WEST]
    e = collected.estate
    assert sorted(_seeded(east.vpcs, {e["vpc"], e["quiet_vpc"]}, "id"), key=lambda v: v.name) == [
        Vpc(id=e["vpc"], cidr_blocks=["10.0.0.0/16"], is_default=False, name="prod"),
        Vpc(id=e["quiet_vpc"], cidr_blocks=["10.1.0.0/16"], is_default=False, name="quiet"),
    ]
    assert any(v.is_default for v in east.vpcs)  # moto's default VPC is collected too
    assert {(s.id, s.vpc_id, s.cidr_block) for s in _seeded(east.subnets, {e["vpc"]})} == {
        (e["subnet_a"], e["vpc"], "10.0.1.0/24"),
        (e["subnet_b"], e["vpc"], "10.0.2.0/24"),
    }
    assert east.flow_logs == [
        FlowLog(
            id=e["flow_log"],
            resource_id=e["vpc"],
            traffic_type="ALL",
            status="ACTIVE",
            deliver_status="SUCCESS",
            destination_type="cloud-watch-logs",
            destination="vpc-flow-logs",
            log_format=east.flow_logs[0].log_format,
            max_aggregation_interval=60,
        )
    ]
    assert east.flow_logs[0].level == "vpc"
    assert west.flow_logs == [] and collected.inventory.regions[SYDNEY].flow_logs == []
    assert _seeded(west.vpcs, {e["west_vpc"]}, "id") == [
        Vpc(id=e["west_vpc"], cidr_blocks=["10.2.0.0/16"], name="eu")
    ]


def test_security_groups(collected: Collected) -> None:
    east, e = collected.inventory.regions[EAST], collected.estate
    by_id = {g.id: g for g in east.security_groups}
    everywhere = IpPermission(protocol="-1", ipv4_ranges=["0.0.0.0/0"])
    assert by_id[e["sg_open"]] == SecurityGroup(
        id=e["sg_open"],
        name="ssh-open",
        vpc_id=e["vpc"],
        description="open to the world",
        ingress=[
            IpPermission(
                protocol="tcp", from_port=22, to_port=22, ipv4_ranges=["0.0.0.0/0"], ipv6_ranges=["::/0"]
            ),
            IpPermission(protocol="tcp", from_port=443, to_port=443, group_ids=[e["sg_peer"]]),
        ],
        egress=[everywhere],
    )
    defaults = [g for g in _seeded(east.security_groups, {e["vpc"]}) if g.is_default]
    assert len(defaults) == 1 and defaults[0].egress == [everywhere]


def test_network_acls_and_routes(collected: Collected) -> None:
    east, e = collected.inventory.regions[EAST], collected.estate
    acls = {a.id: a for a in east.network_acls}
    custom = acls[e["nacl"]]
    assert custom == NetworkAcl(
        id=e["nacl"],
        vpc_id=e["vpc"],
        is_default=False,
        entries=custom.entries,
        subnet_ids=[e["subnet_a"]],
    )
    assert sorted(custom.entries, key=lambda x: (x.egress, x.rule_number)) == [
        NetworkAclEntry(
            rule_number=100,
            protocol="6",
            egress=False,
            action="allow",
            cidr_block="0.0.0.0/0",
            port_from=443,
            port_to=443,
        ),
        NetworkAclEntry(
            rule_number=200,
            protocol="6",
            egress=False,
            action="deny",
            cidr_block="0.0.0.0/0",
            port_from=22,
            port_to=22,
        ),
        NetworkAclEntry(rule_number=100, protocol="-1", egress=True, action="allow", cidr_block="0.0.0.0/0"),
    ]
    default_acl = next(a for a in _seeded(east.network_acls, {e["vpc"]}) if a.is_default)
    assert default_acl.subnet_ids == [e["subnet_b"]]

    tables = {t.id: t for t in east.route_tables}
    table = tables[e["route_table"]]
    assert (table.vpc_id, table.subnet_ids, table.is_main) == (e["vpc"], [e["subnet_a"]], False)
    assert Route(destination="10.0.0.0/16", target="local") in table.routes
    assert Route(destination="0.0.0.0/0", target=e["igw"]) in table.routes
    assert any(r.target == e["vpc_endpoint"] and r.destination.startswith("pl-") for r in table.routes)
    main = [t for t in _seeded(east.route_tables, {e["vpc"]}) if t.is_main]
    assert len(main) == 1 and main[0].routes == [Route(destination="10.0.0.0/16", target="local")]

    assert east.vpc_endpoints == [
        VpcEndpoint(
            id=e["vpc_endpoint"],
            vpc_id=e["vpc"],
            service_name=f"com.amazonaws.{EAST}.s3",
            endpoint_type="Gateway",
            state="available",
        )
    ]


def test_instances_skip_terminated_and_ebs_default(collected: Collected) -> None:
    inv, e = collected.inventory, collected.estate
    assert inv.regions[EAST].instances == [
        Instance(
            id=e["instance"],
            state="running",
            vpc_id=e["vpc"],
            name="web",
            metadata_http_tokens="required",
            metadata_http_endpoint="enabled",
        )
    ]
    assert inv.regions[EAST].ebs_encryption_by_default is False
    assert inv.regions[WEST].ebs_encryption_by_default is True


def test_dns_query_logging(collected: Collected) -> None:
    east, e = collected.inventory.regions[EAST], collected.estate
    assert east.resolver_query_log_configs == [
        ResolverQueryLogConfig(
            id=e["query_log_config"],
            name="dns",
            arn=f"arn:aws:route53resolver:{EAST}:{ACCOUNT}:resolver-query-log-config/{e['query_log_config']}",
            destination_arn=f"arn:aws:logs:{EAST}:{ACCOUNT}:log-group:dns-queries",
            status="CREATED",
            owner_id=ACCOUNT,
            share_status="NOT_SHARED",
        )
    ]
    assert east.resolver_query_log_associations == [
        ResolverQueryLogAssociation(
            id=e["query_log_association"],
            config_id=e["query_log_config"],
            resource_id=e["vpc"],
            status="ACTIVE",
        )
    ]
    assert collected.inventory.regions[WEST].resolver_query_log_configs == []


def test_trails_appear_once_in_their_home_region(collected: Collected) -> None:
    inv, e = collected.inventory, collected.estate
    assert inv.regions[EAST].trails == [
        Trail(
            name="org-audit",
            arn=e["trail_arn"],
            home_region=EAST,
            is_multi_region=True,
            include_global_service_events=True,
            s3_bucket=TRAIL_BUCKET,
            log_file_validation=True,
            cloudwatch_log_group_arn=e["trail_log_group"],
            is_logging=True,
            event_selectors=[
                EventSelector(
                    read_write_type="All",
                    include_management_events=True,
                    data_resources=[DataResource(type="AWS::S3::Object", values=["arn:aws:s3"])],
                )
            ],
        )
    ]
    assert inv.regions[EAST].trails[0].cloudwatch_log_group_name == "cloudtrail"
    assert inv.regions[WEST].trails == [
        Trail(
            name="eu-data",
            arn=e["eu_trail_arn"],
            home_region=WEST,
            include_global_service_events=True,
            s3_bucket=EU_TRAIL_BUCKET,
            is_logging=False,
            advanced_event_selectors=[
                AdvancedEventSelector(
                    name="s3-writes",
                    field_selectors=[
                        FieldSelector(field="eventCategory", equals=["Data"]),
                        FieldSelector(field="resources.type", equals=["AWS::S3::Object"]),
                        FieldSelector(field="readOnly", equals=["false"]),
                        FieldSelector(
                            field="resources.ARN",
                            starts_with=["arn:aws:s3:::secret/"],
                            not_ends_with=[".tmp"],
                        ),
                    ],
                )
            ],
        )
    ]
    # The multi-region trail is a shadow trail in Sydney: not listed there again.
    assert inv.regions[SYDNEY].trails == []


def test_trail_bucket_logging(collected: Collected) -> None:
    assert collected.inventory.bucket_logging == {
        TRAIL_BUCKET: BucketLogging(
            bucket=TRAIL_BUCKET, logging_enabled=True, target_bucket=ACCESS_LOG_BUCKET, target_prefix="trail/"
        ),
        EU_TRAIL_BUCKET: BucketLogging(bucket=EU_TRAIL_BUCKET, logging_enabled=False),
    }


def test_config_logs_alarms_and_subscriptions(collected: Collected) -> None:
    inv, e = collected.inventory, collected.estate
    east = inv.regions[EAST]
    assert east.config_recorders == [
        ConfigRecorder(
            name="default",
            all_supported=True,
            include_global_resource_types=True,
            recording_strategy="ALL_SUPPORTED_RESOURCE_TYPES",
            recording=True,
            last_status="PENDING",
        )
    ]
    assert inv.regions[WEST].config_recorders == [
        ConfigRecorder(name="eu", recording_strategy="INCLUSION_BY_RESOURCE_TYPES", recording=False)
    ]
    assert inv.regions[SYDNEY].config_recorders == []
    assert east.metric_filters == [
        MetricFilter(
            name="console-no-mfa",
            log_group="cloudtrail",
            pattern='{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
            transformations=[MetricTransformation(metric_name="ConsoleNoMfa", metric_namespace="CIS")],
        )
    ]
    assert east.metric_alarms == [
        MetricAlarm(
            name="console-no-mfa",
            metric_name="ConsoleNoMfa",
            namespace="CIS",
            actions_enabled=True,
            alarm_actions=[e["topic"]],
        )
    ]
    assert east.sns_subscriptions == [
        SnsSubscription(arn=e["subscription"], topic_arn=e["topic"], protocol="email")
    ]
    assert "soc@example.com" not in inv.model_dump_json()  # the endpoint is never stored


def test_kms_keys_and_rotation(collected: Collected) -> None:
    east, e = collected.inventory.regions[EAST], collected.estate

    def key(name: str, spec: str, rotation: bool | None) -> KmsKey:
        return KmsKey(
            id=e[name],
            arn=f"arn:aws:kms:{EAST}:{ACCOUNT}:key/{e[name]}",
            manager="CUSTOMER",
            state="Enabled",
            spec=spec,
            origin="AWS_KMS",
            rotation_enabled=rotation,
        )

    assert sorted(east.kms_keys, key=lambda k: k.id) == sorted(
        [
            key("key_rotated", "SYMMETRIC_DEFAULT", True),
            key("key_unrotated", "SYMMETRIC_DEFAULT", False),
            key("key_signing", "RSA_2048", None),
        ],
        key=lambda k: k.id,
    )
    # Rotation is asked only of the two symmetric keys.
    assert collected.inventory.api_calls["kms:GetKeyRotationStatus"] == 2


def test_load_balancers(collected: Collected) -> None:
    inv, e = collected.inventory, collected.estate
    [logged] = inv.regions[EAST].load_balancers
    assert (logged.arn, logged.name, logged.type, logged.vpc_id) == (
        e["alb_logged"],
        "logged",
        "application",
        e["vpc"],
    )
    assert logged.access_logs_enabled
    assert logged.attributes["access_logs.s3.bucket"] == ALB_LOG_BUCKET
    assert logged.attributes["access_logs.s3.prefix"] == "alb"
    [silent] = inv.regions[WEST].load_balancers
    assert (silent.arn, silent.name, silent.scheme, silent.vpc_id) == (
        e["alb_silent"],
        "silent",
        "internal",
        e["west_vpc"],
    )
    assert not silent.access_logs_enabled
    [legacy] = inv.regions[SYDNEY].classic_load_balancers
    assert legacy == ClassicLoadBalancer(
        name="legacy", scheme="internet-facing", vpc_id=legacy.vpc_id, access_log_enabled=False
    )
    assert inv.regions[EAST].classic_load_balancers == []


def test_api_stages(collected: Collected) -> None:
    inv, e = collected.inventory, collected.estate
    assert inv.regions[EAST].api_stages == [
        ApiStage(
            api_id=e["rest_api"],
            api_name="orders",
            api_type="REST",
            stage_name="prod",
            access_log_destination=f"arn:aws:logs:{EAST}:{ACCOUNT}:log-group:api-access",
        )
    ]
    assert inv.regions[WEST].api_stages == [
        ApiStage(api_id=e["http_api"], api_name="events", api_type="HTTP", stage_name="$default")
    ]


def test_web_acls_and_cloudfront(collected: Collected) -> None:
    inv, e = collected.inventory, collected.estate
    assert inv.regions[EAST].web_acls == [
        WebAcl(
            arn=e["acl_logged"],
            name="logged",
            id=e["acl_logged_id"],
            scope="REGIONAL",
            logging_destinations=[e["acl_log_group"]],
        )
    ]
    assert inv.regions[WEST].web_acls == [
        WebAcl(arn=e["acl_silent"], name="silent", id=e["acl_silent_id"], scope="REGIONAL")
    ]
    assert inv.regions[SYDNEY].web_acls == []
    assert inv.cloudfront_web_acls == [
        WebAcl(arn=e["acl_edge"], name="edge", id=e["acl_edge_id"], scope="CLOUDFRONT")
    ]
    assert inv.cloudfront_distributions == [
        CloudFrontDistribution(
            id=e["distribution"],
            arn=e["distribution_arn"],
            domain_name=e["distribution_domain"],
            enabled=True,
            logging_enabled=True,
            logging_bucket=CF_LOG_BUCKET,
            web_acl_id=e["acl_edge"],
        ),
        CloudFrontDistribution(
            id=e["media"], arn=e["media_arn"], domain_name=e["media_domain"], enabled=True
        ),
    ]
    # standard logging v2: the media distribution's CloudWatch Logs delivery (read in us-east-1)
    assert inv.cloudfront_log_deliveries == [
        VendedLogDelivery(
            source_name="cf-media",
            resource_arns=[e["media_arn"]],
            service="cloudfront",
            log_type="ACCESS_LOGS",
            destination_arn=e["media_destination"],
            destination_type="S3",
        )
    ]
    verdicts = {f.resource_id: f.status for f in run_check("aws.cloudfront.access_logging_enabled", inv)}
    assert verdicts == {e["distribution_arn"]: Status.PASS, e["media_arn"]: Status.PASS}
    # One ListLoggingConfigurations per scope and region, never one per ACL.
    assert inv.api_calls["wafv2:ListLoggingConfigurations"] == len(REGIONS) + 1


def test_guardduty_detectors(collected: Collected) -> None:
    inv, e = collected.inventory, collected.estate
    assert inv.regions[EAST].guardduty_detectors == [
        GuardDutyDetector(
            id=e["detector"],
            status="ENABLED",
            finding_publishing_frequency="FIFTEEN_MINUTES",
            features=[
                GuardDutyFeature(name="S3_DATA_EVENTS", status="ENABLED"),
                GuardDutyFeature(
                    name="EKS_RUNTIME_MONITORING",
                    status="ENABLED",
                    additional={"EKS_ADDON_MANAGEMENT": "DISABLED"},
                ),
            ],
            data_sources={
                "CloudTrail": "DISABLED",
                "DNSLogs": "DISABLED",
                "FlowLogs": "DISABLED",
                "S3Logs": "ENABLED",
                "Kubernetes.AuditLogs": "DISABLED",
            },
        )
    ]
    [paused] = inv.regions[WEST].guardduty_detectors
    assert (paused.id, paused.status) == (e["detector_paused"], "DISABLED")
    assert inv.regions[SYDNEY].guardduty_detectors == []


def test_guardduty_active_findings_of_enabled_detectors(collected: Collected) -> None:
    inv, e = collected.inventory, collected.estate
    [finding] = inv.regions[EAST].guardduty_findings
    assert (finding.type, finding.severity, finding.detector_id, finding.sample) == (
        "CryptoCurrency:EC2/BitcoinTool.B!DNS",
        8.0,
        e["detector"],
        True,
    )
    assert inv.regions[WEST].guardduty_findings == []  # a paused detector: nothing is read
    assert inv.regions[SYDNEY].guardduty_findings == []


def test_security_hub(collected: Collected) -> None:
    inv = collected.inventory
    assert inv.regions[EAST].security_hub == SecurityHub(
        enabled=True,
        hub_arn=f"arn:aws:securityhub:{EAST}:{ACCOUNT}:hub/default",
        standards=[
            SecurityHubStandard(
                standards_arn=CANNED_STANDARD,
                subscription_arn=f"arn:aws:securityhub:{EAST}:{ACCOUNT}:subscription/fsbp/v/1.0.0",
                status="READY",
            )
        ],
    )
    # "Not subscribed" is an answer, not an error.
    assert inv.regions[WEST].security_hub == SecurityHub(enabled=False)
    assert inv.regions[SYDNEY].security_hub == SecurityHub(enabled=False)


def test_api_calls_are_counted(collected: Collected) -> None:
    calls = collected.inventory.api_calls
    assert calls["sts:GetCallerIdentity"] == 1
    assert calls["ec2:DescribeRegions"] == 1
    assert calls["ec2:DescribeVpcs"] == len(REGIONS)
    assert calls["guardduty:GetDetector"] == 2  # one per detector
    assert calls["cloudtrail:GetTrailStatus"] == 2  # one per trail, in its home region only
    assert calls["s3:GetBucketLogging"] == 2  # one per distinct trail bucket
    assert calls["cloudfront:GetDistributionConfig"] == 2  # one per distribution
    assert calls["logs:DescribeDeliverySources"] == 1 and calls["logs:DescribeDeliveries"] == 1
    assert list(calls) == sorted(calls)


def test_progress_reports_every_unit_from_worker_threads(collected: Collected) -> None:
    events = collected.events
    total = len(REGIONS) * len(REGIONAL_UNITS) + len(GLOBAL_UNITS) + 1
    assert [event.done for event in events] == list(range(1, total + 1))
    assert {event.total for event in events} == {total}
    assert {(e.region, e.service) for e in events if e.region != "global"} == {
        (region, unit.service) for region in REGIONS for unit in REGIONAL_UNITS
    }
    assert {e.service for e in events if e.region == "global"} == {"cloudfront", "wafv2", "s3"}
    assert events[-1].service == "s3"  # the trail buckets are read after every trail is known
    assert all(name.startswith("aws-collect") for name in collected.threads)


def test_progress_counts_each_region_on_its_own(collected: Collected) -> None:
    events = collected.events
    assert {(e.provider, e.account) for e in events} == {("aws", ACCOUNT)}
    for region in REGIONS:
        mine = [e for e in events if e.region == region]
        assert [e.region_done for e in mine] == list(range(1, len(REGIONAL_UNITS) + 1))
        assert {e.region_total for e in mine} == {len(REGIONAL_UNITS)}
    account_wide = [e for e in events if e.region == "global"]
    assert [e.region_done for e in account_wide] == list(range(1, len(GLOBAL_UNITS) + 2))
    assert {e.region_total for e in account_wide} == {len(GLOBAL_UNITS) + 1}


def test_inventory_round_trips_as_json(collected: Collected) -> None:
    inv = collected.inventory
    assert AwsInventory.model_validate_json(inv.model_dump_json()) == inv


def test_region_restriction(session) -> None:
    inventory = collect_aws(AwsScanOptions(regions=(WEST,)), session=session)
    assert list(inventory.regions) == [WEST]
    assert len(inventory.enabled_regions) > 1
    assert inventory.api_calls["ec2:DescribeVpcs"] == 1
    assert inventory.errors == []


@pytest.mark.parametrize(
    ("region", "reason"),
    [("xx-nowhere-1", "'xx-nowhere-1' is not a known region"), ("ap-east-1", "'ap-east-1' is not enabled")],
)
def test_unknown_or_disabled_region_fails_the_scan(session, region: str, reason: str) -> None:
    with pytest.raises(AwsCollectionFailed) as raised:
        collect_aws(AwsScanOptions(regions=(EAST, region)), session=session)
    message = str(raised.value)
    assert reason in message
    assert ACCOUNT in message and "Enabled regions:" in message


def test_progress_callback_can_cancel_the_scan(session) -> None:
    class Cancelled(Exception):
        pass

    def progress(event: ProgressEvent) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        collect_aws(AwsScanOptions(regions=(EAST,)), progress=progress, session=session)
