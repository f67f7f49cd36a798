"""The ``azure:`` part of an estate file: simulated Azure subscriptions, validated by pydantic.

Each subscription lists what Defender for Cloud, Azure Monitor and the network hold. A diagnostic
setting is written ``{workspace: NAME, categories: [...]}`` (no categories = the ``allLogs`` group);
leaving it out leaves logging off. Resources sit in one resource group unless they name another.
Example::

    azure:
      tenant_id: 11111111-1111-1111-1111-111111111111
      subscriptions:
        - id: 22222222-2222-2222-2222-222222222222
          name: acme-prod
          defender: {VirtualMachines: Standard, StorageAccounts: Free}
          network_watchers: [westeurope]
          network_security_groups:
            - {name: web-nsg, location: westeurope, rules: [{name: ssh, ports: "22", source: "*"}]}
          defender_alerts:
            - alert_type: VM_SshBruteForceSuccess
              title: Successful SSH brute force attack
              severity: High
              tactics: [Exploitation]
              resource: Microsoft.Compute/virtualMachines/vm-web-01
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ActivityLogAlertSpec",
    "AppGatewaySpec",
    "AzureEstate",
    "AzureSubscriptionEstate",
    "DefenderAlertSpec",
    "DefenderPlanSpec",
    "DiagnosticsSpec",
    "FlowLogSpec",
    "ManagementGroupSpec",
    "NsgSpec",
    "SecurityContactSpec",
    "VnetSpec",
    "WafPolicySpec",
]

Uuid = Annotated[
    str, Field(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")]
Location = Annotated[str, Field(pattern=r"^[a-z0-9]{3,40}$", description="ARM location name: westeurope.")]

PLANS = (
    "CloudPosture",
    "Api",
    "VirtualMachines",
    "Containers",
    "StorageAccounts",
    "AppServices",
    "CosmosDbs",
    "OpenSourceRelationalDatabases",
    "SqlServers",
    "SqlServerVirtualMachines",
    "KeyVaults",
    "Arm",
)
PlanName = Literal[
    "CloudPosture",
    "Api",
    "VirtualMachines",
    "Containers",
    "StorageAccounts",
    "AppServices",
    "CosmosDbs",
    "OpenSourceRelationalDatabases",
    "SqlServers",
    "SqlServerVirtualMachines",
    "KeyVaults",
    "Arm",
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AzureCrossReferenceError(ValueError):
    """References that do not resolve; ``problems`` are (relative location, message)."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


class DiagnosticsSpec(_Spec):
    """A diagnostic setting sending logs to a Log Analytics workspace."""

    workspace: Name
    categories: list[str] | None = Field(default=None, description="None: the allLogs category group.")
    name: Name = "to-log-analytics"


class FlowLogSpec(_Spec):
    enabled: bool = True
    retention_days: Annotated[int, Field(ge=0, le=365)] = 0
    traffic_analytics: bool = False
    workspace: Name | None = None
    workspace_reference: Literal["both", "resource_id", "guid"] = Field(
        default="both",
        description="How Traffic Analytics names the workspace: its ARM id (workspaceResourceId), its GUID "
        "and region (workspaceId, workspaceRegion), or both, as ARM returns for a workspace set either way.",
    )


class RuleSpec(_Spec):
    name: Name
    direction: Literal["Inbound", "Outbound"] = "Inbound"
    access: Literal["Allow", "Deny"] = "Allow"
    protocol: Literal["Tcp", "Udp", "Icmp", "*"] = "Tcp"
    source: str = "*"
    ports: str = Field(default="*", description="'22', '1000-2000' or '*'.")
    priority: Annotated[int, Field(ge=100, le=4096)] = 100


class NsgSpec(_Spec):
    name: Name
    location: Location
    resource_group: Name = "rg-network"
    rules: list[RuleSpec] = Field(default_factory=list)
    flow_log: FlowLogSpec | None = Field(default=None, description="An NSG flow log (legacy).")


class SubnetSpec(_Spec):
    name: Name
    nsg: Name | None = None


class VnetSpec(_Spec):
    name: Name
    location: Location
    resource_group: Name = "rg-network"
    subnets: list[SubnetSpec] = Field(default_factory=list)
    flow_log: FlowLogSpec | None = Field(default=None, description="A VNet flow log.")


class WafPolicySpec(_Spec):
    name: Name
    location: Location
    resource_group: Name = "rg-network"
    enabled: bool = True
    mode: Literal["Prevention", "Detection"] = "Prevention"
    request_body_check: bool = True
    bot_protection: bool = False


PredefinedSslPolicy = Literal[
    "AppGwSslPolicy20150501",
    "AppGwSslPolicy20170401",
    "AppGwSslPolicy20170401S",
    "AppGwSslPolicy20220101",
    "AppGwSslPolicy20220101S",
]


class AppGatewaySpec(_Spec):
    """A gateway's SSL policy is one of: a custom policy (``min_tls``), a predefined one
    (``ssl_policy_name``), or none (neither): the gateway then runs on ``default_ssl_policy``, which ARM
    reports as ``defaultPredefinedSslPolicy``."""

    name: Name
    location: Location
    resource_group: Name = "rg-network"
    tier: Literal["Standard_v2", "WAF_v2", "Standard", "WAF"] = "WAF_v2"
    waf_policy: Name | None = None
    min_tls: Literal["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"] | None = "TLSv1_2"
    ssl_policy_name: PredefinedSslPolicy | None = None
    default_ssl_policy: PredefinedSslPolicy = "AppGwSslPolicy20220101"
    http2: bool = True
    diagnostics: DiagnosticsSpec | None = None

    @model_validator(mode="after")
    def _one_ssl_policy(self) -> AppGatewaySpec:
        if self.ssl_policy_name is not None and self.min_tls is not None:
            raise ValueError(
                "give min_tls (a custom SSL policy) or ssl_policy_name (a predefined one), not both"
            )
        return self


class KeyVaultSpec(_Spec):
    name: Name
    location: Location
    resource_group: Name = "rg-security"
    diagnostics: DiagnosticsSpec | None = None


class DnsSecurityPolicySpec(_Spec):
    name: Name
    location: Location
    resource_group: Name = "rg-network"
    virtual_networks: list[
        Annotated[str, Field(pattern=r"^([0-9a-fA-F-]{36}/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")]
    ] = Field(
        default_factory=list,
        description="VNet names of this subscription, or 'SUBSCRIPTION_ID/name' for a VNet of another "
        "subscription of the estate (a link across subscriptions).",
    )
    diagnostics: DiagnosticsSpec | None = None


class SecurityContactSpec(_Spec):
    enabled: bool = Field(default=True, description="isEnabled: False turns every notification off.")
    emails: list[str] = Field(default_factory=list)
    alert_severity: Literal["High", "Medium", "Low"] | None = Field(
        default=None, description="None: alert notifications off."
    )
    attack_path_risk_level: Literal["Critical", "High", "Medium", "Low"] | None = Field(
        default=None, description="None: attack-path notifications off."
    )
    notify_roles: list[Literal["Owner", "AccountAdmin", "Contributor", "ServiceAdmin"]] = Field(
        default_factory=list
    )


class ActivityLogAlertSpec(_Spec):
    name: Name
    operation: str | None = Field(default=None, description="operationName, e.g. Microsoft.Network/...")
    category: Literal["Administrative", "ServiceHealth", "Security", "Policy"] = "Administrative"
    enabled: bool = True


DefenderTactic = Literal[
    "Unknown",
    "PreAttack",
    "InitialAccess",
    "Persistence",
    "PrivilegeEscalation",
    "DefenseEvasion",
    "CredentialAccess",
    "Discovery",
    "LateralMovement",
    "Execution",
    "Collection",
    "Exfiltration",
    "CommandAndControl",
    "Impact",
    "Probing",
    "Exploitation",
]
"""The kill-chain intents Defender for Cloud alerts carry (the API's ``Intent`` values)."""


class DefenderAlertSpec(_Spec):
    """A Defender for Cloud security alert on one resource of the subscription.

    ``resource`` is the alerted resource's provider type and name
    ('Microsoft.Compute/virtualMachines/vm-web'), in ``resource_group``; ``location`` is the Defender
    location that stores the alert.
    """

    alert_type: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.]{1,120}$")] = Field(
        description="The detection, e.g. VM_SshBruteForceSuccess."
    )
    title: Annotated[str, Field(min_length=1, max_length=200)]
    severity: Literal["Informational", "Low", "Medium", "High"]
    status: Literal["Active", "InProgress", "Resolved", "Dismissed"] = "Active"
    tactics: list[DefenderTactic] = Field(default_factory=list)
    resource: Annotated[str, Field(pattern=r"^Microsoft\.[A-Za-z]+/[A-Za-z]+/[A-Za-z0-9_.-]{1,80}$")]
    resource_group: Name = "rg-app"
    location: Location = "westeurope"
    product: str = Field(default="", description="The plan that raised it as Defender names it: 'Servers'.")
    started: datetime = datetime(2026, 11, 27, 3, 14, tzinfo=UTC)


class DefenderPlanSpec(_Spec):
    """A Defender plan in detail: its tier, sub-plan, how much of the subscription it covers, and its
    extensions (components such as AgentlessVmScanning): on, off, or 'failed' (on, but its enablement
    failed: ``operationStatus.code`` Failed)."""

    tier: Literal["Standard", "Free"] = "Standard"
    sub_plan: str = ""
    coverage: Literal["FullyCovered", "PartiallyCovered", "NotCovered"] | None = Field(
        default=None, description="resourcesCoverageStatus; None: not sent (a Free plan)."
    )
    extensions: dict[Name, bool | Literal["failed"]] = Field(default_factory=dict)


class AzureSubscriptionEstate(_Spec):
    id: Uuid
    name: str = ""
    state: Literal["Enabled", "Disabled", "Warned", "PastDue", "Expired", "Deleted"] = "Enabled"
    defender: dict[PlanName, Literal["Standard", "Free"] | DefenderPlanSpec] = Field(
        default_factory=dict, description="Plans not named are Free; a tier alone, or the plan in detail."
    )
    endpoint_protection: bool = False
    auto_provisioning: bool = False
    security_contact: SecurityContactSpec | None = None
    activity_log: list[DiagnosticsSpec] = Field(default_factory=list)
    activity_log_alerts: list[ActivityLogAlertSpec] = Field(default_factory=list)
    network_watchers: list[Location] = Field(default_factory=list)
    network_security_groups: list[NsgSpec] = Field(default_factory=list)
    virtual_networks: list[VnetSpec] = Field(default_factory=list)
    waf_policies: list[WafPolicySpec] = Field(default_factory=list)
    application_gateways: list[AppGatewaySpec] = Field(default_factory=list)
    key_vaults: list[KeyVaultSpec] = Field(default_factory=list)
    dns_security_policies: list[DnsSecurityPolicySpec] = Field(default_factory=list)
    defender_alerts: list[DefenderAlertSpec] = Field(
        default_factory=list, description="Defender for Cloud security alerts, in the order ARM lists them."
    )

    @model_validator(mode="after")
    def _references_resolve(self) -> AzureSubscriptionEstate:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for field in (
            "network_security_groups",
            "virtual_networks",
            "waf_policies",
            "application_gateways",
            "key_vaults",
            "dns_security_policies",
        ):
            seen: set[str] = set()
            for i, spec in enumerate(getattr(self, field)):
                if spec.name in seen:
                    problems.append(((field, i, "name"), f"duplicate name {spec.name!r}"))
                seen.add(spec.name)
        watchers = set(self.network_watchers)
        nsgs = {n.name for n in self.network_security_groups}
        vnets = {v.name for v in self.virtual_networks}
        policies = {p.name for p in self.waf_policies}
        for i, nsg in enumerate(self.network_security_groups):
            if nsg.flow_log is not None and nsg.location not in watchers:
                problems.append(
                    (("network_security_groups", i, "flow_log"), f"no network watcher in {nsg.location}")
                )
        for i, vnet in enumerate(self.virtual_networks):
            if vnet.flow_log is not None and vnet.location not in watchers:
                problems.append(
                    (("virtual_networks", i, "flow_log"), f"no network watcher in {vnet.location}")
                )
            for j, subnet in enumerate(vnet.subnets):
                if subnet.nsg is not None and subnet.nsg not in nsgs:
                    problems.append(
                        (
                            ("virtual_networks", i, "subnets", j, "nsg"),
                            f"no network security group {subnet.nsg!r}",
                        )
                    )
        for i, gateway in enumerate(self.application_gateways):
            if gateway.waf_policy is not None and gateway.waf_policy not in policies:
                problems.append(
                    (("application_gateways", i, "waf_policy"), f"no WAF policy named {gateway.waf_policy!r}")
                )
        for i, policy in enumerate(self.dns_security_policies):
            for j, vnet in enumerate(policy.virtual_networks):
                if "/" not in vnet and vnet not in vnets:  # other subscriptions': checked by AzureEstate
                    problems.append(
                        (("dns_security_policies", i, "virtual_networks", j), f"no virtual network {vnet!r}")
                    )
        if problems:
            raise AzureCrossReferenceError(problems)
        return self


GroupId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.()-]{1,90}$")]


class ManagementGroupSpec(_Spec):
    """A management group: its parent group (None: directly under the tenant root group) and the
    subscriptions directly in it."""

    id: GroupId
    name: str = ""
    parent: GroupId | None = None
    subscriptions: list[Uuid] = Field(default_factory=list)


class AzureEstate(_Spec):
    tenant_id: Uuid
    subscriptions: Annotated[list[AzureSubscriptionEstate], Field(min_length=1)]
    management_groups: list[ManagementGroupSpec] = Field(
        default_factory=list, description="A tree of management groups holding the subscriptions."
    )

    @model_validator(mode="after")
    def _unique_subscriptions(self) -> AzureEstate:
        seen: set[str] = set()
        for i, subscription in enumerate(self.subscriptions):
            if subscription.id.lower() in seen:
                raise AzureCrossReferenceError(
                    [(("subscriptions", i, "id"), f"duplicate subscription {subscription.id}")]
                )
            seen.add(subscription.id.lower())
        self._groups_form_a_tree(seen)
        self._links_across_subscriptions_resolve()
        return self

    def _links_across_subscriptions_resolve(self) -> None:
        vnets = {(s.id.lower(), v.name) for s in self.subscriptions for v in s.virtual_networks}
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for i, subscription in enumerate(self.subscriptions):
            for j, policy in enumerate(subscription.dns_security_policies):
                for k, vnet in enumerate(policy.virtual_networks):
                    owner, _, name = vnet.rpartition("/")
                    if owner and (owner.lower(), name) not in vnets:
                        where = ("subscriptions", i, "dns_security_policies", j, "virtual_networks", k)
                        problems.append((where, f"no virtual network {name!r} in subscription {owner}"))
        if problems:
            raise AzureCrossReferenceError(problems)

    def _groups_form_a_tree(self, subscriptions: set[str]) -> None:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        groups: dict[str, str | None] = {}
        placed: set[str] = set()
        for i, group in enumerate(self.management_groups):
            if group.id.lower() in groups:
                problems.append((("management_groups", i, "id"), f"duplicate management group {group.id}"))
            groups[group.id.lower()] = group.parent.lower() if group.parent else None
            for j, member in enumerate(group.subscriptions):
                where = ("management_groups", i, "subscriptions", j)
                if member.lower() not in subscriptions:
                    problems.append((where, f"no subscription {member} in azure.subscriptions"))
                elif member.lower() in placed:
                    problems.append((where, f"subscription {member} is in more than one management group"))
                placed.add(member.lower())
        for i, group in enumerate(self.management_groups):
            if group.parent is not None and group.parent.lower() not in groups:
                problems.append((("management_groups", i, "parent"), f"no management group {group.parent!r}"))
                continue
            seen, current = {group.id.lower()}, groups.get(group.id.lower())
            while current is not None and current in groups:
                if current in seen:
                    problems.append((("management_groups", i, "parent"), f"{group.id} is its own ancestor"))
                    break
                seen.add(current)
                current = groups[current]
        if problems:
            raise AzureCrossReferenceError(problems)
