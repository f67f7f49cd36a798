"""The estate file: a YAML description of a simulated cloud estate, validated by pydantic.

One file describes a whole environment; ``load_estate`` reads and validates it, and the seeders
(``auditor.emulators.aws_seed.seed_aws`` for the ``aws:`` part) create it in the emulators. The
top level holds one key per provider (``aws:`` now; ``azure:`` and ``gcp:`` take their place beside
it), plus an optional ``name`` and ``description``.

Logging destinations are written the same way everywhere::

    s3://BUCKET[/PREFIX]     an S3 bucket (created by the seeder if nothing else creates it)
    logs:LOG_GROUP           a CloudWatch Logs log group in the same region (created likewise)

A field that holds a destination turns the feature on; leaving it out (or ``null``) leaves it off.
Errors name the file, the place and the line: ``demo.yaml: aws.regions.eu-west-1.vpcs[1].flow_logs
.traffic: Input should be 'ALL', 'ACCEPT' or 'REJECT' (line 42)``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    model_validator,
)

from auditor.emulators.estate_azure import AzureCrossReferenceError, AzureEstate
from auditor.emulators.estate_gcp import GcpEstate

__all__ = [
    "AwsEstate",
    "AwsMemberAccount",
    "AwsOrganizationSpec",
    "AwsRegionEstate",
    "Destination",
    "Estate",
    "EstateError",
    "bundled_estate",
    "load_estate",
    "parse_estate",
]

Loc = tuple[str | int, ...]


class EstateError(ValueError):
    """A malformed estate file. ``problems`` holds one ``(place, message)`` per problem."""

    def __init__(self, source: str, problems: Sequence[tuple[str, str]]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = [
            f"{source}: {place}: {message}" if place else f"{source}: {message}"
            for place, message in problems
        ]
        super().__init__("\n".join(lines))


class _CrossReferenceError(ValueError):
    """Raised by model validators for references that do not resolve; ``loc`` is relative."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{_format_loc(loc)}: {message}" for loc, message in problems))


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Field types -------------------------------------------------------------------------------

_BUCKET = re.compile(r"^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_LOG_GROUP = re.compile(r"^[A-Za-z0-9_./#-]{1,512}$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")


def _bucket_name(value: str) -> str:
    if not _BUCKET.match(value):
        raise ValueError(
            f"{value!r} is not a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)"
        )
    return value


def _cidr(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a CIDR block: {exc}") from None


def _ipv4_cidr(value: str) -> str:
    network = ipaddress.ip_network(_cidr(value))
    if network.version != 4:
        raise ValueError(f"{value!r} is not an IPv4 CIDR block")
    return str(network)


def _port_range(value: Any) -> tuple[int, int] | None:
    """22, '22', '1024-65535' or 'all' -> (from, to); 'all' -> None."""
    if value is None or value == "all":
        return None
    if isinstance(value, bool):
        raise ValueError("ports must be a number, 'FROM-TO' or 'all'")
    if isinstance(value, int):
        low = high = value
    elif isinstance(value, str) and re.fullmatch(r"\d+(-\d+)?", value.strip()):
        low_text, _, high_text = value.strip().partition("-")
        low, high = int(low_text), int(high_text or low_text)
    elif isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        low, high = value
    else:
        raise ValueError(f"ports must be a number, 'FROM-TO' or 'all', got {value!r}")
    if not (0 <= low <= high <= 65535):
        raise ValueError(f"port range {low}-{high} is outside 0-65535 or reversed")
    return (low, high)


def _format_ports(value: tuple[int, int] | None) -> str | int:
    if value is None:
        return "all"
    return value[0] if value[0] == value[1] else f"{value[0]}-{value[1]}"


BucketName = Annotated[str, AfterValidator(_bucket_name)]
Cidr = Annotated[str, AfterValidator(_cidr)]
Ipv4Cidr = Annotated[str, AfterValidator(_ipv4_cidr)]
Ports = Annotated[tuple[int, int] | None, BeforeValidator(_port_range), PlainSerializer(_format_ports)]
RegionName = Annotated[str, Field(pattern=_REGION.pattern)]
LogGroupName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_./#-]+$", max_length=512)]
Protocol = Literal["tcp", "udp", "icmp", "all"]


class Destination(_Spec):
    """Where logs go: ``s3://BUCKET[/PREFIX]`` or ``logs:LOG_GROUP``."""

    kind: Literal["s3", "logs"]
    name: str
    prefix: str = ""

    @model_validator(mode="after")
    def _valid_name(self) -> Destination:
        if self.kind == "s3":
            _bucket_name(self.name)
        elif not _LOG_GROUP.match(self.name):
            raise ValueError(f"{self.name!r} is not a valid CloudWatch Logs log group name")
        if self.kind == "logs" and self.prefix:
            raise ValueError("a log group destination has no prefix")
        return self

    def __str__(self) -> str:
        if self.kind == "s3":
            return f"s3://{self.name}" + (f"/{self.prefix}" if self.prefix else "")
        return f"logs:{self.name}"

    def arn(self, partition: str, region: str, account_id: str) -> str:
        if self.kind == "s3":
            return f"arn:{partition}:s3:::{self.name}" + (f"/{self.prefix}" if self.prefix else "")
        return f"arn:{partition}:logs:{region}:{account_id}:log-group:{self.name}"


def _parse_destination(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value.startswith("s3://"):
        bucket, _, prefix = value[len("s3://") :].partition("/")
        return {"kind": "s3", "name": bucket, "prefix": prefix}
    if value.startswith("logs:"):
        return {"kind": "logs", "name": value[len("logs:") :]}
    raise ValueError(f"a destination is 's3://BUCKET[/PREFIX]' or 'logs:LOG_GROUP', got {value!r}")


def _only(*kinds: str) -> AfterValidator:
    def check(destination: Destination) -> Destination:
        if destination.kind not in kinds:
            wanted = " or ".join(
                {"s3": "an S3 bucket (s3://...)", "logs": "a log group (logs:...)"}[k] for k in kinds
            )
            raise ValueError(f"this destination must be {wanted}, got {destination}")
        return destination

    return AfterValidator(check)


_AsString = PlainSerializer(str)
AnyDestination = Annotated[Destination, BeforeValidator(_parse_destination), _AsString]
S3Destination = Annotated[Destination, BeforeValidator(_parse_destination), _only("s3"), _AsString]
LogsDestination = Annotated[Destination, BeforeValidator(_parse_destination), _only("logs"), _AsString]


# --- VPC networking ----------------------------------------------------------------------------


class FlowLogSpec(_Spec):
    traffic: Literal["ALL", "ACCEPT", "REJECT"] = "ALL"
    destination: AnyDestination
    log_format: str | None = None
    max_aggregation_interval: Literal[60, 600] = 600


class SubnetSpec(_Spec):
    name: str = ""
    cidr: Ipv4Cidr
    az: Annotated[str, Field(pattern=r"^[a-f]$", description="Zone letter: 'a' is REGIONa.")] = "a"
    flow_logs: FlowLogSpec | None = None


class IngressRule(_Spec):
    protocol: Protocol = "tcp"
    ports: Ports = None
    cidrs: Annotated[list[Cidr], Field(min_length=1)]
    description: str = ""


class SecurityGroupSpec(_Spec):
    """A security group; the name ``default`` adds the rules to the VPC's default group."""

    name: Annotated[str, Field(min_length=1, max_length=255)]
    description: str = "Managed by the estate"
    ingress: list[IngressRule] = Field(default_factory=list)


class NaclEntrySpec(_Spec):
    """An entry added to the VPC's default network ACL."""

    rule: Annotated[int, Field(ge=1, le=32766)]
    egress: bool = False
    action: Literal["allow", "deny"]
    protocol: Protocol = "all"
    ports: Ports = None
    cidr: Cidr


class InstanceSpec(_Spec):
    name: str
    subnet: str | None = Field(default=None, description="A subnet name; the VPC's first subnet if omitted.")
    instance_type: str = "t3.micro"
    imdsv2_required: bool | None = Field(
        default=None, description="True: HttpTokens=required; False: optional; None: the region's default."
    )
    security_groups: list[str] = Field(default_factory=list)


_LB_NAME = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$"


class LoadBalancerSpec(_Spec):
    name: Annotated[str, Field(pattern=_LB_NAME)]
    type: Literal["application", "network"] = "application"
    scheme: Literal["internet-facing", "internal"] = "internet-facing"
    access_logs: S3Destination | None = None
    security_groups: list[str] = Field(default_factory=list)


class ClassicLoadBalancerSpec(_Spec):
    name: Annotated[str, Field(pattern=_LB_NAME)]
    scheme: Literal["internet-facing", "internal"] = "internet-facing"
    access_logs: S3Destination | None = None


class VpcSpec(_Spec):
    name: Annotated[str, Field(max_length=256, description="The Name tag: any text.")]
    cidr: Ipv4Cidr
    subnets: list[SubnetSpec] = Field(default_factory=list)
    flow_logs: FlowLogSpec | None = None
    dns_query_logs: AnyDestination | None = Field(
        default=None, description="Route 53 Resolver query logging for the VPC, and where it goes."
    )
    security_groups: list[SecurityGroupSpec] = Field(default_factory=list)
    nacl_entries: list[NaclEntrySpec] = Field(default_factory=list)
    instances: list[InstanceSpec] = Field(default_factory=list)
    load_balancers: list[LoadBalancerSpec] = Field(default_factory=list)
    classic_load_balancers: list[ClassicLoadBalancerSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> VpcSpec:
        problems: list[tuple[Loc, str]] = []
        network = ipaddress.ip_network(self.cidr)
        names = [s.name for s in self.subnets if s.name]
        for i, subnet in enumerate(self.subnets):
            if not ipaddress.ip_network(subnet.cidr).subnet_of(network):  # type: ignore[arg-type]
                problems.append(
                    (("subnets", i, "cidr"), f"{subnet.cidr} is not inside the VPC's {self.cidr}")
                )
            if subnet.name and names.count(subnet.name) > 1:
                problems.append((("subnets", i, "name"), f"duplicate subnet name {subnet.name!r}"))
        groups = {g.name for g in self.security_groups} | {"default"}
        for i, instance in enumerate(self.instances):
            if not self.subnets:
                problems.append((("instances", i), "the VPC has no subnet to launch the instance in"))
            elif instance.subnet is not None and instance.subnet not in names:
                problems.append(
                    (("instances", i, "subnet"), f"no subnet named {instance.subnet!r} in this VPC")
                )
            problems += _missing(
                groups, instance.security_groups, ("instances", i, "security_groups"), "security group"
            )
        zones = {s.az for s in self.subnets}
        for i, lb in enumerate(self.load_balancers):
            if len(zones) < 2:
                problems.append(
                    (("load_balancers", i), "a load balancer needs subnets in two availability zones")
                )
            problems += _missing(
                groups, lb.security_groups, ("load_balancers", i, "security_groups"), "security group"
            )
        for i, _ in enumerate(self.classic_load_balancers):
            if not self.subnets:
                problems.append((("classic_load_balancers", i), "a classic load balancer needs a subnet"))
        if problems:
            raise _CrossReferenceError(problems)
        return self


def _missing(known: set[str], wanted: Iterable[str], loc: Loc, what: str) -> list[tuple[Loc, str]]:
    return [((*loc, i), f"no {what} named {name!r}") for i, name in enumerate(wanted) if name not in known]


# --- Regional services -------------------------------------------------------------------------

GuardDutyFeature = Literal[
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "EKS_RUNTIME_MONITORING",
    "LAMBDA_NETWORK_LOGS",
    "RUNTIME_MONITORING",
]


class GuardDutySpec(_Spec):
    enabled: bool = True
    finding_publishing_frequency: Literal["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] = "SIX_HOURS"
    features: dict[GuardDutyFeature, bool] = Field(default_factory=dict)


_STANDARDS_ARN = (
    r"^arn:aws[a-z-]*:securityhub:([a-z0-9-]*|\{region\})::(ruleset|standards)/[a-z0-9-]+/v/[0-9.]+$"
)


class SecurityHubSpec(_Spec):
    enabled: bool = True
    default_standards: bool = Field(default=False, description="EnableDefaultStandards on EnableSecurityHub.")
    standards: list[Annotated[str, Field(pattern=_STANDARDS_ARN)]] = Field(
        default_factory=list, description="Standards ARNs to enable; '{region}' stands for the region."
    )


class ConfigRecorderSpec(_Spec):
    name: str = "default"
    all_supported: bool = True
    include_global_resource_types: bool = False
    recording: bool = True
    delivery_bucket: BucketName | None = Field(
        default=None, description="The delivery channel's bucket; 'config-ACCOUNT-REGION' if omitted."
    )


def _customer_alias(value: str) -> str:
    if value.startswith("aws/"):
        raise ValueError("aliases beginning with 'aws/' are reserved for AWS managed keys")
    return value


class KmsKeySpec(_Spec):
    alias: Annotated[
        str,
        Field(pattern=r"^[A-Za-z0-9/_-]+$", max_length=250, description="Without 'alias/'."),
        AfterValidator(_customer_alias),
    ]
    rotation: bool = False
    description: str = ""


def _waf_destination(destination: Destination | None) -> Destination | None:
    if destination is not None and not destination.name.startswith("aws-waf-logs-"):
        raise ValueError(
            f"WAF logs go to a bucket or log group whose name starts with 'aws-waf-logs-', got {destination}"
        )
    return destination


class WebAclSpec(_Spec):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$", max_length=128)]
    default_action: Literal["allow", "block"] = "allow"
    logging: Annotated[AnyDestination | None, AfterValidator(_waf_destination)] = None


class StageSpec(_Spec):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,128}$")]
    access_logs: LogsDestination | None = None


class RestApiSpec(_Spec):
    name: Annotated[str, Field(min_length=1)]
    stages: Annotated[list[StageSpec], Field(min_length=1)]


class AlarmSpec(_Spec):
    name: Annotated[str, Field(min_length=1, max_length=255)]
    topic: str = Field(description="The SNS topic (by name, in this region) the alarm notifies.")
    threshold: float = 1.0
    actions_enabled: bool = True


class MetricFilterSpec(_Spec):
    name: Annotated[str, Field(min_length=1, max_length=512)]
    log_group: LogGroupName
    pattern: str
    metric: Annotated[str, Field(min_length=1)]
    namespace: str = "CISBenchmark"
    alarm: AlarmSpec | None = None


class SnsSubscriptionSpec(_Spec):
    protocol: Literal["email", "email-json", "http", "https", "sqs", "lambda", "sms"]
    endpoint: Annotated[str, Field(min_length=1)]


class SnsTopicSpec(_Spec):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,256}$")]
    subscriptions: list[SnsSubscriptionSpec] = Field(default_factory=list)


class InstanceMetadataDefaultsSpec(_Spec):
    http_tokens: Literal["required", "optional"] | None = None
    http_endpoint: Literal["enabled", "disabled"] | None = None
    hop_limit: Annotated[int, Field(ge=1, le=64)] | None = None


class AwsRegionEstate(_Spec):
    """Everything in one region."""

    default_vpc: bool = Field(default=True, description="False deletes the default VPC moto creates.")
    ebs_encryption_by_default: bool = False
    instance_metadata_defaults: InstanceMetadataDefaultsSpec | None = None
    vpcs: list[VpcSpec] = Field(default_factory=list)
    guardduty: GuardDutySpec | None = None
    security_hub: SecurityHubSpec | None = None
    config_recorder: ConfigRecorderSpec | None = None
    kms_keys: list[KmsKeySpec] = Field(default_factory=list)
    web_acls: list[WebAclSpec] = Field(default_factory=list, description="REGIONAL web ACLs.")
    rest_apis: list[RestApiSpec] = Field(default_factory=list)
    log_groups: list[LogGroupName] = Field(
        default_factory=list, description="Log groups to create even if nothing refers to them."
    )
    sns_topics: list[SnsTopicSpec] = Field(default_factory=list)
    metric_filters: list[MetricFilterSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> AwsRegionEstate:
        problems: list[tuple[Loc, str]] = []
        problems += _duplicates([k.alias for k in self.kms_keys], "kms_keys", "alias")
        problems += _duplicates([w.name for w in self.web_acls], "web_acls", "name")
        problems += _duplicates([t.name for t in self.sns_topics], "sns_topics", "name")
        problems += _duplicates([f.name for f in self.metric_filters], "metric_filters", "name")
        topics = {t.name for t in self.sns_topics}
        for i, metric_filter in enumerate(self.metric_filters):
            if metric_filter.alarm is not None and metric_filter.alarm.topic not in topics:
                problems.append(
                    (
                        ("metric_filters", i, "alarm", "topic"),
                        f"no SNS topic named {metric_filter.alarm.topic!r}",
                    )
                )
        if problems:
            raise _CrossReferenceError(problems)
        return self


def _duplicates(names: list[str], field: str, key: str) -> list[tuple[Loc, str]]:
    seen: set[str] = set()
    problems: list[tuple[Loc, str]] = []
    for i, name in enumerate(names):
        if name in seen:
            problems.append(((field, i, key), f"duplicate {key} {name!r}"))
        seen.add(name)
    return problems


# --- Account-level -----------------------------------------------------------------------------


class DataEventSpec(_Spec):
    type: str = "AWS::S3::Object"
    values: list[str] = Field(default_factory=lambda: ["arn:aws:s3"])
    read_write: Literal["All", "ReadOnly", "WriteOnly"] = "All"


def _trail_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]", value):
        raise ValueError(
            f"{value!r} is not a valid trail name (3-128 letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit)"
        )
    return value


class TrailSpec(_Spec):
    name: Annotated[str, AfterValidator(_trail_name)]
    home_region: RegionName
    multi_region: bool = False
    include_global_service_events: bool = True
    log_file_validation: bool = False
    kms_key: str | None = Field(default=None, description="The alias of a KMS key in the home region.")
    s3_bucket: BucketName
    s3_key_prefix: str = ""
    s3_bucket_access_logs: S3Destination | None = Field(
        default=None, description="Server access logging of the trail's bucket."
    )
    cloudwatch_log_group: LogGroupName | None = Field(default=None, description="In the home region.")
    management_events: bool = True
    data_events: list[DataEventSpec] = Field(default_factory=list)
    logging: bool = True


class DistributionSpec(_Spec):
    name: Annotated[str, Field(min_length=1, max_length=128, description="The distribution's comment.")]
    origin: str = "origin.example.com"
    enabled: bool = True
    logging: S3Destination | None = Field(default=None, description="Legacy standard logging to S3.")
    log_delivery: S3Destination | None = Field(
        default=None,
        description="Standard logging v2: a CloudWatch Logs delivery (in us-east-1) of the distribution's "
        "ACCESS_LOGS to this bucket.",
    )
    web_acl: str | None = Field(default=None, description="A CLOUDFRONT web ACL, by name.")


class AwsEstate(_Spec):
    """One AWS account; with ``organization``, the management account of an AWS Organization."""

    account_id: Annotated[str, Field(pattern=r"^\d{12}$")]
    enabled_regions: Annotated[list[RegionName], Field(min_length=1)]
    regions: dict[RegionName, AwsRegionEstate] = Field(default_factory=dict)
    trails: list[TrailSpec] = Field(default_factory=list)
    cloudfront_distributions: list[DistributionSpec] = Field(default_factory=list)
    cloudfront_web_acls: list[WebAclSpec] = Field(default_factory=list)
    organization: AwsOrganizationSpec | None = Field(
        default=None, description="Member accounts, when this is an organization's management account."
    )

    @model_validator(mode="after")
    def _consistent(self) -> AwsEstate:
        problems: list[tuple[Loc, str]] = []
        enabled = set(self.enabled_regions)
        for i, name in enumerate(self.enabled_regions):
            if self.enabled_regions.index(name) != i:
                problems.append((("enabled_regions", i), f"duplicate region {name!r}"))
        for name in self.regions:
            if name not in enabled:
                problems.append((("regions", name), f"region {name} is not in enabled_regions"))
        problems += _duplicates([t.name for t in self.trails], "trails", "name")
        for i, trail in enumerate(self.trails):
            if trail.home_region not in enabled:
                problems.append((("trails", i, "home_region"), f"region {trail.home_region} is not enabled"))
            if trail.kms_key is not None:
                region = self.regions.get(trail.home_region)
                aliases = {k.alias for k in region.kms_keys} if region else set()
                if trail.kms_key.removeprefix("alias/") not in aliases:
                    problems.append(
                        (
                            ("trails", i, "kms_key"),
                            f"no KMS key with alias {trail.kms_key!r} in {trail.home_region}",
                        )
                    )
        if self.organization is not None:
            for i, member in enumerate(self.organization.members):
                if member.account_id == self.account_id:
                    problems.append(
                        (
                            ("organization", "members", i, "account_id"),
                            "a member account cannot be the management account",
                        )
                    )
        acls = {w.name for w in self.cloudfront_web_acls}
        problems += _duplicates([w.name for w in self.cloudfront_web_acls], "cloudfront_web_acls", "name")
        for i, distribution in enumerate(self.cloudfront_distributions):
            if distribution.web_acl is not None and distribution.web_acl not in acls:
                problems.append(
                    (
                        ("cloudfront_distributions", i, "web_acl"),
                        f"no CLOUDFRONT web ACL named {distribution.web_acl!r}",
                    )
                )
        if problems:
            raise _CrossReferenceError(problems)
        return self

    def region(self, name: str) -> AwsRegionEstate:
        """The region's spec; an enabled region that the file does not describe is empty."""
        return self.regions.get(name) or AwsRegionEstate()

    def accounts(self) -> list[AwsEstate]:
        """This account, then the organization's member accounts."""
        members = self.organization.members if self.organization is not None else []
        return [self, *members]


class AwsMemberAccount(AwsEstate):
    """A member account of the organization: an account like any other, plus its name and whether the
    scanner's cross-account role exists in it (``role_assumable: false`` makes it unreachable)."""

    name: Annotated[str, Field(min_length=1, max_length=50)]
    email: str = ""
    role_assumable: bool = True

    @model_validator(mode="after")
    def _no_nested_organization(self) -> AwsMemberAccount:
        if self.organization is not None:
            raise _CrossReferenceError([(("organization",), "a member account cannot hold an organization")])
        return self


class AwsOrganizationSpec(_Spec):
    role_name: str = Field(
        default="OrganizationAccountAccessRole",
        description="The cross-account role created in each member whose role_assumable is true.",
    )
    members: list[AwsMemberAccount] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct(self) -> AwsOrganizationSpec:
        problems = _duplicates([m.account_id for m in self.members], "members", "account_id")
        problems += _duplicates([m.name for m in self.members], "members", "name")
        if problems:
            raise _CrossReferenceError(problems)
        return self


AwsEstate.model_rebuild()


class Estate(_Spec):
    """A simulated multi-cloud estate. ``azure`` and ``gcp`` will sit beside ``aws``."""

    name: str = ""
    description: str = ""
    aws: AwsEstate | None = None
    azure: AzureEstate | None = None
    gcp: GcpEstate | None = None


# --- Loading -----------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen[key] = key_node
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _node_at(root: yaml.Node | None, loc: Loc) -> yaml.Node | None:
    """The YAML node at a pydantic location (for the line number), or the deepest one found."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            child = next(
                (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None
            )
            if child is None:  # a missing field: point at the mapping that lacks it
                return node
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _problems(error: ValidationError) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for detail in error.errors(include_url=False):
        loc: Loc = tuple(detail["loc"])
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, _CrossReferenceError | AzureCrossReferenceError):
            problems += [((*loc, *relative), message) for relative, message in cause.problems]
            continue
        message = detail["msg"]
        if detail["type"] == "value_error":
            message = message.removeprefix("Value error, ")
        problems.append((loc, message))
    return problems


def parse_estate(text: str, source: str = "<estate>") -> Estate:
    """Parse and validate estate YAML; ``source`` names it in errors."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = (exc.problem or str(exc)) + (f" ({exc.context})" if exc.context else "")
        raise EstateError(source, [(where, f"invalid YAML: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise EstateError(source, [("", f"invalid YAML: {exc}")]) from None
    if data is None:
        raise EstateError(source, [("", "the file is empty")])
    if not isinstance(data, dict):
        raise EstateError(
            source, [("", f"the top level must be a mapping of providers, got {type(data).__name__}")]
        )
    try:
        return Estate.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        problems = []
        for loc, message in _problems(exc):
            node = _node_at(root, loc)
            line = f" (line {node.start_mark.line + 1})" if node is not None else ""
            problems.append((_format_loc(loc), message + line))
        raise EstateError(source, problems) from None


def load_estate(path: str | Path) -> Estate:
    """Read and validate an estate file; a malformed file raises ``EstateError`` naming file and place."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EstateError(str(path), [("", f"cannot read the file: {exc.strerror or exc}")]) from None
    except UnicodeDecodeError as exc:
        raise EstateError(str(path), [("", f"not UTF-8 text: {exc.reason}")]) from None
    return parse_estate(text, str(path))


def bundled_estate(name: str = "demo") -> Path:
    """The path of an estate shipped with the package (``auditor/emulators/estates/NAME.yaml``)."""
    path = Path(str(resources.files("auditor.emulators").joinpath("estates", f"{name}.yaml")))
    if not path.is_file():
        raise FileNotFoundError(f"no bundled estate named {name!r}")
    return path
