"""The typed Azure inventory: what the collector saw in one subscription, and what it could not see.

Same contract as ``AwsInventory``: every dataset is ``list[...] | None``; ``None`` means the read failed
and a ``CollectionError`` for that (location, dataset) is in ``errors``. An empty list means the read
succeeded and there is nothing. Subscription-wide datasets use the region ``GLOBAL``; the flow logs of a
network watcher are read per location, so their errors carry the watcher's location. The diagnostic
settings of one resource (application gateway, key vault, DNS security policy) are kept on the resource;
a failed read makes them ``None`` with an error for dataset ``resource_diagnostic_settings`` naming it.
``defender_alerts`` holds only the unaddressed Defender for Cloud alerts (Active, InProgress).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.inventory.common import InventoryBase
from auditor.threats.categories import Category

GLOBAL = "global"
RESOURCE_DIAGNOSTICS = "resource_diagnostic_settings"
"""The dataset name of per-resource diagnostic settings in ``CollectionError.dataset``."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def location_key(location: str) -> str:
    """ARM's canonical location name: 'West Europe' and 'westeurope' are the same place."""
    return location.replace(" ", "").lower()


# --- Azure Monitor: diagnostic settings and activity-log alerts ------------------------------------


class LogSetting(_Model):
    """One log entry of a diagnostic setting: a category ('AuditEvent') or a group ('allLogs')."""

    category: str = ""
    category_group: str = ""
    enabled: bool = False


class DiagnosticSetting(_Model):
    id: str = ""
    name: str
    logs: list[LogSetting] = Field(default_factory=list)
    workspace_id: str = ""
    storage_account_id: str = ""
    event_hub_authorization_rule_id: str = ""
    marketplace_partner_id: str = ""

    @property
    def has_destination(self) -> bool:
        return bool(
            self.workspace_id
            or self.storage_account_id
            or self.event_hub_authorization_rule_id
            or self.marketplace_partner_id
        )

    def logs_enabled(self, *categories: str, groups: tuple[str, ...] = ("allLogs",)) -> bool:
        """True when a destination is set and every named category is enabled (directly, or through
        one of the category groups that contain it)."""
        if not self.has_destination:
            return False
        enabled = {log.category.lower() for log in self.logs if log.enabled and log.category}
        enabled_groups = {
            log.category_group.lower() for log in self.logs if log.enabled and log.category_group
        }
        if any(group.lower() in enabled_groups for group in groups):
            return True
        return all(category.lower() in enabled for category in categories)


class AlertCondition(_Model):
    field: str
    equals: str = ""
    contains_any: list[str] = Field(default_factory=list)


class ActivityLogAlert(_Model):
    id: str
    name: str
    enabled: bool = True
    scopes: list[str] = Field(default_factory=list)
    conditions: list[AlertCondition] = Field(default_factory=list)
    action_group_ids: list[str] = Field(default_factory=list)

    def condition(self, field: str) -> list[str]:
        """The values the alert requires for ``field`` (case-insensitive), from equals or containsAny."""
        values: list[str] = []
        for condition in self.conditions:
            if condition.field.lower() == field.lower():
                values += [condition.equals] if condition.equals else list(condition.contains_any)
        return values


# --- Defender for Cloud ----------------------------------------------------------------------------


class DefenderPlan(_Model):
    """A Defender for Cloud pricing (plan): ``tier`` 'Standard' means on, 'Free' means off."""

    name: str
    tier: str
    sub_plan: str = ""
    deprecated: bool = False
    extensions: dict[str, bool] = Field(default_factory=dict, description="Plan extensions: name -> enabled.")
    extension_failures: dict[str, str] = Field(
        default_factory=dict,
        description="Extensions whose enablement failed (operationStatus Failed): message.",
    )
    resources_coverage_status: str = Field(
        default="",
        description="resourcesCoverageStatus: 'FullyCovered', 'PartiallyCovered' (some resources of the "
        "subscription are not protected, e.g. set to Free at resource level) or 'NotCovered'; '' when "
        "not sent.",
    )

    @property
    def enabled(self) -> bool:
        return self.tier.lower() == "standard"

    @property
    def partially_covered(self) -> bool:
        return self.resources_coverage_status.lower() in ("partiallycovered", "notcovered")


class AutoProvisioningSetting(_Model):
    name: str
    auto_provision: str = Field(description="'On' or 'Off'.")


class SecuritySetting(_Model):
    """A Defender for Cloud setting such as WDATP (endpoint protection) or MCAS."""

    name: str
    kind: str = ""
    enabled: bool | None = None


class SecurityContact(_Model):
    """The subscription's security contact (Defender for Cloud email notifications). Addresses are not
    stored: only how many there are."""

    name: str
    enabled: bool = Field(default=True, description="isEnabled: False means nobody is notified.")
    email_count: int = 0
    alert_notifications: str = Field(default="", description="'On' or 'Off' (an Alert source is set).")
    alert_minimal_severity: str = Field(default="", description="'High', 'Medium' or 'Low'.")
    attack_path_notifications: str = Field(default="", description="'On' or 'Off' (an AttackPath source).")
    attack_path_minimal_risk_level: str = Field(
        default="", description="'Critical', 'High', 'Medium' or 'Low'."
    )
    notify_roles_state: str = Field(default="", description="'On' or 'Off'.")
    notify_roles: list[str] = Field(default_factory=list)


class DefenderAlert(_Model):
    """An unaddressed Defender for Cloud security alert (status Active or InProgress; Resolved and
    Dismissed ones are not kept), as ``GET .../providers/Microsoft.Security/alerts`` returns it."""

    id: str = Field(description=".../providers/Microsoft.Security/locations/{ascLocation}/alerts/{name}.")
    name: str
    alert_type: str = Field(default="", description="The detection logic, e.g. 'VM_SshBruteForceSuccess'.")
    display_name: str = ""
    severity: str = Field(default="", description="'Informational', 'Low', 'Medium' or 'High' (no Critical).")
    status: str = Field(default="Active", description="'Active' or 'InProgress'.")
    intent: str = Field(default="", description="MITRE ATT&CK tactics, comma-separated: 'Execution, Impact'.")
    category: Category | None = Field(
        default=None, description="Module 4's threat category of the intent (auditor.threats.categories)."
    )
    compromised_entity: str = ""
    resource_ids: list[str] = Field(default_factory=list, description="The Azure resources the alert names.")
    product_component: str = Field(default="", description="The Defender plan that raised it: 'Servers'...")
    start_time: datetime | None = None
    sample: bool = Field(default=False, description="A sample alert (Create sample alerts / SIMULATED_).")

    @property
    def asc_location(self) -> str:
        """The Defender location that stores the alert (``az security alert update --location``)."""
        return _segment_after(self.id, "locations")

    @property
    def resource_group(self) -> str:
        """The alert's resource group ('' for an alert at subscription scope)."""
        return _segment_after(self.id, "resourcegroups")


def resource_group_of(resource_id: str) -> str:
    """The resource group an ARM id names ('' for a subscription-level id)."""
    return _segment_after(resource_id, "resourcegroups")


def _segment_after(resource_id: str, key: str) -> str:
    parts = resource_id.split("/")
    lowered = [part.lower() for part in parts]
    return parts[lowered.index(key) + 1] if key in lowered[:-1] else ""


# --- Networking -------------------------------------------------------------------------------------


class SecurityRule(_Model):
    name: str
    direction: Literal["Inbound", "Outbound"] | str
    access: Literal["Allow", "Deny"] | str
    protocol: str = Field(description="'Tcp', 'Udp', 'Icmp', 'Esp', 'Ah' or '*'.")
    priority: int = 0
    source_prefixes: list[str] = Field(default_factory=list)
    destination_ports: list[str] = Field(default_factory=list, description="'22', '1000-2000' or '*'.")


class NetworkSecurityGroup(_Model):
    id: str
    name: str
    location: str
    rules: list[SecurityRule] = Field(default_factory=list)
    subnet_ids: list[str] = Field(default_factory=list)
    nic_ids: list[str] = Field(default_factory=list)


class Subnet(_Model):
    id: str
    name: str
    nsg_id: str = ""


class VirtualNetwork(_Model):
    id: str
    name: str
    location: str
    subnets: list[Subnet] = Field(default_factory=list)


class FlowLog(_Model):
    """An NSG flow log or a VNet flow log (the target tells them apart)."""

    id: str
    name: str
    location: str
    target_resource_id: str
    enabled: bool = False
    storage_id: str = ""
    retention_enabled: bool = False
    retention_days: int = 0
    traffic_analytics_enabled: bool = False
    workspace_id: str = Field(default="", description="workspaceResourceId: the workspace's ARM id.")
    workspace_guid: str = Field(default="", description="workspaceId: the workspace's GUID (customer id).")
    workspace_region: str = ""

    @property
    def has_workspace(self) -> bool:
        """Traffic Analytics names its workspace by ARM id (workspaceResourceId), or by GUID and region
        (workspaceId, workspaceRegion): either identifies it."""
        return bool(self.workspace_id or self.workspace_guid)

    @property
    def target_kind(self) -> Literal["nsg", "vnet", "subnet", "nic", "other"]:
        target = self.target_resource_id.lower()
        if "/microsoft.network/networksecuritygroups/" in target:
            return "nsg"
        if "/subnets/" in target:
            return "subnet"
        if "/microsoft.network/virtualnetworks/" in target:
            return "vnet"
        if "/microsoft.network/networkinterfaces/" in target:
            return "nic"
        return "other"

    @property
    def retains_days(self) -> int | None:
        """Days kept: None when retention is off (kept forever) or 0 days (also forever)."""
        if not self.retention_enabled or self.retention_days == 0:
            return None
        return self.retention_days


class NetworkWatcher(_Model):
    id: str
    name: str
    location: str
    provisioning_state: str = ""
    flow_logs: list[FlowLog] | None = Field(
        default=None, description="None when this watcher's flow logs could not be read."
    )


class ApplicationGateway(_Model):
    id: str
    name: str
    location: str
    sku_tier: str = Field(default="", description="'Standard_v2', 'WAF_v2', ...")
    waf_config_enabled: bool = Field(default=False, description="The legacy in-gateway WAF configuration.")
    waf_config_mode: str = ""
    waf_config_request_body_check: bool | None = None
    firewall_policy_id: str = ""
    ssl_policy_type: str = Field(
        default="", description="'Predefined', 'Custom', 'CustomV2'; '' with no sslPolicy."
    )
    ssl_policy_name: str = ""
    ssl_min_protocol_version: str = ""
    default_predefined_ssl_policy: str = Field(
        default="", description="defaultPredefinedSslPolicy: the policy a gateway without sslPolicy runs on."
    )
    http2_enabled: bool = False
    diagnostic_settings: list[DiagnosticSetting] | None = None

    @property
    def is_waf_sku(self) -> bool:
        return self.sku_tier.lower().startswith("waf")


class SslPredefinedPolicy(_Model):
    """A predefined Application Gateway SSL policy as ARM lists it (availableSslOptions)."""

    name: str
    min_protocol_version: str = Field(default="", description="'TLSv1_0' ... 'TLSv1_3'.")
    cipher_suites: list[str] = Field(default_factory=list)


class WafPolicy(_Model):
    """An Application Gateway WAF policy (ApplicationGatewayWebApplicationFirewallPolicies)."""

    id: str
    name: str
    location: str
    state: str = Field(default="", description="'Enabled' or 'Disabled'.")
    mode: str = Field(default="", description="'Prevention' or 'Detection'.")
    request_body_check: bool = False
    managed_rule_sets: list[str] = Field(default_factory=list, description="'type/version' of each set.")
    application_gateway_ids: list[str] = Field(default_factory=list)

    @property
    def enabled(self) -> bool:
        return self.state.lower() == "enabled"

    @property
    def bot_protection(self) -> bool:
        return any(
            rule_set.lower().startswith("microsoft_botmanagerruleset/") for rule_set in self.managed_rule_sets
        )


class KeyVault(_Model):
    id: str
    name: str
    location: str
    diagnostic_settings: list[DiagnosticSetting] | None = None


class DnsSecurityPolicy(_Model):
    """A DNS security policy (Microsoft.Network/dnsResolverPolicies): its diagnostic settings log the
    DNS queries of the virtual networks linked to it (the successor of the retired DNS Analytics). A link
    may name a virtual network of another subscription."""

    id: str
    name: str
    location: str
    virtual_network_ids: list[str] = Field(default_factory=list)
    diagnostic_settings: list[DiagnosticSetting] | None = None


# --- The inventory ---------------------------------------------------------------------------------

DATASETS: tuple[str, ...] = (
    "defender_plans",
    "auto_provisioning",
    "security_settings",
    "security_contacts",
    "defender_alerts",
    "activity_log_settings",
    "activity_log_alerts",
    "network_watchers",
    "network_security_groups",
    "virtual_networks",
    "application_gateways",
    "ssl_predefined_policies",
    "waf_policies",
    "key_vaults",
    "dns_security_policies",
    "linked_dns_security_policies",
)


class AzureInventory(InventoryBase):
    """One Azure subscription as collected: typed, JSON-serialisable, replayable."""

    RESOURCE_IDS_IGNORE_CASE = True  # ARM ids are case-insensitive

    provider: Literal["azure"] = "azure"
    subscription_id: str
    tenant_id: str = ""
    display_name: str = ""
    collected_at: datetime
    locations: list[str] = Field(default_factory=list, description="Locations that hold collected resources.")
    defender_plans: list[DefenderPlan] | None = None
    auto_provisioning: list[AutoProvisioningSetting] | None = None
    security_settings: list[SecuritySetting] | None = None
    security_contacts: list[SecurityContact] | None = None
    defender_alerts: list[DefenderAlert] | None = Field(
        default=None, description="Defender for Cloud security alerts still Active or InProgress."
    )
    activity_log_settings: list[DiagnosticSetting] | None = Field(
        default=None, description="Diagnostic settings of the subscription's Activity Log."
    )
    activity_log_alerts: list[ActivityLogAlert] | None = None
    network_watchers: list[NetworkWatcher] | None = None
    network_security_groups: list[NetworkSecurityGroup] | None = None
    virtual_networks: list[VirtualNetwork] | None = None
    application_gateways: list[ApplicationGateway] | None = None
    ssl_predefined_policies: list[SslPredefinedPolicy] | None = Field(
        default=None, description="The predefined SSL policies and their minimum TLS versions."
    )
    waf_policies: list[WafPolicy] | None = None
    key_vaults: list[KeyVault] | None = None
    dns_security_policies: list[DnsSecurityPolicy] | None = None
    linked_dns_security_policies: list[DnsSecurityPolicy] | None = Field(
        default=None,
        description="DNS security policies of the scan's other subscriptions that link one of this "
        "subscription's virtual networks (None: another subscription's policies could not be read).",
    )

    @property
    def account(self) -> str:
        return self.subscription_id

    @property
    def account_name(self) -> str:
        return self.display_name

    def scope_regions(self) -> list[str]:
        return sorted(self.locations)

    def flow_logs(self) -> list[FlowLog] | None:
        """Every flow log of every watcher; None when the watchers could not be listed."""
        if self.network_watchers is None:
            return None
        return [log for watcher in self.network_watchers for log in watcher.flow_logs or []]

    def summary(self) -> dict[str, int]:
        """Resources collected per dataset (a dataset that could not be read is absent)."""
        counts: dict[str, int] = {}
        for name in DATASETS:
            value = getattr(self, name)
            if isinstance(value, list):
                counts[name] = len(value)
        flow_logs = [w.flow_logs for w in self.network_watchers or [] if w.flow_logs is not None]
        if flow_logs:
            counts["flow_logs"] = sum(len(logs) for logs in flow_logs)
        return dict(sorted(counts.items()))
