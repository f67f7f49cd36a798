"""The typed AWS inventory: what the collector saw in one account, and what it could not see.

Every dataset is ``list[...] | None`` (or ``Model | None``): ``None`` means the read failed and a
``CollectionError`` for that (region, dataset) is in ``AwsInventory.errors``. An empty list means the
read succeeded and there is nothing. Checks must tell the two apart; ``AwsInventory.errors_for``
gives the errors behind a ``None``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from auditor.inventory.common import InventoryBase

GLOBAL = "global"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- VPC and EC2 networking ------------------------------------------------------------------


class Vpc(_Model):
    id: str
    cidr_blocks: list[str] = Field(default_factory=list)
    is_default: bool = False
    name: str = ""


class Subnet(_Model):
    id: str
    vpc_id: str
    cidr_block: str = ""


class FlowLog(_Model):
    id: str
    resource_id: str = Field(description="vpc-..., subnet-... or eni-...")
    traffic_type: Literal["ACCEPT", "REJECT", "ALL"] | str
    status: str = Field(description="FlowLogStatus: ACTIVE when it is collecting.")
    deliver_status: str = Field(default="", description="DeliverLogsStatus: SUCCESS or FAILED.")
    deliver_error: str = ""
    destination_type: str = ""
    destination: str = ""
    log_format: str = ""
    max_aggregation_interval: int | None = None

    @property
    def level(self) -> Literal["vpc", "subnet", "eni", "other"]:
        prefix = self.resource_id.split("-", 1)[0]
        return {"vpc": "vpc", "subnet": "subnet", "eni": "eni"}.get(prefix, "other")  # type: ignore[return-value]


class IpPermission(_Model):
    """One security-group rule (ingress or egress) as EC2 returns it."""

    protocol: str = Field(description="'-1' for all, 'tcp', 'udp', 'icmp' or a number.")
    from_port: int | None = None
    to_port: int | None = None
    ipv4_ranges: list[str] = Field(default_factory=list)
    ipv6_ranges: list[str] = Field(default_factory=list)
    prefix_list_ids: list[str] = Field(default_factory=list)
    group_ids: list[str] = Field(default_factory=list)


class SecurityGroup(_Model):
    id: str
    name: str
    vpc_id: str = ""
    description: str = ""
    ingress: list[IpPermission] = Field(default_factory=list)
    egress: list[IpPermission] = Field(default_factory=list)

    @property
    def is_default(self) -> bool:
        return self.name == "default"


class NetworkAclEntry(_Model):
    rule_number: int
    protocol: str = Field(description="'-1' for all, or an IP protocol number as a string ('6' is TCP).")
    egress: bool
    action: Literal["allow", "deny"]
    cidr_block: str = ""
    ipv6_cidr_block: str = ""
    port_from: int | None = None
    port_to: int | None = None


class NetworkAcl(_Model):
    id: str
    vpc_id: str
    is_default: bool = False
    entries: list[NetworkAclEntry] = Field(default_factory=list)
    subnet_ids: list[str] = Field(default_factory=list)


class Route(_Model):
    destination: str
    target: str = Field(description="gateway-, pcx-, nat-, tgw-, eni- ... id, or 'local'.")


class RouteTable(_Model):
    id: str
    vpc_id: str
    routes: list[Route] = Field(default_factory=list)
    subnet_ids: list[str] = Field(default_factory=list)
    is_main: bool = False


class VpcEndpoint(_Model):
    id: str
    vpc_id: str
    service_name: str
    endpoint_type: str = ""
    state: str = ""


class Instance(_Model):
    id: str
    state: str
    vpc_id: str = ""
    name: str = ""
    metadata_http_tokens: str = Field(default="", description="'required' means IMDSv2 only.")
    metadata_http_endpoint: str = Field(default="enabled")


# --- DNS query logging ------------------------------------------------------------------------


class ResolverQueryLogConfig(_Model):
    id: str
    name: str = ""
    arn: str = ""
    destination_arn: str = ""
    status: str = Field(description="CREATING, CREATED, DELETING or FAILED.")
    owner_id: str = ""
    share_status: str = ""


class ResolverQueryLogAssociation(_Model):
    id: str
    config_id: str
    resource_id: str = Field(description="The VPC id.")
    status: str = Field(description="CREATING, ACTIVE, ACTION_NEEDED, DELETING or FAILED.")
    error: str = ""


# --- CloudTrail and S3 ------------------------------------------------------------------------


class DataResource(_Model):
    type: str
    values: list[str] = Field(default_factory=list)


class EventSelector(_Model):
    read_write_type: Literal["ReadOnly", "WriteOnly", "All"] | str = "All"
    include_management_events: bool = True
    data_resources: list[DataResource] = Field(default_factory=list)
    exclude_management_event_sources: list[str] = Field(default_factory=list)


class FieldSelector(_Model):
    field: str
    equals: list[str] = Field(default_factory=list)
    starts_with: list[str] = Field(default_factory=list)
    ends_with: list[str] = Field(default_factory=list)
    not_equals: list[str] = Field(default_factory=list)
    not_starts_with: list[str] = Field(default_factory=list)
    not_ends_with: list[str] = Field(default_factory=list)


class AdvancedEventSelector(_Model):
    name: str = ""
    field_selectors: list[FieldSelector] = Field(default_factory=list)


class Trail(_Model):
    name: str
    arn: str
    home_region: str
    is_multi_region: bool = False
    is_organization_trail: bool = False
    include_global_service_events: bool = False
    s3_bucket: str = ""
    log_file_validation: bool = False
    kms_key_id: str = ""
    cloudwatch_log_group_arn: str = ""
    is_logging: bool = False
    latest_delivery_error: str = ""
    event_selectors: list[EventSelector] = Field(default_factory=list)
    advanced_event_selectors: list[AdvancedEventSelector] = Field(default_factory=list)

    @property
    def cloudwatch_log_group_name(self) -> str:
        """'arn:aws:logs:us-east-1:111:log-group:NAME:*' -> 'NAME'."""
        parts = self.cloudwatch_log_group_arn.split(":")
        return parts[6] if len(parts) > 6 and parts[5] == "log-group" else ""

    @property
    def cloudwatch_log_group_region(self) -> str:
        parts = self.cloudwatch_log_group_arn.split(":")
        return parts[3] if len(parts) > 3 else ""


class BucketLogging(_Model):
    bucket: str
    logging_enabled: bool
    target_bucket: str = ""
    target_prefix: str = ""


# --- AWS Config, CloudWatch, SNS, KMS --------------------------------------------------------


class ConfigRecorder(_Model):
    name: str
    all_supported: bool = False
    include_global_resource_types: bool = False
    recording_strategy: str = ""
    recording: bool = False
    last_status: str = Field(default="", description="SUCCESS, PENDING or FAILURE.")


class MetricTransformation(_Model):
    metric_name: str
    metric_namespace: str


class MetricFilter(_Model):
    name: str
    log_group: str
    pattern: str
    transformations: list[MetricTransformation] = Field(default_factory=list)


class MetricAlarm(_Model):
    name: str
    metric_name: str = ""
    namespace: str = ""
    actions_enabled: bool = True
    alarm_actions: list[str] = Field(default_factory=list)


class SnsSubscription(_Model):
    """A topic subscription. The endpoint (an address) is not stored: only that one exists."""

    arn: str = Field(description="'PendingConfirmation' while unconfirmed.")
    topic_arn: str
    protocol: str

    @property
    def confirmed(self) -> bool:
        return self.arn.startswith("arn:")


class KmsKey(_Model):
    id: str
    arn: str
    manager: Literal["CUSTOMER", "AWS"] | str
    state: str
    spec: str = "SYMMETRIC_DEFAULT"
    origin: str = "AWS_KMS"
    rotation_enabled: bool | None = Field(
        default=None, description="None where rotation does not apply (asymmetric, external, AWS-managed)."
    )


# --- Load balancers, CloudFront, API Gateway, WAF ---------------------------------------------


class LoadBalancer(_Model):
    """An ALB, NLB or GWLB with its attributes. A missing attribute means the feature is off."""

    arn: str
    name: str
    type: Literal["application", "network", "gateway"] | str
    scheme: str = ""
    vpc_id: str = ""
    attributes: dict[str, str] = Field(default_factory=dict)

    @property
    def access_logs_enabled(self) -> bool:
        return self.attributes.get("access_logs.s3.enabled", "false").lower() == "true"


class ClassicLoadBalancer(_Model):
    name: str
    scheme: str = ""
    vpc_id: str = ""
    access_log_enabled: bool = False
    access_log_bucket: str = ""


class CloudFrontDistribution(_Model):
    id: str
    arn: str
    domain_name: str = ""
    enabled: bool = True
    logging_enabled: bool = False
    logging_bucket: str = ""
    web_acl_id: str = ""


class VendedLogDelivery(_Model):
    """A CloudWatch Logs vended log delivery (CloudFront's standard logging v2): a delivery source (one
    resource's logs of one type) and where a delivery sends them ('' when the source has no delivery)."""

    source_name: str
    resource_arns: list[str] = Field(default_factory=list)
    service: str = ""
    log_type: str = Field(default="", description="'ACCESS_LOGS' for CloudFront.")
    destination_arn: str = ""
    destination_type: str = Field(default="", description="'S3', 'CWL' (CloudWatch Logs), 'FH' (Firehose).")


class ApiStage(_Model):
    """An API Gateway stage: REST (v1) or HTTP/WebSocket (v2)."""

    api_id: str
    api_name: str = ""
    api_type: Literal["REST", "HTTP", "WEBSOCKET"] | str
    stage_name: str
    access_log_destination: str = ""


class WebAcl(_Model):
    arn: str
    name: str
    id: str = ""
    scope: Literal["REGIONAL", "CLOUDFRONT"]
    logging_destinations: list[str] = Field(default_factory=list)

    @property
    def logging_enabled(self) -> bool:
        return bool(self.logging_destinations)


# --- Threat detection -------------------------------------------------------------------------


class GuardDutyFeature(_Model):
    name: str
    status: str
    additional: dict[str, str] = Field(default_factory=dict, description="Additional configuration.")


class GuardDutyDetector(_Model):
    id: str
    status: str = Field(description="ENABLED or DISABLED.")
    finding_publishing_frequency: str = ""
    features: list[GuardDutyFeature] = Field(default_factory=list)
    data_sources: dict[str, str] = Field(
        default_factory=dict, description="Legacy DataSources statuses: 'S3Logs', 'Kubernetes.AuditLogs'."
    )

    def feature_enabled(self, *names: str) -> bool:
        """True when any of the named features is ENABLED (features win over legacy data sources)."""
        for feature in self.features:
            if feature.name in names:
                return feature.status == "ENABLED"
        legacy = {"S3_DATA_EVENTS": "S3Logs", "EKS_AUDIT_LOGS": "Kubernetes.AuditLogs"}
        return any(self.data_sources.get(legacy.get(n, ""), "") == "ENABLED" for n in names)


class GuardDutyFinding(_Model):
    """An active (not archived) GuardDuty finding, as GetFindings returns it (the parts the checks read)."""

    id: str
    arn: str = ""
    detector_id: str = ""
    type: str = Field(description="ThreatPurpose:ResourceType/ThreatFamily.Mechanism!Artifact.")
    severity: float = Field(description="1.0-10.0: Low < 4, Medium < 7, High < 9, Critical 9+.")
    title: str = ""
    resource_type: str = ""
    resource_id: str = Field(default="", description="The instance id, access key, bucket... affected.")
    count: int = 1
    archived: bool = False
    sample: bool = Field(default=False, description="A sample finding (CreateSampleFindings).")
    created_at: str = ""
    updated_at: str = ""


class SecurityHubStandard(_Model):
    standards_arn: str
    subscription_arn: str = ""
    status: str = Field(description="PENDING, READY, FAILED, DELETING or INCOMPLETE.")


class SecurityHub(_Model):
    enabled: bool = Field(description="False when the account is not subscribed in this region.")
    hub_arn: str = ""
    standards: list[SecurityHubStandard] = Field(default_factory=list)


# --- The inventory ----------------------------------------------------------------------------


class AwsRegion(_Model):
    """What was collected in one region. ``None`` = the read failed (see AwsInventory.errors)."""

    name: str
    opt_in_status: str = ""
    vpcs: list[Vpc] | None = None
    subnets: list[Subnet] | None = None
    flow_logs: list[FlowLog] | None = None
    security_groups: list[SecurityGroup] | None = None
    network_acls: list[NetworkAcl] | None = None
    route_tables: list[RouteTable] | None = None
    vpc_endpoints: list[VpcEndpoint] | None = None
    instances: list[Instance] | None = None
    ebs_encryption_by_default: bool | None = None
    resolver_query_log_configs: list[ResolverQueryLogConfig] | None = None
    resolver_query_log_associations: list[ResolverQueryLogAssociation] | None = None
    trails: list[Trail] | None = Field(default=None, description="Trails whose home region is this one.")
    config_recorders: list[ConfigRecorder] | None = None
    metric_filters: list[MetricFilter] | None = None
    metric_alarms: list[MetricAlarm] | None = None
    sns_subscriptions: list[SnsSubscription] | None = None
    kms_keys: list[KmsKey] | None = None
    load_balancers: list[LoadBalancer] | None = None
    classic_load_balancers: list[ClassicLoadBalancer] | None = None
    api_stages: list[ApiStage] | None = None
    web_acls: list[WebAcl] | None = Field(default=None, description="REGIONAL web ACLs.")
    guardduty_detectors: list[GuardDutyDetector] | None = None
    guardduty_findings: list[GuardDutyFinding] | None = Field(
        default=None, description="Active (not archived) findings of the region's enabled detectors."
    )
    security_hub: SecurityHub | None = None


REGION_DATASETS: tuple[str, ...] = tuple(
    name for name in AwsRegion.model_fields if name not in ("name", "opt_in_status")
)
GLOBAL_DATASETS: tuple[str, ...] = (
    "cloudfront_distributions",
    "cloudfront_log_deliveries",
    "cloudfront_web_acls",
    "bucket_logging",
)


class AwsInventory(InventoryBase):
    """One AWS account as collected: typed, JSON-serialisable, replayable."""

    provider: Literal["aws"] = "aws"
    account_id: str
    partition: str = "aws"
    caller_arn: str = ""
    collected_at: datetime
    enabled_regions: list[str] = Field(description="Every region enabled for the account.")
    regions: dict[str, AwsRegion] = Field(description="The scanned regions, by name.")
    cloudfront_distributions: list[CloudFrontDistribution] | None = None
    cloudfront_log_deliveries: list[VendedLogDelivery] | None = Field(
        default=None,
        description="CloudFront standard logging v2: the CloudWatch Logs delivery sources of distributions "
        "(read in us-east-1) with their deliveries.",
    )
    cloudfront_web_acls: list[WebAcl] | None = Field(
        default=None, description="CLOUDFRONT-scope web ACLs (read in us-east-1)."
    )
    bucket_logging: dict[str, BucketLogging | None] | None = Field(
        default=None,
        description="Server access logging of the CloudTrail buckets; None for a bucket = could not read.",
    )
    account_name: str = Field(default="", description="The account's name in the organization, if known.")

    @model_validator(mode="after")
    def _region_keys_match_names(self) -> AwsInventory:
        for key, region in self.regions.items():
            if key != region.name:
                raise ValueError(f"regions[{key!r}] holds region {region.name!r}")
        return self

    @property
    def account(self) -> str:
        return self.account_id

    def scope_regions(self) -> list[str]:
        """The scanned regions, sorted."""
        return sorted(self.regions)

    def region_list(self) -> list[AwsRegion]:
        return [self.regions[name] for name in sorted(self.regions)]

    def summary(self) -> dict[str, int]:
        """Resources collected per dataset over the scanned regions and account-wide datasets, for the
        evidence appendix (a dataset that could not be read anywhere is absent)."""
        counts: dict[str, int] = {}
        for region in self.regions.values():
            for dataset in REGION_DATASETS:
                value = getattr(region, dataset)
                if isinstance(value, list):
                    counts[dataset] = counts.get(dataset, 0) + len(value)
        for dataset in GLOBAL_DATASETS:
            value = getattr(self, dataset)
            if isinstance(value, list | dict):
                counts[dataset] = len(value)
        return dict(sorted(counts.items()))
