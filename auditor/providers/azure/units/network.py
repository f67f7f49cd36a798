"""Networking: network watchers and their flow logs (NSG and VNet), NSGs and rules, virtual networks."""

from __future__ import annotations

from typing import Any

from auditor.inventory.azure import (
    FlowLog,
    NetworkSecurityGroup,
    NetworkWatcher,
    SecurityRule,
    Subnet,
    VirtualNetwork,
    location_key,
)
from auditor.providers.azure.failures import ReadFailed
from auditor.providers.azure.operations import api_version
from auditor.providers.azure.unit import Unit, UnitContext, text

SERVICE = "network"


def resource_group(resource_id: str) -> str:
    parts = resource_id.split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index("resourcegroups") + 1]


NO_WORKSPACE = "-"
"""What ARM answers for workspaceId / workspaceRegion when Traffic Analytics has no workspace (the spec's
own FlowLogs_List example)."""


def _named(value: str | None) -> str:
    return "" if value in (None, NO_WORKSPACE) else str(value)


def _flow_log(log: Any) -> FlowLog:
    retention = log.retention_policy
    analytics = getattr(
        log.flow_analytics_configuration, "network_watcher_flow_analytics_configuration", None
    )
    return FlowLog(
        id=log.id,
        name=log.name,
        location=location_key(log.location or ""),
        target_resource_id=log.target_resource_id or "",
        enabled=bool(log.enabled),
        storage_id=log.storage_id or "",
        retention_enabled=bool(getattr(retention, "enabled", False)),
        retention_days=int(getattr(retention, "days", 0) or 0),
        traffic_analytics_enabled=bool(getattr(analytics, "enabled", False)),
        workspace_id=_named(getattr(analytics, "workspace_resource_id", None)),
        workspace_guid=_named(getattr(analytics, "workspace_id", None)),
        workspace_region=location_key(_named(getattr(analytics, "workspace_region", None))),
    )


def _rule(rule: Any) -> SecurityRule:
    sources = list(rule.source_address_prefixes or []) + (
        [rule.source_address_prefix] if rule.source_address_prefix else []
    )
    ports = list(rule.destination_port_ranges or []) + (
        [rule.destination_port_range] if rule.destination_port_range else []
    )
    return SecurityRule(
        name=rule.name,
        direction=text(rule.direction),
        access=text(rule.access),
        protocol=text(rule.protocol),
        priority=rule.priority or 0,
        source_prefixes=sources,
        destination_ports=ports,
    )


def _watchers(context: UnitContext, client: Any) -> list[NetworkWatcher]:
    watchers = []
    listed = context.call(
        SERVICE,
        "network_watchers.list_all",
        lambda: list(client.network_watchers.list_all(api_version=api_version("network_watchers.list_all"))),
    )
    for watcher in listed:
        location = location_key(watcher.location or "")
        try:
            logs: list[FlowLog] | None = [
                _flow_log(log)
                for log in context.call(
                    SERVICE,
                    "flow_logs.list",
                    lambda w=watcher: list(
                        client.flow_logs.list(
                            resource_group(w.id), w.name, api_version=api_version("flow_logs.list")
                        )
                    ),
                    resource=watcher.id,
                )
            ]
        except ReadFailed as failure:
            context.record("flow_logs", failure, location)
            logs = None
        watchers.append(
            NetworkWatcher(
                id=watcher.id,
                name=watcher.name,
                location=location,
                provisioning_state=text(watcher.provisioning_state),
                flow_logs=logs,
            )
        )
    return watchers


def collect(context: UnitContext) -> None:
    client = context.client(SERVICE)
    context.fill("network_watchers", SERVICE, lambda: _watchers(context, client))
    context.fill(
        "network_security_groups",
        SERVICE,
        lambda: [
            NetworkSecurityGroup(
                id=nsg.id,
                name=nsg.name,
                location=location_key(nsg.location or ""),
                rules=[_rule(r) for r in nsg.security_rules or []],
                subnet_ids=[s.id for s in nsg.subnets or []],
                nic_ids=[n.id for n in nsg.network_interfaces or []],
            )
            for nsg in context.call(
                SERVICE,
                "network_security_groups.list_all",
                lambda: list(
                    client.network_security_groups.list_all(
                        api_version=api_version("network_security_groups.list_all")
                    )
                ),
            )
        ],
    )
    context.fill(
        "virtual_networks",
        SERVICE,
        lambda: [
            VirtualNetwork(
                id=vnet.id,
                name=vnet.name,
                location=location_key(vnet.location or ""),
                subnets=[
                    Subnet(
                        id=s.id,
                        name=s.name,
                        nsg_id=getattr(s.network_security_group, "id", None) or "",
                    )
                    for s in vnet.subnets or []
                ],
            )
            for vnet in context.call(
                SERVICE,
                "virtual_networks.list_all",
                lambda: list(
                    client.virtual_networks.list_all(api_version=api_version("virtual_networks.list_all"))
                ),
            )
        ],
    )


UNIT = Unit(
    service=SERVICE,
    datasets=("network_watchers", "network_security_groups", "virtual_networks"),
    collect=collect,
)
