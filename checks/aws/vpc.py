"""VPC: flow logs on every VPC (capturing all traffic, delivering), peering routes and endpoints.

Module 4, "Essential Network Logs > AWS VPC Flow Logs Analysis"; CIS AWS 7.0 4.7, 6.6 and 6.8
(5.0 3.7 and 5.6).
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.aws import AwsInventory, AwsRegion, FlowLog, Vpc
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, manual, not_applicable, not_evaluated, passed

MODULE_SECTION = "Essential Network Logs > AWS VPC Flow Logs Analysis"
FLOW_LOGS_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html"
CREATE_FLOW_LOGS_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/working-with-flow-logs.html"
TROUBLESHOOT_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-troubleshooting.html"

# CIS 4.7 accepts a flow log that records rejected packets; the module enables ALL.
_CIS_TRAFFIC_TYPES = ("REJECT", "ALL")
_RESOURCE_TYPES = {"vpc": "VPC", "subnet": "Subnet", "eni": "NetworkInterface"}


def _vpc_arn(inv: AwsInventory, region: str) -> str:
    """The resource of a region-level verdict (no VPC to name: none there, or the list is unreadable)."""
    return f"arn:{inv.partition}:ec2:{region}:{inv.account_id}:vpc"


def _vpcs_or_region_verdict(inv: AwsInventory, region: AwsRegion) -> list[Vpc] | Verdict:
    """The region's VPCs, or the one region-level verdict when there are none to assess."""
    if region.vpcs is None:
        return not_evaluated(_vpc_arn(inv, region.name), region.name, inv.errors_for(region.name, "vpcs"))
    if not region.vpcs:
        return not_applicable(_vpc_arn(inv, region.name), region.name, f"No VPCs in {region.name}")
    return region.vpcs


def _active_vpc_level(flow_logs: list[FlowLog], vpc_id: str) -> list[FlowLog]:
    return [f for f in flow_logs if f.resource_id == vpc_id and f.status == "ACTIVE"]


def _describe(flow_log: FlowLog) -> dict[str, str]:
    return {
        "flow_log_id": flow_log.id,
        "resource_id": flow_log.resource_id,
        "traffic_type": flow_log.traffic_type,
        "status": flow_log.status,
        "destination_type": flow_log.destination_type,
        "destination": flow_log.destination,
    }


@aws_check(
    id="aws.vpc.flow_logs_enabled",
    title="VPC flow logging is enabled in every VPC",
    severity=Severity.MEDIUM,
    rationale=(
        "VPC flow logs record the IP traffic of every interface in the VPC. They are the source the "
        "module's Athena and Logs Insights queries run on (rejected traffic, port scans, SSH brute force, "
        "exfiltration) and one of GuardDuty's inputs. A flow log on the VPC itself covers every subnet and "
        "interface, including the ones created later."
    ),
    risk="Port scans, brute force and data exfiltration in the VPC leave no network record to investigate.",
    remediation=Remediation(
        cli=(
            "aws ec2 create-flow-logs --region {region} --resource-type VPC --resource-ids {resource_id} "
            "--traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::<bucket>"
        ),
        console=[
            "Open the VPC console in the region and select the VPC.",
            "Choose Actions > Create flow log.",
            "Filter: All; destination: an S3 bucket or CloudWatch Logs group; choose Create flow log.",
        ],
        text=(
            "Create a flow log on the VPC itself (not only on subnets or interfaces) with traffic type ALL. "
            "Add the module's --log-format (with vpc-id, subnet-id, instance-id, tcp-flags, pkt-srcaddr, "
            "pkt-dstaddr) if the analysis queries need those fields."
        ),
    ),
    references=(FLOW_LOGS_DOCS, CREATE_FLOW_LOGS_DOCS),
    module_section=MODULE_SECTION,
    datasets=("vpcs", "flow_logs", "subnets"),
)
def vpc_flow_logs_enabled(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        vpcs = _vpcs_or_region_verdict(inv, region)
        if isinstance(vpcs, Verdict):
            yield vpcs
            continue
        for vpc in vpcs:
            if region.flow_logs is None:
                yield not_evaluated(vpc.id, region.name, inv.errors_for(region.name, "flow_logs"))
                continue
            qualifying = [
                f for f in _active_vpc_level(region.flow_logs, vpc.id) if f.traffic_type in _CIS_TRAFFIC_TYPES
            ]
            if qualifying:
                best = next((f for f in qualifying if f.traffic_type == "ALL"), qualifying[0])
                yield passed(
                    vpc.id,
                    region.name,
                    f"VPC {vpc.id} has active VPC-level flow log {best.id} capturing {best.traffic_type} "
                    "traffic",
                    flow_log_id=best.id,
                    traffic_type=best.traffic_type,
                    destination=best.destination,
                )
                continue
            yield _vpc_without_vpc_level_flow_log(inv, region, vpc, region.flow_logs)


def _vpc_without_vpc_level_flow_log(
    inv: AwsInventory, region: AwsRegion, vpc: Vpc, flow_logs: list[FlowLog]
) -> Verdict:
    """FAIL, saying what coverage there is: unusable VPC-level logs, subnet logs, interface logs."""
    vpc_level = [_describe(f) for f in flow_logs if f.resource_id == vpc.id]
    eni_logs = [
        _describe(f)
        for f in flow_logs
        if f.level == "eni" and f.status == "ACTIVE" and f.traffic_type in _CIS_TRAFFIC_TYPES
    ]
    message = f"VPC {vpc.id} has no active VPC-level flow log capturing REJECT or ALL traffic"
    if vpc_level:
        states = ", ".join(f"{f['flow_log_id']} {f['status']}/{f['traffic_type']}" for f in vpc_level)
        message += f" (VPC-level flow logs present: {states})"
    evidence: dict[str, object] = {"vpc_level_flow_logs": vpc_level}
    if region.subnets is None:
        errors = inv.errors_for(region.name, "subnets")
        message += "; subnet coverage unknown: the subnets could not be read"
        evidence["subnet_collection_errors"] = [e.model_dump() for e in errors]
    else:
        subnets = sorted(s.id for s in region.subnets if s.vpc_id == vpc.id)
        logged = {
            f.resource_id
            for f in flow_logs
            if f.level == "subnet" and f.status == "ACTIVE" and f.traffic_type in _CIS_TRAFFIC_TYPES
        }
        covered = [s for s in subnets if s in logged]
        evidence["covered_subnets"] = covered
        evidence["uncovered_subnets"] = [s for s in subnets if s not in logged]
        if covered:
            message += (
                f"; partial coverage: {len(covered)} of {len(subnets)} subnets have their own flow log "
                f"({', '.join(covered)})"
            )
    if eni_logs:
        # DescribeFlowLogs does not say which VPC an interface is in, so these are listed, not counted.
        message += (
            f"; {len(eni_logs)} interface-level flow log(s) in {region.name} cover single interfaces only"
        )
        evidence["eni_flow_logs_in_region"] = eni_logs
    return failed(vpc.id, region.name, message, **evidence)


@aws_check(
    id="aws.vpc.flow_logs_capture_all_traffic",
    title="VPC flow logs capture all traffic (ACCEPT and REJECT)",
    severity=Severity.LOW,
    rationale=(
        "The module enables flow logs with --traffic-type ALL: rejected flows show scans and blocked "
        "attacks, accepted flows show what actually got through, including exfiltration. A REJECT-only "
        "log cannot answer the module's 'unusual outbound traffic' query; an ACCEPT-only log misses scans."
    ),
    risk="Half of the network record is missing when an incident has to be reconstructed.",
    remediation=Remediation(
        cli=(
            "aws ec2 create-flow-logs --region {region} --resource-type VPC --resource-ids {resource_id} "
            "--traffic-type ALL --log-destination-type {destination_type} --log-destination {destination} "
            "&& aws ec2 delete-flow-logs --region {region} --flow-log-ids {flow_log_id}"
        ),
        console=[
            "VPC console > select the VPC > Flow logs tab.",
            "Create flow log with Filter: All and the same destination.",
            "Delete the old flow log once the new one is active.",
        ],
        text=(
            "A flow log's traffic type cannot be changed: create a new VPC-level flow log with traffic type "
            "ALL, then delete the partial one. CloudWatch Logs destinations also need "
            "--deliver-logs-permission-arn."
        ),
    ),
    references=(FLOW_LOGS_DOCS, CREATE_FLOW_LOGS_DOCS),
    module_section=MODULE_SECTION,
    datasets=("vpcs", "flow_logs"),
)
def vpc_flow_logs_capture_all_traffic(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        vpcs = _vpcs_or_region_verdict(inv, region)
        if isinstance(vpcs, Verdict):
            yield vpcs
            continue
        for vpc in vpcs:
            if region.flow_logs is None:
                yield not_evaluated(vpc.id, region.name, inv.errors_for(region.name, "flow_logs"))
                continue
            vpc_level = _active_vpc_level(region.flow_logs, vpc.id)
            if not vpc_level:
                yield not_applicable(
                    vpc.id,
                    region.name,
                    f"VPC {vpc.id} has no active VPC-level flow log (aws.vpc.flow_logs_enabled reports it)",
                )
                continue
            all_traffic = next((f for f in vpc_level if f.traffic_type == "ALL"), None)
            if all_traffic is not None:
                yield passed(
                    vpc.id,
                    region.name,
                    f"VPC {vpc.id} flow log {all_traffic.id} captures ALL traffic",
                    flow_log_id=all_traffic.id,
                )
                continue
            partial = vpc_level[0]
            kinds = sorted({f.traffic_type for f in vpc_level})
            yield failed(
                vpc.id,
                region.name,
                f"VPC {vpc.id} flow logs capture {' and '.join(kinds)} traffic only, not ALL",
                flow_log_id=partial.id,
                destination_type=partial.destination_type,
                destination=partial.destination,
                flow_logs=[_describe(f) for f in vpc_level],
            )


@aws_check(
    id="aws.vpc.flow_logs_delivering",
    title="VPC flow logs are delivering to their destination",
    severity=Severity.MEDIUM,
    rationale=(
        "A flow log whose delivery fails (missing permissions on the role or bucket, a deleted "
        "destination, rate limits) looks enabled but records nothing."
    ),
    risk="The flow log gives a false sense of coverage: the traffic of the incident was never written.",
    remediation=Remediation(
        cli=(
            "aws ec2 delete-flow-logs --region {region} --flow-log-ids {resource_id} && "
            "aws ec2 create-flow-logs --region {region} --resource-type {resource_type} "
            "--resource-ids {flow_resource_id} --traffic-type {traffic_type} "
            "--log-destination-type {destination_type} --log-destination {destination}"
        ),
        console=[
            "VPC console > Your VPCs (or Subnets) > Flow logs tab: read the delivery error.",
            "Fix the cause (S3 bucket policy for delivery.logs.amazonaws.com, or the IAM role's trust and "
            "logs:CreateLogStream / logs:PutLogEvents permissions).",
            "Recreate the flow log if it still does not deliver.",
        ],
        text=(
            "Fix the cause named in deliver_error first (destination permissions, the destination itself, "
            "rate limits); recreate the flow log if it does not recover. CloudWatch Logs destinations also "
            "need --deliver-logs-permission-arn."
        ),
    ),
    references=(TROUBLESHOOT_DOCS, FLOW_LOGS_DOCS),
    module_section=MODULE_SECTION,
    datasets=("flow_logs",),
)
def vpc_flow_logs_delivering(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        if region.flow_logs is None:
            resource = f"arn:{inv.partition}:ec2:{region.name}:{inv.account_id}:vpc-flow-log"
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "flow_logs"))
            continue
        for flow_log in region.flow_logs:
            if flow_log.deliver_status == "FAILED":
                yield failed(
                    flow_log.id,
                    region.name,
                    f"Flow log {flow_log.id} on {flow_log.resource_id} fails to deliver to "
                    f"{flow_log.destination or 'its destination'}: "
                    f"{flow_log.deliver_error or 'no error given'}",
                    deliver_error=flow_log.deliver_error,
                    resource_type=_RESOURCE_TYPES.get(flow_log.level, flow_log.level),
                    flow_resource_id=flow_log.resource_id,
                    traffic_type=flow_log.traffic_type,
                    destination_type=flow_log.destination_type,
                    destination=flow_log.destination,
                )
            else:
                yield passed(
                    flow_log.id,
                    region.name,
                    f"Flow log {flow_log.id} on {flow_log.resource_id} delivery status is "
                    f"{flow_log.deliver_status or 'not reported'}",
                    deliver_status=flow_log.deliver_status,
                    destination=flow_log.destination,
                )


@aws_check(
    id="aws.vpc.peering_routes_least_access",
    title='Routing tables for VPC peering are "least access" (manual review)',
    severity=Severity.MEDIUM,
    rationale=(
        "A peering route should send only the subnets or hosts that must talk to the peer, not the whole "
        "peer VPC or a default route. Which CIDRs are needed is a design decision, so CIS makes this a "
        "manual control; the routes are listed for the reviewer."
    ),
    risk="A broad peering route lets a compromise in one VPC reach every host of the peered VPC.",
    remediation=Remediation(
        cli=(
            "aws ec2 delete-route --region {region} --route-table-id <route-table-id> "
            "--destination-cidr-block <broad-cidr> && aws ec2 create-route --region {region} "
            "--route-table-id <route-table-id> --destination-cidr-block <needed-cidr> "
            "--vpc-peering-connection-id <pcx-id>"
        ),
        console=[
            "VPC console > Route tables > filter by the VPC.",
            "For each route whose target is a peering connection (pcx-), check that the destination is the "
            "narrowest CIDR the workloads need.",
            "Edit routes: replace broad destinations with the needed subnets or hosts.",
        ],
        text="Keep peering routes to the subnets or host addresses that need to reach the peer.",
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html",
        "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html",
    ),
    module_section="CIS",
    datasets=("vpcs", "route_tables"),
)
def vpc_peering_routes_least_access(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        vpcs = _vpcs_or_region_verdict(inv, region)
        if isinstance(vpcs, Verdict):
            yield vpcs
            continue
        for vpc in vpcs:
            if region.route_tables is None:
                yield not_evaluated(vpc.id, region.name, inv.errors_for(region.name, "route_tables"))
                continue
            routes = [
                {"route_table_id": table.id, "destination": route.destination, "target": route.target}
                for table in region.route_tables
                if table.vpc_id == vpc.id
                for route in table.routes
                if route.target.startswith("pcx-")
            ]
            if not routes:
                yield not_applicable(
                    vpc.id, region.name, f"VPC {vpc.id} has no routes to a peering connection"
                )
                continue
            tables = sorted({r["route_table_id"] for r in routes})
            listed = ", ".join(f"{r['destination']} via {r['target']}" for r in routes)
            yield manual(
                vpc.id,
                region.name,
                f"VPC {vpc.id} has {len(routes)} peering route(s) in {len(tables)} route table(s) "
                f"({listed}): review that each destination is the narrowest CIDR needed",
                peering_routes=routes,
                route_table_ids=tables,
            )


@aws_check(
    id="aws.vpc.endpoints_for_aws_services",
    title="VPC endpoints are used for access to AWS services (manual review)",
    severity=Severity.LOW,
    rationale=(
        "VPC endpoints keep traffic to AWS services (S3, DynamoDB, STS, KMS, Logs ...) on the AWS network "
        "and let endpoint policies limit it. Which services a VPC's workloads use is not in the inventory, "
        "so CIS makes this a manual control; the existing endpoints are listed for the reviewer."
    ),
    risk="Traffic to AWS services leaves through internet or NAT gateways, outside endpoint policies.",
    remediation=Remediation(
        cli=(
            "aws ec2 create-vpc-endpoint --region {region} --vpc-id {resource_id} "
            "--vpc-endpoint-type Gateway --service-name com.amazonaws.{region}.s3 "
            "--route-table-ids <route-table-id>"
        ),
        console=[
            "VPC console > Endpoints > Create endpoint.",
            "Choose the AWS service, the VPC, and the route tables (Gateway) or subnets (Interface).",
        ],
        text=(
            "Create gateway endpoints for S3 and DynamoDB and interface endpoints for the other AWS services "
            "the VPC's workloads call."
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/privatelink/concepts.html",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
    ),
    module_section="CIS",
    datasets=("vpcs", "vpc_endpoints"),
)
def vpc_endpoints_for_aws_services(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        vpcs = _vpcs_or_region_verdict(inv, region)
        if isinstance(vpcs, Verdict):
            yield vpcs
            continue
        for vpc in vpcs:
            if region.vpc_endpoints is None:
                yield not_evaluated(vpc.id, region.name, inv.errors_for(region.name, "vpc_endpoints"))
                continue
            endpoints = [e for e in region.vpc_endpoints if e.vpc_id == vpc.id]
            services = sorted({e.service_name for e in endpoints})
            if services:
                message = (
                    f"VPC {vpc.id} has {len(endpoints)} endpoint(s) for {', '.join(services)}: review that "
                    "every AWS service its workloads call is reached through an endpoint"
                )
            else:
                message = (
                    f"VPC {vpc.id} has no VPC endpoints: review whether its workloads reach AWS services "
                    "through internet or NAT gateways"
                )
            yield manual(
                vpc.id,
                region.name,
                message,
                endpoint_services=services,
                endpoints=[
                    {"id": e.id, "service_name": e.service_name, "type": e.endpoint_type, "state": e.state}
                    for e in endpoints
                ],
            )
