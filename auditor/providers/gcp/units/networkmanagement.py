"""Network Management API v1: the VPC Flow Logs configurations (``vpcFlowLogsConfigs``) of the project and
of its organization.

Besides a subnetwork's own ``logConfig``, VPC Flow Logs can be configured here, on a network (every subnet,
VPN tunnel and Interconnect attachment in it), a subnet, one Interconnect attachment or one VPN tunnel.
Read through google-api-python-client's ``networkmanagement v1`` with the static discovery document (no
google-cloud package is installed for it), every page of ``projects/P/locations/global``. ``state`` is
optional in the API and defaults to ENABLED; a config naming none of the four targets is recorded as
covering the whole project.
"""

from __future__ import annotations

from typing import Any

from auditor.inventory.gcp import FlowLogsTarget, VpcFlowLogsConfig
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "networkmanagement"
TARGETS: tuple[tuple[str, FlowLogsTarget], ...] = (
    ("subnet", "subnet"),
    ("network", "network"),
    ("interconnectAttachment", "interconnect_attachment"),
    ("vpnTunnel", "vpn_tunnel"),
)


def _relative(name: str) -> str:
    """'https://www.googleapis.com/compute/v1/projects/p/...' or '//compute.googleapis.com/projects/p/...'
    -> 'projects/p/...'."""
    index = name.find("projects/")
    return name[index:] if index >= 0 else name


def _config(item: dict[str, Any], whole: FlowLogsTarget = "project") -> VpcFlowLogsConfig:
    """A configuration; one naming no target logs the whole of ``whole`` (its project or organization)."""
    kind: FlowLogsTarget = whole
    target = ""
    for field, target_kind in TARGETS:
        if item.get(field):
            kind, target = target_kind, _relative(str(item[field]))
            break
    sampling = item.get("flowSampling")
    return VpcFlowLogsConfig(
        name=str(item["name"]),
        state=str(item.get("state") or "ENABLED"),
        target_kind=kind,
        target=target,
        aggregation_interval=str(item.get("aggregationInterval", "")),
        flow_sampling=float(sampling) if sampling is not None else None,
        metadata=str(item.get("metadata", "")),
    )


def collect(context: UnitContext) -> None:
    project = context.target

    def configs() -> list[VpcFlowLogsConfig]:
        api = context.clients.discovery("networkmanagement")
        pages = context.discovery_pages(
            SERVICE,
            "vpcFlowLogsConfigs.list",
            api.projects().locations().vpcFlowLogsConfigs(),
            parent=f"projects/{project}/locations/global",
        )
        return [_config(item) for page in pages for item in page.get("vpcFlowLogsConfigs", [])]

    context.fill("vpc_flow_logs_configs", SERVICE, "vpcFlowLogsConfigs.list", configs)


UNIT = Unit(
    service=SERVICE,
    datasets=("vpc_flow_logs_configs",),
    reads=((SERVICE, "vpcFlowLogsConfigs.list"),),
    collect=collect,
)


def collect_organization(context: UnitContext) -> None:
    """The organization's own configurations (``organizations/O/locations/global``), which log every VPC
    network of every project in it."""
    organization = context.target

    def configs() -> list[VpcFlowLogsConfig]:
        api = context.clients.discovery("networkmanagement")
        pages = context.discovery_pages(
            SERVICE,
            "organizations.vpcFlowLogsConfigs.list",
            api.organizations().locations().vpcFlowLogsConfigs(),
            parent=f"organizations/{organization}/locations/global",
        )
        return [
            _config(item, whole="organization")
            for page in pages
            for item in page.get("vpcFlowLogsConfigs", [])
        ]

    context.fill(
        "organization_vpc_flow_logs_configs", SERVICE, "organizations.vpcFlowLogsConfigs.list", configs
    )


ORGANIZATION_UNIT = Unit(
    service=SERVICE,
    datasets=("organization_vpc_flow_logs_configs",),
    reads=((SERVICE, "organizations.vpcFlowLogsConfigs.list"),),
    collect=collect_organization,
    scope="organization",
)
