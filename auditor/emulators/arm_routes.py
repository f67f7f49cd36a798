"""The operations the ARM emulator serves: one route per Azure REST operation, with the api-version it
serves, written as the operation's path template in the Azure REST API specification.

ARM resource providers answer only the api-versions they implement; any other gets a 400 with code
``InvalidApiVersionParameter`` naming the supported versions, and a request without one gets
``MissingApiVersionParameter``. The emulator does the same, per route: each route serves exactly the
version whose response shape ``tests/contracts/azure`` validates its answers against (the vendored spec
fragment of that version). A route is matched case-insensitively on the path; ``{resourceUri}`` and
``{scopeId}`` span several segments, other parameters one.

The collector pins the same versions (``auditor.providers.azure.operations``); the contract tests hold
the three (spec, emulator, collector) equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PARAMETER = re.compile(r"\{([A-Za-z]+)\}")
_MULTI_SEGMENT = frozenset({"resourceUri", "scopeId"})


@dataclass(frozen=True)
class ArmRoute:
    """``operation_id`` (the spec's operationId) served at ``template`` (the spec's path, then
    ``?api-version=V``)."""

    operation_id: str
    template: str
    path: str = field(init=False)
    api_version: str = field(init=False)
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        path, _, query = self.template.partition("?")
        version = query.removeprefix("api-version=")
        if not version or version == query:
            raise ValueError(f"route {self.operation_id}: {self.template!r} declares no api-version")
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "api_version", version)
        object.__setattr__(self, "pattern", _compile(path))

    def matches(self, canonical_path: str) -> bool:
        return self.pattern.fullmatch(canonical_path) is not None


def _compile(path: str) -> re.Pattern[str]:
    pieces: list[str] = []
    position = 0
    for match in _PARAMETER.finditer(path):
        pieces.append(re.escape(path[position : match.start()].lower()))
        pieces.append(".+" if match.group(1) in _MULTI_SEGMENT else "[^/]+")
        position = match.end()
    pieces.append(re.escape(path[position:].lower()))
    return re.compile("".join(pieces))


# Specific routes first: the subscription's own diagnostic settings before any resource's.
ROUTES: tuple[ArmRoute, ...] = (
    # Microsoft.Management (management groups)
    ArmRoute(
        "ManagementGroups_GetDescendants",
        "/providers/Microsoft.Management/managementGroups/{groupId}/descendants?api-version=2023-04-01",
    ),
    ArmRoute(
        "ManagementGroups_Get",
        "/providers/Microsoft.Management/managementGroups/{groupId}?api-version=2023-04-01",
    ),
    # Microsoft.Resources (subscriptions, generic resources)
    ArmRoute("Subscriptions_List", "/subscriptions?api-version=2022-12-01"),
    ArmRoute("Subscriptions_Get", "/subscriptions/{subscriptionId}?api-version=2022-12-01"),
    ArmRoute("Resources_List", "/subscriptions/{subscriptionId}/resources?api-version=2025-04-01"),
    # Microsoft.Security (Defender for Cloud)
    ArmRoute("Pricings_List", "/{scopeId}/providers/Microsoft.Security/pricings?api-version=2024-01-01"),
    ArmRoute(
        "Alerts_List",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Security/alerts?api-version=2022-01-01",
    ),
    ArmRoute(
        "AutoProvisioningSettings_List",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Security/autoProvisioningSettings"
        "?api-version=2017-08-01-preview",
    ),
    ArmRoute(
        "Settings_List",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Security/settings?api-version=2022-05-01",
    ),
    ArmRoute(
        "SecurityContacts_List",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Security/securityContacts"
        "?api-version=2023-12-01-preview",
    ),
    # Microsoft.Insights (Azure Monitor)
    ArmRoute(
        "SubscriptionDiagnosticSettings_List",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/diagnosticSettings"
        "?api-version=2021-05-01-preview",
    ),
    ArmRoute(
        "DiagnosticSettings_List",
        "/{resourceUri}/providers/Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview",
    ),
    ArmRoute(
        "ActivityLogAlerts_ListBySubscriptionId",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/activityLogAlerts"
        "?api-version=2020-10-01",
    ),
    # Microsoft.Network
    ArmRoute(
        "NetworkWatchers_ListAll",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Network/networkWatchers?api-version=2025-07-01",
    ),
    ArmRoute(
        "FlowLogs_List",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network"
        "/networkWatchers/{networkWatcherName}/flowLogs?api-version=2025-07-01",
    ),
    ArmRoute(
        "NetworkSecurityGroups_ListAll",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Network/networkSecurityGroups"
        "?api-version=2025-07-01",
    ),
    ArmRoute(
        "VirtualNetworks_ListAll",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Network/virtualNetworks?api-version=2025-07-01",
    ),
    ArmRoute(
        "ApplicationGateways_ListAll",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Network/applicationGateways"
        "?api-version=2025-07-01",
    ),
    ArmRoute(
        "ApplicationGateways_ListAvailableSslPredefinedPolicies",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Network/applicationGatewayAvailableSslOptions"
        "/default/predefinedPolicies?api-version=2025-07-01",
    ),
    ArmRoute(
        "WebApplicationFirewallPolicies_ListAll",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Network"
        "/ApplicationGatewayWebApplicationFirewallPolicies?api-version=2025-07-01",
    ),
    ArmRoute(
        "DnsResolverPolicies_List",
        "/subscriptions/{subscriptionId}/providers/Microsoft.Network/dnsResolverPolicies"
        "?api-version=2025-05-01",
    ),
    ArmRoute(
        "DnsResolverPolicyVirtualNetworkLinks_List",
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network"
        "/dnsResolverPolicies/{dnsResolverPolicyName}/virtualNetworkLinks?api-version=2025-05-01",
    ),
)


def route_for(canonical_path: str, routes: tuple[ArmRoute, ...] = ROUTES) -> ArmRoute | None:
    """The first route whose path matches (the path as ``arm_server.canonical_path`` gives it)."""
    return next((route for route in routes if route.matches(canonical_path)), None)
