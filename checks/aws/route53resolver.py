"""Route 53 Resolver: DNS query logging on every VPC.

Module 4, "Essential Network Logs > Log Types by Provider > DNS queries: Route 53 Query Logs".
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.aws import AwsInventory, ResolverQueryLogAssociation
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_applicable, not_evaluated, passed

MODULE_SECTION = "Essential Network Logs > Log Types by Provider > DNS queries: Route 53 Query Logs"
DOCS = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs.html"


@aws_check(
    id="aws.route53resolver.query_logging_enabled",
    title="Route 53 Resolver query logging is enabled for every VPC",
    severity=Severity.MEDIUM,
    rationale=(
        "Resolver query logs record every DNS query made from the VPC: the domains malware calls home to, "
        "DNS tunnelling and the 'unknown TLDs' the module's baseline alerts on. They are the DNS row of "
        "the module's essential logs."
    ),
    risk="Command-and-control lookups and DNS exfiltration from the VPC leave no record.",
    remediation=Remediation(
        cli=(
            "aws route53resolver associate-resolver-query-log-config --region {region} "
            "--resolver-query-log-config-id <config-id> --resource-id {resource_id}"
        ),
        console=[
            "Open the Route 53 console > Resolver > Query logging in the region.",
            "Select a query logging configuration (or Configure query logging to create one).",
            "Under VPCs that queries are logged for, choose Add VPC and select the VPC.",
        ],
        text=(
            "Associate the VPC with a query logging configuration; create one first if the region has none "
            "(aws route53resolver create-resolver-query-log-config --name <name> --destination-arn "
            "<log-group-bucket-or-firehose-arn>)."
        ),
    ),
    references=(
        DOCS,
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logging-configurations-managing.html",
    ),
    module_section=MODULE_SECTION,
    datasets=("vpcs", "resolver_query_log_configs", "resolver_query_log_associations"),
)
def route53resolver_query_logging_enabled(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        resource = f"arn:{inv.partition}:ec2:{region.name}:{inv.account_id}:vpc"
        if region.vpcs is None:
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "vpcs"))
            continue
        if not region.vpcs:
            yield not_applicable(resource, region.name, f"No VPCs in {region.name}")
            continue
        configs = region.resolver_query_log_configs
        associations = region.resolver_query_log_associations
        if configs is None or associations is None:
            missing = [
                name
                for name, value in (
                    ("resolver_query_log_configs", configs),
                    ("resolver_query_log_associations", associations),
                )
                if value is None
            ]
            errors = inv.errors_for(region.name, *missing)
            for vpc in region.vpcs:
                yield not_evaluated(vpc.id, region.name, errors)
            continue
        status_of = {c.id: c.status for c in configs}
        destination_of = {c.id: c.destination_arn for c in configs}
        for vpc in region.vpcs:
            mine = [a for a in associations if a.resource_id == vpc.id]
            working = [a for a in mine if a.status == "ACTIVE" and status_of.get(a.config_id) == "CREATED"]
            if working:
                association = working[0]
                yield passed(
                    vpc.id,
                    region.name,
                    f"VPC {vpc.id} DNS queries are logged by query log config {association.config_id} "
                    f"to {destination_of.get(association.config_id) or 'its destination'}",
                    config_id=association.config_id,
                    destination_arn=destination_of.get(association.config_id, ""),
                )
                continue
            yield failed(
                vpc.id,
                region.name,
                f"VPC {vpc.id} has no active Route 53 Resolver query logging" + _why(mine, status_of),
                associations=[
                    {
                        "association_id": a.id,
                        "config_id": a.config_id,
                        "status": a.status,
                        "config_status": status_of.get(a.config_id, "not found"),
                        "error": a.error,
                    }
                    for a in mine
                ],
                created_configs=sorted(c.id for c in configs if c.status == "CREATED"),
            )


def _why(associations: list[ResolverQueryLogAssociation], status_of: dict[str, str]) -> str:
    """Why the VPC's associations (if any) do not log: their own status, or their config's."""
    if not associations:
        return ""
    reasons = []
    for association in associations:
        config_status = status_of.get(association.config_id, "not found")
        reason = (
            f"{association.id} is {association.status}, config {association.config_id} is {config_status}"
        )
        if association.error:
            reason += f" ({association.error})"
        reasons.append(reason)
    return f" (associations: {'; '.join(reasons)})"
