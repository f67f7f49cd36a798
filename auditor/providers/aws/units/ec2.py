"""EC2 and VPC networking: VPCs, subnets, flow logs, security groups, NACLs, routes, endpoints,
instances (IMDS settings) and EBS encryption by default."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import (
    FlowLog,
    Instance,
    IpPermission,
    NetworkAcl,
    NetworkAclEntry,
    Route,
    RouteTable,
    SecurityGroup,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "ec2"

# Every instance state but "terminated": filtered server-side, so terminated instances are not paged.
LIVE_INSTANCE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"]

# The route fields that name a target, in the order EC2 fills them.
ROUTE_TARGETS = (
    "GatewayId",
    "VpcPeeringConnectionId",
    "NatGatewayId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
    "VpcEndpointId",
)
ROUTE_DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")


def name_tag(resource: dict[str, Any]) -> str:
    return next((t.get("Value", "") for t in resource.get("Tags") or [] if t.get("Key") == "Name"), "")


def vpc(item: dict[str, Any]) -> Vpc:
    blocks = [
        a["CidrBlock"]
        for a in item.get("CidrBlockAssociationSet") or []
        if a.get("CidrBlockState", {}).get("State", "associated") == "associated"
    ]
    if not blocks and item.get("CidrBlock"):
        blocks = [item["CidrBlock"]]
    return Vpc(
        id=item["VpcId"], cidr_blocks=blocks, is_default=bool(item.get("IsDefault")), name=name_tag(item)
    )


def subnet(item: dict[str, Any]) -> Subnet:
    return Subnet(id=item["SubnetId"], vpc_id=item["VpcId"], cidr_block=item.get("CidrBlock", ""))


def flow_log(item: dict[str, Any]) -> FlowLog:
    return FlowLog(
        id=item["FlowLogId"],
        resource_id=item.get("ResourceId", ""),
        traffic_type=item.get("TrafficType", ""),
        status=item.get("FlowLogStatus", ""),
        deliver_status=item.get("DeliverLogsStatus", ""),
        deliver_error=item.get("DeliverLogsErrorMessage", ""),
        destination_type=item.get("LogDestinationType", ""),
        destination=item.get("LogDestination") or item.get("LogGroupName", ""),
        log_format=item.get("LogFormat", ""),
        max_aggregation_interval=item.get("MaxAggregationInterval"),
    )


def ip_permission(item: dict[str, Any]) -> IpPermission:
    return IpPermission(
        protocol=str(item.get("IpProtocol", "-1")),
        from_port=item.get("FromPort"),
        to_port=item.get("ToPort"),
        ipv4_ranges=[r["CidrIp"] for r in item.get("IpRanges") or []],
        ipv6_ranges=[r["CidrIpv6"] for r in item.get("Ipv6Ranges") or []],
        prefix_list_ids=[p["PrefixListId"] for p in item.get("PrefixListIds") or []],
        group_ids=[g["GroupId"] for g in item.get("UserIdGroupPairs") or [] if g.get("GroupId")],
    )


def security_group(item: dict[str, Any]) -> SecurityGroup:
    return SecurityGroup(
        id=item["GroupId"],
        name=item.get("GroupName", ""),
        vpc_id=item.get("VpcId", ""),
        description=item.get("Description", ""),
        ingress=[ip_permission(p) for p in item.get("IpPermissions") or []],
        egress=[ip_permission(p) for p in item.get("IpPermissionsEgress") or []],
    )


def network_acl(item: dict[str, Any]) -> NetworkAcl:
    entries = []
    for entry in item.get("Entries") or []:
        ports = entry.get("PortRange") or {}
        entries.append(
            NetworkAclEntry(
                rule_number=entry["RuleNumber"],
                protocol=str(entry.get("Protocol", "-1")),
                egress=bool(entry.get("Egress")),
                action=entry["RuleAction"],
                cidr_block=entry.get("CidrBlock", ""),
                ipv6_cidr_block=entry.get("Ipv6CidrBlock", ""),
                port_from=ports.get("From"),
                port_to=ports.get("To"),
            )
        )
    return NetworkAcl(
        id=item["NetworkAclId"],
        vpc_id=item.get("VpcId", ""),
        is_default=bool(item.get("IsDefault")),
        entries=entries,
        subnet_ids=[a["SubnetId"] for a in item.get("Associations") or [] if a.get("SubnetId")],
    )


def route(item: dict[str, Any]) -> Route:
    destination = next((item[k] for k in ROUTE_DESTINATIONS if item.get(k)), "")
    target = next((item[k] for k in ROUTE_TARGETS if item.get(k)), "")
    return Route(destination=destination, target=target)


def route_table(item: dict[str, Any]) -> RouteTable:
    associations = item.get("Associations") or []
    return RouteTable(
        id=item["RouteTableId"],
        vpc_id=item.get("VpcId", ""),
        routes=[route(r) for r in item.get("Routes") or []],
        subnet_ids=[a["SubnetId"] for a in associations if a.get("SubnetId")],
        is_main=any(a.get("Main") for a in associations),
    )


def vpc_endpoint(item: dict[str, Any]) -> VpcEndpoint:
    return VpcEndpoint(
        id=item["VpcEndpointId"],
        vpc_id=item.get("VpcId", ""),
        service_name=item.get("ServiceName", ""),
        endpoint_type=item.get("VpcEndpointType", ""),
        state=item.get("State", ""),
    )


def instance(item: dict[str, Any]) -> Instance:
    metadata = item.get("MetadataOptions") or {}
    return Instance(
        id=item["InstanceId"],
        state=item.get("State", {}).get("Name", ""),
        vpc_id=item.get("VpcId", ""),
        name=name_tag(item),
        metadata_http_tokens=metadata.get("HttpTokens", ""),
        metadata_http_endpoint=metadata.get("HttpEndpoint", "enabled"),
    )


def collect(ctx: UnitContext) -> None:
    ec2 = ctx.reader(SERVICE)
    ctx.fill("vpcs", SERVICE, lambda: [vpc(i) for i in ec2.items("DescribeVpcs", "Vpcs")])
    ctx.fill("subnets", SERVICE, lambda: [subnet(i) for i in ec2.items("DescribeSubnets", "Subnets")])
    ctx.fill("flow_logs", SERVICE, lambda: [flow_log(i) for i in ec2.items("DescribeFlowLogs", "FlowLogs")])
    ctx.fill(
        "security_groups",
        SERVICE,
        lambda: [security_group(i) for i in ec2.items("DescribeSecurityGroups", "SecurityGroups")],
    )
    ctx.fill(
        "network_acls",
        SERVICE,
        lambda: [network_acl(i) for i in ec2.items("DescribeNetworkAcls", "NetworkAcls")],
    )
    ctx.fill(
        "route_tables",
        SERVICE,
        lambda: [route_table(i) for i in ec2.items("DescribeRouteTables", "RouteTables")],
    )
    ctx.fill(
        "vpc_endpoints",
        SERVICE,
        lambda: [vpc_endpoint(i) for i in ec2.items("DescribeVpcEndpoints", "VpcEndpoints")],
    )
    ctx.fill("instances", SERVICE, lambda: _instances(ec2))
    ctx.fill(
        "ebs_encryption_by_default",
        SERVICE,
        lambda: bool(ec2.call("GetEbsEncryptionByDefault")["EbsEncryptionByDefault"]),
    )


def _instances(ec2: ServiceReader) -> list[Instance]:
    filters = [{"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}]
    out = []
    for reservation in ec2.items("DescribeInstances", "Reservations", Filters=filters):
        for item in reservation.get("Instances") or []:
            if item.get("State", {}).get("Name") != "terminated":
                out.append(instance(item))
    return out


UNIT = Unit(
    service=SERVICE,
    datasets=(
        "vpcs",
        "subnets",
        "flow_logs",
        "security_groups",
        "network_acls",
        "route_tables",
        "vpc_endpoints",
        "instances",
        "ebs_encryption_by_default",
    ),
    reads=tuple(
        Read(SERVICE, operation, f"ec2:{operation}")
        for operation in (
            "DescribeVpcs",
            "DescribeSubnets",
            "DescribeFlowLogs",
            "DescribeSecurityGroups",
            "DescribeNetworkAcls",
            "DescribeRouteTables",
            "DescribeVpcEndpoints",
            "DescribeInstances",
            "GetEbsEncryptionByDefault",
        )
    ),
    collect=collect,
)
