"""Route 53 Resolver DNS query logging: the query-log configurations and their VPC associations."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import ResolverQueryLogAssociation, ResolverQueryLogConfig
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "route53resolver"


def query_log_config(item: dict[str, Any]) -> ResolverQueryLogConfig:
    return ResolverQueryLogConfig(
        id=item["Id"],
        name=item.get("Name", ""),
        arn=item.get("Arn", ""),
        destination_arn=item.get("DestinationArn", ""),
        status=item.get("Status", ""),
        owner_id=item.get("OwnerId", ""),
        share_status=item.get("ShareStatus", ""),
    )


def query_log_association(item: dict[str, Any]) -> ResolverQueryLogAssociation:
    error = item.get("Error", "")
    return ResolverQueryLogAssociation(
        id=item["Id"],
        config_id=item.get("ResolverQueryLogConfigId", ""),
        resource_id=item.get("ResourceId", ""),
        status=item.get("Status", ""),
        error="" if error in ("", "NONE") else error,
    )


def collect(ctx: UnitContext) -> None:
    resolver = ctx.reader(SERVICE)
    ctx.fill(
        "resolver_query_log_configs",
        SERVICE,
        lambda: [
            query_log_config(i)
            for i in resolver.items("ListResolverQueryLogConfigs", "ResolverQueryLogConfigs")
        ],
    )
    ctx.fill(
        "resolver_query_log_associations",
        SERVICE,
        lambda: [
            query_log_association(i)
            for i in resolver.items(
                "ListResolverQueryLogConfigAssociations", "ResolverQueryLogConfigAssociations"
            )
        ],
    )


UNIT = Unit(
    service=SERVICE,
    datasets=("resolver_query_log_configs", "resolver_query_log_associations"),
    reads=(
        Read(SERVICE, "ListResolverQueryLogConfigs", "route53resolver:ListResolverQueryLogConfigs"),
        Read(
            SERVICE,
            "ListResolverQueryLogConfigAssociations",
            "route53resolver:ListResolverQueryLogConfigAssociations",
        ),
    ),
    collect=collect,
)
