"""Every Azure REST operation the collector calls, with the api-version it pins.

The version is sent explicitly on every call (``api_version=`` to the SDK operation, or in the URL of a
raw GET), never left to the SDK's default: an SDK upgrade must not silently move a read to a version
whose response shape nobody validated. Each version here is the one whose specification
(``tests/contracts/azure``, vendored from Azure/azure-rest-api-specs) the emulator's answers are validated
against; ``tests/contracts/azure/test_api_versions.py`` holds the spec, the emulator's routes and this
table equal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArmOperation:
    name: str
    """The collector's name for it (also the API-call counter's): 'pricings.list'."""
    operation_id: str
    """The specification's operationId: 'Pricings_List'."""
    api_version: str


_OPERATIONS = (
    ArmOperation("management_groups.get_descendants", "ManagementGroups_GetDescendants", "2023-04-01"),
    ArmOperation("subscriptions.list", "Subscriptions_List", "2022-12-01"),
    ArmOperation("subscriptions.get", "Subscriptions_Get", "2022-12-01"),
    ArmOperation("resources.list", "Resources_List", "2025-04-01"),
    ArmOperation("pricings.list", "Pricings_List", "2024-01-01"),
    ArmOperation("alerts.list", "Alerts_List", "2022-01-01"),
    ArmOperation("auto_provisioning_settings.list", "AutoProvisioningSettings_List", "2017-08-01-preview"),
    ArmOperation("settings.list", "Settings_List", "2022-05-01"),
    ArmOperation("security_contacts.list", "SecurityContacts_List", "2023-12-01-preview"),
    ArmOperation(
        "subscription_diagnostic_settings.list", "SubscriptionDiagnosticSettings_List", "2021-05-01-preview"
    ),
    ArmOperation("diagnostic_settings.list", "DiagnosticSettings_List", "2021-05-01-preview"),
    ArmOperation(
        "activity_log_alerts.list_by_subscription_id", "ActivityLogAlerts_ListBySubscriptionId", "2020-10-01"
    ),
    ArmOperation("network_watchers.list_all", "NetworkWatchers_ListAll", "2025-07-01"),
    ArmOperation("flow_logs.list", "FlowLogs_List", "2025-07-01"),
    ArmOperation("network_security_groups.list_all", "NetworkSecurityGroups_ListAll", "2025-07-01"),
    ArmOperation("virtual_networks.list_all", "VirtualNetworks_ListAll", "2025-07-01"),
    ArmOperation("application_gateways.list_all", "ApplicationGateways_ListAll", "2025-07-01"),
    ArmOperation(
        "application_gateways.list_available_ssl_predefined_policies",
        "ApplicationGateways_ListAvailableSslPredefinedPolicies",
        "2025-07-01",
    ),
    ArmOperation(
        "web_application_firewall_policies.list_all", "WebApplicationFirewallPolicies_ListAll", "2025-07-01"
    ),
    ArmOperation("dns_resolver_policies.list", "DnsResolverPolicies_List", "2025-05-01"),
    ArmOperation(
        "dns_resolver_policy_virtual_network_links.list",
        "DnsResolverPolicyVirtualNetworkLinks_List",
        "2025-05-01",
    ),
)

OPERATIONS: dict[str, ArmOperation] = {operation.name: operation for operation in _OPERATIONS}


def api_version(name: str) -> str:
    """The pinned api-version of the collector's operation ``name`` (KeyError for an unknown one)."""
    return OPERATIONS[name].api_version
