"""Create an estate's ``aws:`` part in moto with real boto3 write calls.

This is the emulator side, not the auditor: it mutates. It runs the same way in-process (inside
``mock_aws`` after ``moto_extensions.install()``) and against a moto server (clients built with
``endpoint_url``; the server process installs the extensions itself).

    seed_aws(estate.aws)                                        # default boto3 session, in-process
    seed_aws(estate.aws, client_factory(endpoint_url=url))      # a moto server
    seed_aws(estate.aws, boto3.Session(region_name="us-east-1"))

Whatever the estate leaves out, moto's defaults stay: every region has its default VPC (unless
``default_vpc: false``) with its default security group and network ACL.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from auditor.emulators.estate import (
    AwsEstate,
    AwsOrganizationSpec,
    AwsRegionEstate,
    Destination,
    DistributionSpec,
    FlowLogSpec,
    IngressRule,
    NaclEntrySpec,
    TrailSpec,
    VpcSpec,
    WebAclSpec,
)

__all__ = ["ClientFactory", "SeedError", "SeededAws", "client_factory", "seed_aws"]

#: ``(service, region) -> boto3 client``.
ClientFactory = Callable[[str, str], Any]

#: Any image id works in moto (with MOTO_EC2_LOAD_DEFAULT_AMIS=false nothing is checked).
IMAGE_ID = "ami-12c6146b"
# GuardDuty sample findings seeded on every enabled detector: module 4's four finding types, two of them
# High (7.0-8.9) and one Critical (9.0+), so "no unaddressed high findings" has something to find.
SAMPLE_FINDING_TYPES = (
    "Recon:EC2/PortProbeUnprotectedPort",  # reconnaissance, low
    "CryptoCurrency:EC2/BitcoinTool.B!DNS",  # instance compromise, high
    "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B",  # account compromise, medium
    "Exfiltration:S3/AnomalousBehavior",  # data exfiltration, high
    "AttackSequence:S3/CompromisedData",  # data exfiltration, critical
)
_PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "all": "-1"}
_SG_PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "all": "-1"}
_ASSUME = {
    "flow-logs": "vpc-flow-logs.amazonaws.com",
    "cloudtrail": "cloudtrail.amazonaws.com",
    "config": "config.amazonaws.com",
}


class SeedError(RuntimeError):
    """The estate could not be created (the clients reach the wrong account, or a call failed)."""


@dataclass
class SeededAws:
    """What seeding created: ``resources['us-east-1/vpc/prod'] == 'vpc-...'``."""

    account_id: str
    resources: dict[str, str] = field(default_factory=dict)

    def get(self, region: str, kind: str, name: str) -> str:
        return self.resources[f"{region}/{kind}/{name}"]


def client_factory(
    session: boto3.Session | None = None,
    *,
    endpoint_url: str | None = None,
    account_id: str | None = None,
) -> ClientFactory:
    """Clients from a session (the default one if omitted), cached per (service, region).

    ``endpoint_url`` points them at a moto server. ``account_id`` sends moto's
    ``x-moto-account-id`` header, so an estate whose account is not moto's default can be seeded
    and read in-process.
    """
    session = session or boto3.Session()
    cache: dict[tuple[str, str], Any] = {}
    lock = threading.Lock()
    config = Config(retries={"max_attempts": 2, "mode": "standard"})

    def add_account_header(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account_id

    def make(service: str, region: str) -> Any:
        with lock:
            client = cache.get((service, region))
            if client is None:
                client = session.client(service, region_name=region, endpoint_url=endpoint_url, config=config)
                if account_id:
                    client.meta.events.register("before-sign.*.*", add_account_header)
                cache[(service, region)] = client
            return client

    return make


def seed_aws(
    estate: AwsEstate,
    clients: boto3.Session | ClientFactory | None = None,
    *,
    stable_ids: bool = False,
    clients_for_account: Callable[[str], ClientFactory] | None = None,
) -> SeededAws:
    """Create everything the estate describes; returns the ids and ARNs it created.

    ``stable_ids`` (in-process moto only) makes every resource id a function of the estate alone:
    before each seeding step moto's random source is re-seeded from the account and the step's
    description ("VPC 'prod' in us-east-1"). The same resource then gets the same id in every run and
    in every variant of an estate, so the history and ``auditor diff`` compare like with like, as they
    do for a real account.
    """
    if clients is None or isinstance(clients, boto3.Session):
        session = clients
        clients = client_factory(session)
        if clients_for_account is None:
            clients_for_account = lambda account: client_factory(session, account_id=account)  # noqa: E731
    result = _seed_account(_AwsSeeder(estate, clients, stable_ids=stable_ids))
    organization = estate.organization
    if organization is not None and organization.members:
        if clients_for_account is None:
            raise SeedError("an organization needs clients_for_account to seed its member accounts")
        _seed_organization(estate, clients, organization)
        for member in organization.members:
            member_result = _seed_account(
                _AwsSeeder(member, clients_for_account(member.account_id), stable_ids=stable_ids)
            )
            result.resources.update(
                {f"{member.account_id}/{key}": value for key, value in member_result.resources.items()}
            )
    return result


def _seed_account(seeder: _AwsSeeder) -> SeededAws:
    try:
        seeder.run()
    except ClientError as exc:
        operation = exc.operation_name
        raise SeedError(
            f"seeding AWS account {seeder.account} failed at {seeder.step} ({operation}): {exc}"
        ) from exc
    return seeder.result


def _seed_organization(estate: AwsEstate, clients: ClientFactory, organization: AwsOrganizationSpec) -> None:
    """The organization, with each member created by the management account (with the scanner's
    cross-account role, unless the member says it is not assumable)."""
    from auditor.emulators.moto_organizations import create_member_account

    org = clients("organizations", "us-east-1")
    try:
        org.create_organization(FeatureSet="ALL")
        for member in organization.members:
            create_member_account(
                org,
                member.account_id,
                member.name,
                member.email or f"aws+{member.account_id}@example.com",
                organization.role_name if member.role_assumable else None,
            )
    except ClientError as exc:
        raise SeedError(f"seeding the organization of {estate.account_id} failed: {exc}") from exc


class _AwsSeeder:
    def __init__(self, estate: AwsEstate, clients: ClientFactory, *, stable_ids: bool = False) -> None:
        self._stable_ids = stable_ids
        self.estate = estate
        self.clients = clients
        self.account = estate.account_id
        self.partition = "aws"
        self.result = SeededAws(account_id=estate.account_id)
        self.step = "start"
        self._buckets: dict[str, bool] = {}  # name -> grants log delivery
        self._log_groups: set[tuple[str, str]] = set()
        self._roles: dict[str, str] = {}

    # --- plumbing ------------------------------------------------------------------------------

    @property
    def step(self) -> str:
        """What is being created now (for error messages, and the seed of its ids)."""
        return self._step

    @step.setter
    def step(self, value: str) -> None:
        self._step = value
        if self._stable_ids:
            from moto.moto_api._internal import mock_random

            mock_random.seed(zlib.crc32(f"{self.account}|{value}".encode()))

    def client(self, service: str, region: str) -> Any:
        return self.clients(service, region)

    def record(self, region: str, kind: str, name: str, value: str) -> None:
        self.result.resources[f"{region}/{kind}/{name}"] = value

    def run(self) -> None:
        self.step = "sts"
        caller = self.client("sts", "us-east-1").get_caller_identity()
        if caller["Account"] != self.account:
            raise SeedError(
                f"the clients reach account {caller['Account']} but the estate is for {self.account}; "
                "use client_factory(account_id=...) or set MOTO_ACCOUNT_ID"
            )
        self.regions(self.estate.enabled_regions)
        for name in self.estate.enabled_regions:
            self.region(name, self.estate.region(name))
        for trail in self.estate.trails:
            self.trail(trail)
        acl_arns = {
            acl.name: self.web_acl("us-east-1", acl, "CLOUDFRONT") for acl in self.estate.cloudfront_web_acls
        }
        for distribution in self.estate.cloudfront_distributions:
            self.distribution(distribution, acl_arns)

    def bucket(self, name: str, region: str, log_delivery: bool = False) -> None:
        """Create a bucket once; a target of S3 server access logs gets the log-delivery ACL."""
        s3 = self.client("s3", region)
        if name not in self._buckets:
            self.step = f"s3 bucket {name}"
            kwargs: dict[str, Any] = {"Bucket": name}
            if region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
            if log_delivery:
                kwargs["ACL"] = "log-delivery-write"
            s3.create_bucket(**kwargs)
            self._buckets[name] = log_delivery
            self.record("global", "bucket", name, f"arn:{self.partition}:s3:::{name}")
        elif log_delivery and not self._buckets[name]:
            s3.put_bucket_acl(Bucket=name, ACL="log-delivery-write")
            self._buckets[name] = True

    def log_group(self, name: str, region: str) -> str:
        if (region, name) not in self._log_groups:
            self.step = f"log group {name} in {region}"
            self.client("logs", region).create_log_group(logGroupName=name)
            self._log_groups.add((region, name))
        return f"arn:{self.partition}:logs:{region}:{self.account}:log-group:{name}"

    def destination(self, destination: Destination, region: str) -> str:
        """Make sure the destination exists; return its ARN."""
        if destination.kind == "s3":
            self.bucket(destination.name, region)
        else:
            self.log_group(destination.name, region)
        return destination.arn(self.partition, region, self.account)

    def role(self, purpose: str) -> str:
        if purpose not in self._roles:
            self.step = f"IAM role for {purpose}"
            policy = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": _ASSUME[purpose]},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
            role = self.client("iam", "us-east-1").create_role(
                RoleName=f"estate-{purpose}-delivery", AssumeRolePolicyDocument=json.dumps(policy)
            )
            self._roles[purpose] = role["Role"]["Arn"]
        return self._roles[purpose]

    # --- account ---------------------------------------------------------------------------------

    def regions(self, enabled: Iterable[str]) -> None:
        self.step = "account regions"
        account = self.client("account", "us-east-1")
        wanted = set(enabled)
        names: list[str] = []
        for page in account.get_paginator("list_regions").paginate():
            names += [r["RegionName"] for r in page["Regions"]]
        unknown = wanted - set(names)
        if unknown:
            raise SeedError(f"unknown regions in enabled_regions: {', '.join(sorted(unknown))}")
        for name in names:
            if name in wanted:
                account.enable_region(RegionName=name)
            else:
                account.disable_region(RegionName=name)

    # --- regions ---------------------------------------------------------------------------------

    def region(self, name: str, spec: AwsRegionEstate) -> None:
        ec2 = self.client("ec2", name)
        if not spec.default_vpc:
            self.delete_default_vpc(name)
        if spec.ebs_encryption_by_default:
            self.step = f"EBS default encryption in {name}"
            ec2.enable_ebs_encryption_by_default()
        if spec.instance_metadata_defaults is not None:
            self.step = f"instance metadata defaults in {name}"
            defaults = spec.instance_metadata_defaults
            kwargs = {
                "HttpTokens": defaults.http_tokens,
                "HttpEndpoint": defaults.http_endpoint,
                "HttpPutResponseHopLimit": defaults.hop_limit,
            }
            ec2.modify_instance_metadata_defaults(**{k: v for k, v in kwargs.items() if v is not None})
        for key in spec.kms_keys:
            self.step = f"KMS key {key.alias} in {name}"
            kms = self.client("kms", name)
            created = kms.create_key(Description=key.description)["KeyMetadata"]
            kms.create_alias(AliasName=f"alias/{key.alias}", TargetKeyId=created["KeyId"])
            if key.rotation:
                kms.enable_key_rotation(KeyId=created["KeyId"])
            self.record(name, "kms_key", key.alias, created["Arn"])
        for group in spec.log_groups:
            self.log_group(group, name)
        for vpc in spec.vpcs:
            self.vpc(name, vpc)
        if spec.guardduty is not None:
            self.step = f"GuardDuty in {name}"
            features = [
                {"Name": feature, "Status": "ENABLED" if on else "DISABLED"}
                for feature, on in spec.guardduty.features.items()
            ]
            detector = self.client("guardduty", name).create_detector(
                Enable=spec.guardduty.enabled,
                FindingPublishingFrequency=spec.guardduty.finding_publishing_frequency,
                Features=features,
            )
            self.record(name, "guardduty_detector", "default", detector["DetectorId"])
            if spec.guardduty.enabled:
                # An enabled detector holds GuardDuty's sample findings, one per module 4 category.
                self.client("guardduty", name).create_sample_findings(
                    DetectorId=detector["DetectorId"], FindingTypes=list(SAMPLE_FINDING_TYPES)
                )
        if spec.security_hub is not None and spec.security_hub.enabled:
            self.step = f"Security Hub in {name}"
            hub = self.client("securityhub", name)
            hub.enable_security_hub(EnableDefaultStandards=spec.security_hub.default_standards)
            if spec.security_hub.standards:
                requests = [
                    {"StandardsArn": arn.replace("{region}", name)} for arn in spec.security_hub.standards
                ]
                hub.batch_enable_standards(StandardsSubscriptionRequests=requests)
        if spec.config_recorder is not None:
            self.config_recorder(name, spec)
        for acl in spec.web_acls:
            self.web_acl(name, acl, "REGIONAL")
        for api in spec.rest_apis:
            self.rest_api(name, api.name, [(s.name, s.access_logs) for s in api.stages])
        self.monitoring(name, spec)

    def delete_default_vpc(self, region: str) -> None:
        self.step = f"deleting the default VPC in {region}"
        ec2 = self.client("ec2", region)
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        for vpc in vpcs:
            vpc_id = vpc["VpcId"]
            for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
                ec2.delete_subnet(SubnetId=subnet["SubnetId"])
            gateways = ec2.describe_internet_gateways(
                Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}]
            )
            for gateway in gateways["InternetGateways"]:
                ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc_id)
                ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
            ec2.delete_vpc(VpcId=vpc_id)

    def vpc(self, region: str, spec: VpcSpec) -> None:
        ec2 = self.client("ec2", region)
        self.step = f"VPC {spec.name!r} in {region}"
        vpc_id = ec2.create_vpc(
            CidrBlock=spec.cidr,
            TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": spec.name}]}],
        )["Vpc"]["VpcId"]
        self.record(region, "vpc", spec.name, vpc_id)
        if spec.flow_logs is not None:
            self.flow_logs(region, "VPC", vpc_id, spec.flow_logs)
        subnets: dict[str, str] = {}
        subnet_ids: list[str] = []
        zones: dict[str, str] = {}
        for index, subnet in enumerate(spec.subnets):
            self.step = f"subnet {subnet.name or subnet.cidr} of VPC {spec.name!r} in {region}"
            tags = (
                [{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": subnet.name}]}]
                if subnet.name
                else []
            )
            subnet_id = ec2.create_subnet(
                VpcId=vpc_id,
                CidrBlock=subnet.cidr,
                AvailabilityZone=f"{region}{subnet.az}",
                TagSpecifications=tags,
            )["Subnet"]["SubnetId"]
            subnets[subnet.name or str(index)] = subnet_id
            subnet_ids.append(subnet_id)
            zones.setdefault(subnet.az, subnet_id)
            self.record(region, "subnet", subnet.name or subnet.cidr, subnet_id)
            if subnet.flow_logs is not None:
                self.flow_logs(region, "Subnet", subnet_id, subnet.flow_logs)
        if spec.dns_query_logs is not None:
            self.step = f"Resolver query logging of VPC {spec.name!r} in {region}"
            resolver = self.client("route53resolver", region)
            config = resolver.create_resolver_query_log_config(
                Name=f"query-logs-{vpc_id}",
                DestinationArn=self.destination(spec.dns_query_logs, region),
                CreatorRequestId=f"estate-{vpc_id}",
            )["ResolverQueryLogConfig"]
            resolver.associate_resolver_query_log_config(
                ResolverQueryLogConfigId=config["Id"], ResourceId=vpc_id
            )
            self.record(region, "resolver_query_log_config", spec.name, config["Id"])
        groups = self.security_groups(region, vpc_id, spec)
        self.nacl_entries(region, vpc_id, spec.nacl_entries)
        for instance in spec.instances:
            self.step = f"instance {instance.name!r} in {region}"
            kwargs: dict[str, Any] = {
                "ImageId": IMAGE_ID,
                "MinCount": 1,
                "MaxCount": 1,
                "InstanceType": instance.instance_type,
                "SubnetId": subnets[instance.subnet] if instance.subnet else subnet_ids[0],
                "TagSpecifications": [
                    {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": instance.name}]}
                ],
            }
            if instance.security_groups:
                kwargs["SecurityGroupIds"] = [groups[g] for g in instance.security_groups]
            if instance.imdsv2_required is not None:
                kwargs["MetadataOptions"] = {
                    "HttpTokens": "required" if instance.imdsv2_required else "optional",
                    "HttpEndpoint": "enabled",
                }
            created = ec2.run_instances(**kwargs)["Instances"][0]
            self.record(region, "instance", instance.name, created["InstanceId"])
        for lb in spec.load_balancers:
            self.step = f"load balancer {lb.name} in {region}"
            elbv2 = self.client("elbv2", region)
            kwargs = {"Name": lb.name, "Subnets": list(zones.values()), "Scheme": lb.scheme, "Type": lb.type}
            if lb.security_groups:
                kwargs["SecurityGroups"] = [groups[g] for g in lb.security_groups]
            arn = elbv2.create_load_balancer(**kwargs)["LoadBalancers"][0]["LoadBalancerArn"]
            self.record(region, "load_balancer", lb.name, arn)
            if lb.access_logs is not None:
                self.bucket(lb.access_logs.name, region)
                attributes = [
                    {"Key": "access_logs.s3.enabled", "Value": "true"},
                    {"Key": "access_logs.s3.bucket", "Value": lb.access_logs.name},
                    {"Key": "access_logs.s3.prefix", "Value": lb.access_logs.prefix.rstrip("/")},
                ]
                elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=attributes)
        for classic in spec.classic_load_balancers:
            self.step = f"classic load balancer {classic.name} in {region}"
            elb = self.client("elb", region)
            elb.create_load_balancer(
                LoadBalancerName=classic.name,
                Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
                Subnets=[subnet_ids[0]],
                Scheme=classic.scheme,
            )
            self.record(region, "classic_load_balancer", classic.name, classic.name)
            if classic.access_logs is not None:
                self.bucket(classic.access_logs.name, region)
                access_log = {
                    "Enabled": True,
                    "S3BucketName": classic.access_logs.name,
                    "EmitInterval": 60,
                    "S3BucketPrefix": classic.access_logs.prefix.rstrip("/"),
                }
                elb.modify_load_balancer_attributes(
                    LoadBalancerName=classic.name, LoadBalancerAttributes={"AccessLog": access_log}
                )

    def flow_logs(self, region: str, resource_type: str, resource_id: str, spec: FlowLogSpec) -> None:
        self.step = f"flow logs of {resource_id} in {region}"
        kwargs: dict[str, Any] = {
            "ResourceType": resource_type,
            "ResourceIds": [resource_id],
            "TrafficType": spec.traffic,
            "MaxAggregationInterval": spec.max_aggregation_interval,
        }
        destination = spec.destination
        if destination.kind == "s3":
            kwargs["LogDestinationType"] = "s3"
            kwargs["LogDestination"] = self.destination(destination, region)
        else:
            kwargs["LogDestinationType"] = "cloud-watch-logs"
            kwargs["LogGroupName"] = destination.name
            kwargs["DeliverLogsPermissionArn"] = self.role("flow-logs")
            self.log_group(destination.name, region)
        if spec.log_format:
            kwargs["LogFormat"] = spec.log_format
        created = self.client("ec2", region).create_flow_logs(**kwargs)
        if created.get("Unsuccessful"):
            raise SeedError(f"flow logs for {resource_id}: {created['Unsuccessful']}")
        self.record(region, "flow_log", resource_id, created["FlowLogIds"][0])

    def security_groups(self, region: str, vpc_id: str, spec: VpcSpec) -> dict[str, str]:
        ec2 = self.client("ec2", region)
        default = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"][0]["GroupId"]
        groups = {"default": default}
        for group in spec.security_groups:
            self.step = f"security group {group.name} in {region}"
            if group.name != "default":
                groups[group.name] = ec2.create_security_group(
                    GroupName=group.name, Description=group.description, VpcId=vpc_id
                )["GroupId"]
            if group.ingress:
                ec2.authorize_security_group_ingress(
                    GroupId=groups[group.name], IpPermissions=[_ip_permission(rule) for rule in group.ingress]
                )
            self.record(region, "security_group", f"{vpc_id}/{group.name}", groups[group.name])
        return groups

    def nacl_entries(self, region: str, vpc_id: str, entries: list[NaclEntrySpec]) -> None:
        if not entries:
            return
        self.step = f"network ACL entries of {vpc_id} in {region}"
        ec2 = self.client("ec2", region)
        acl_id = ec2.describe_network_acls(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
        )["NetworkAcls"][0]["NetworkAclId"]
        for entry in entries:
            kwargs: dict[str, Any] = {
                "NetworkAclId": acl_id,
                "RuleNumber": entry.rule,
                "Protocol": _PROTOCOLS[entry.protocol],
                "RuleAction": entry.action,
                "Egress": entry.egress,
            }
            kwargs["Ipv6CidrBlock" if ":" in entry.cidr else "CidrBlock"] = entry.cidr
            if entry.ports is not None and entry.protocol in ("tcp", "udp"):
                kwargs["PortRange"] = {"From": entry.ports[0], "To": entry.ports[1]}
            ec2.create_network_acl_entry(**kwargs)

    def config_recorder(self, region: str, spec: AwsRegionEstate) -> None:
        recorder = spec.config_recorder
        assert recorder is not None
        self.step = f"AWS Config in {region}"
        config = self.client("config", region)
        bucket = recorder.delivery_bucket or f"config-{self.account}-{region}"
        self.bucket(bucket, region)
        config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": recorder.name,
                "roleARN": self.role("config"),
                "recordingGroup": {
                    "allSupported": recorder.all_supported,
                    "includeGlobalResourceTypes": recorder.include_global_resource_types,
                    **({} if recorder.all_supported else {"resourceTypes": ["AWS::EC2::VPC"]}),
                },
            }
        )
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
        if recorder.recording:
            config.start_configuration_recorder(ConfigurationRecorderName=recorder.name)

    def web_acl(self, region: str, spec: WebAclSpec, scope: str) -> str:
        self.step = f"{scope} web ACL {spec.name}"
        wafv2 = self.client("wafv2", region)
        acl = wafv2.create_web_acl(
            Name=spec.name,
            Scope=scope,
            DefaultAction={"Allow": {}} if spec.default_action == "allow" else {"Block": {}},
            VisibilityConfig={
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": spec.name.replace("-", ""),
            },
            Rules=[],
        )["Summary"]
        if spec.logging is not None:
            wafv2.put_logging_configuration(
                LoggingConfiguration={
                    "ResourceArn": acl["ARN"],
                    "LogDestinationConfigs": [self.destination(spec.logging, region)],
                }
            )
        self.record(region if scope == "REGIONAL" else "global", "web_acl", spec.name, acl["ARN"])
        return str(acl["ARN"])

    def rest_api(self, region: str, name: str, stages: list[tuple[str, Destination | None]]) -> None:
        self.step = f"REST API {name} in {region}"
        apigateway = self.client("apigateway", region)
        api_id = apigateway.create_rest_api(name=name, endpointConfiguration={"types": ["REGIONAL"]})["id"]
        root = next(r["id"] for r in apigateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
        apigateway.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
        apigateway.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
        deployment = apigateway.create_deployment(restApiId=api_id)["id"]
        self.record(region, "rest_api", name, api_id)
        for stage, access_logs in stages:
            apigateway.create_stage(restApiId=api_id, stageName=stage, deploymentId=deployment)
            if access_logs is not None:
                apigateway.update_stage(
                    restApiId=api_id,
                    stageName=stage,
                    patchOperations=[
                        {
                            "op": "replace",
                            "path": "/accessLogSettings/destinationArn",
                            "value": self.destination(access_logs, region),
                        },
                        {
                            "op": "replace",
                            "path": "/accessLogSettings/format",
                            "value": '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
                            '"status":"$context.status"}',
                        },
                    ],
                )

    def monitoring(self, region: str, spec: AwsRegionEstate) -> None:
        topics: dict[str, str] = {}
        for topic in spec.sns_topics:
            self.step = f"SNS topic {topic.name} in {region}"
            sns = self.client("sns", region)
            topics[topic.name] = sns.create_topic(Name=topic.name)["TopicArn"]
            for subscription in topic.subscriptions:
                sns.subscribe(
                    TopicArn=topics[topic.name],
                    Protocol=subscription.protocol,
                    Endpoint=subscription.endpoint,
                )
            self.record(region, "sns_topic", topic.name, topics[topic.name])
        for metric_filter in spec.metric_filters:
            self.step = f"metric filter {metric_filter.name} in {region}"
            self.log_group(metric_filter.log_group, region)
            self.client("logs", region).put_metric_filter(
                logGroupName=metric_filter.log_group,
                filterName=metric_filter.name,
                filterPattern=metric_filter.pattern,
                metricTransformations=[
                    {
                        "metricName": metric_filter.metric,
                        "metricNamespace": metric_filter.namespace,
                        "metricValue": "1",
                    }
                ],
            )
            alarm = metric_filter.alarm
            if alarm is not None:
                self.client("cloudwatch", region).put_metric_alarm(
                    AlarmName=alarm.name,
                    MetricName=metric_filter.metric,
                    Namespace=metric_filter.namespace,
                    Statistic="Sum",
                    Period=300,
                    EvaluationPeriods=1,
                    Threshold=alarm.threshold,
                    ComparisonOperator="GreaterThanOrEqualToThreshold",
                    ActionsEnabled=alarm.actions_enabled,
                    AlarmActions=[topics[alarm.topic]],
                )

    # --- account-level -------------------------------------------------------------------------

    def trail(self, spec: TrailSpec) -> None:
        region = spec.home_region
        self.bucket(spec.s3_bucket, region)
        if spec.s3_bucket_access_logs is not None:
            self.step = f"server access logging of bucket {spec.s3_bucket}"
            target = spec.s3_bucket_access_logs
            self.bucket(target.name, region, log_delivery=True)
            self.client("s3", region).put_bucket_logging(
                Bucket=spec.s3_bucket,
                BucketLoggingStatus={
                    "LoggingEnabled": {"TargetBucket": target.name, "TargetPrefix": target.prefix}
                },
            )
        self.step = f"trail {spec.name}"
        kwargs: dict[str, Any] = {
            "Name": spec.name,
            "S3BucketName": spec.s3_bucket,
            "IsMultiRegionTrail": spec.multi_region,
            "IncludeGlobalServiceEvents": spec.include_global_service_events,
            "EnableLogFileValidation": spec.log_file_validation,
        }
        if spec.s3_key_prefix:
            kwargs["S3KeyPrefix"] = spec.s3_key_prefix
        if spec.kms_key is not None:
            kwargs["KmsKeyId"] = self.result.get(region, "kms_key", spec.kms_key.removeprefix("alias/"))
        if spec.cloudwatch_log_group is not None:
            kwargs["CloudWatchLogsLogGroupArn"] = self.log_group(spec.cloudwatch_log_group, region) + ":*"
            kwargs["CloudWatchLogsRoleArn"] = self.role("cloudtrail")
        cloudtrail = self.client("cloudtrail", region)
        arn = cloudtrail.create_trail(**kwargs)["TrailARN"]
        self.record(region, "trail", spec.name, arn)
        selectors = _event_selectors(spec)
        if selectors is not None:
            cloudtrail.put_event_selectors(TrailName=spec.name, EventSelectors=selectors)
        if spec.logging:
            cloudtrail.start_logging(Name=spec.name)

    def distribution(self, spec: DistributionSpec, acl_arns: dict[str, str]) -> None:
        self.step = f"CloudFront distribution {spec.name}"
        config: dict[str, Any] = {
            "CallerReference": f"estate-{spec.name}",
            "Comment": spec.name,
            "Enabled": spec.enabled,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "origin",
                        "DomainName": spec.origin,
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "https-only",
                        },
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "origin",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            },
        }
        if spec.logging is not None:
            self.bucket(spec.logging.name, "us-east-1")
            config["Logging"] = {
                "Enabled": True,
                "IncludeCookies": False,
                "Bucket": f"{spec.logging.name}.s3.amazonaws.com",
                "Prefix": spec.logging.prefix,
            }
        if spec.web_acl is not None:
            config["WebACLId"] = acl_arns[spec.web_acl]
        created = self.client("cloudfront", "us-east-1").create_distribution(DistributionConfig=config)
        self.record("global", "distribution", spec.name, created["Distribution"]["Id"])
        if spec.log_delivery is not None:
            self._log_delivery(created["Distribution"], spec.log_delivery)

    def _log_delivery(self, distribution: dict[str, Any], bucket: Destination) -> None:
        """Standard logging v2: the distribution as a CloudWatch Logs delivery source (in us-east-1, where
        CloudFront's vended logs are configured) delivered to the bucket."""
        self.bucket(bucket.name, "us-east-1")
        logs = self.client("logs", "us-east-1")
        source = f"cf-{distribution['Id']}"
        logs.put_delivery_source(name=source, resourceArn=distribution["ARN"], logType="ACCESS_LOGS")
        destination = logs.put_delivery_destination(
            name=f"{source}-s3",
            outputFormat="parquet",
            deliveryDestinationConfiguration={"destinationResourceArn": f"arn:aws:s3:::{bucket.name}"},
        )["deliveryDestination"]
        logs.create_delivery(
            deliverySourceName=source,
            deliveryDestinationArn=destination["arn"],
            s3DeliveryConfiguration={"suffixPath": bucket.prefix.strip("/")} if bucket.prefix else {},
        )


def _ip_permission(rule: IngressRule) -> dict[str, Any]:
    permission: dict[str, Any] = {"IpProtocol": _SG_PROTOCOLS[rule.protocol]}
    if rule.protocol in ("tcp", "udp"):
        low, high = rule.ports or (0, 65535)
        permission.update(FromPort=low, ToPort=high)
    elif rule.protocol == "icmp":
        permission.update(FromPort=-1, ToPort=-1)
    v4 = [c for c in rule.cidrs if ":" not in c]
    v6 = [c for c in rule.cidrs if ":" in c]
    extra = {"Description": rule.description} if rule.description else {}
    if v4:
        permission["IpRanges"] = [{"CidrIp": c, **extra} for c in v4]
    if v6:
        permission["Ipv6Ranges"] = [{"CidrIpv6": c, **extra} for c in v6]
    return permission


def _event_selectors(spec: TrailSpec) -> list[dict[str, Any]] | None:
    """Classic event selectors: management events with all-access data events, then one per other
    read/write type. ``None`` leaves the trail's default (all management events)."""
    if not spec.data_events and spec.management_events:
        return None
    by_type: dict[str, list[dict[str, Any]]] = {}
    for event in spec.data_events:
        by_type.setdefault(event.read_write, []).append({"Type": event.type, "Values": list(event.values)})
    selectors = [
        {
            "ReadWriteType": "All",
            "IncludeManagementEvents": spec.management_events,
            "DataResources": by_type.pop("All", []),
        }
    ]
    selectors += [
        {"ReadWriteType": read_write, "IncludeManagementEvents": False, "DataResources": resources}
        for read_write, resources in by_type.items()
    ]
    return [s for s in selectors if s["IncludeManagementEvents"] or s["DataResources"]]
