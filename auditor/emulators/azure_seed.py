"""Seed the ARM emulator from an estate's ``azure:`` part: the JSON the real ARM APIs return.

``seed_azure(spec, emulator)`` registers, for every subscription, each list endpoint the collector reads
(an empty list where the estate holds nothing, as ARM answers) and each resource's diagnostic settings.
"""

from __future__ import annotations

import uuid
from typing import Any

from auditor.emulators.arm_server import ArmEmulator
from auditor.emulators.azure_seed_alerts import defender_alert_documents
from auditor.emulators.estate_azure import (
    PLANS,
    AzureEstate,
    AzureSubscriptionEstate,
    DefenderPlanSpec,
    DiagnosticsSpec,
    FlowLogSpec,
    RuleSpec,
    SecurityContactSpec,
)

WATCHER_GROUP = "NetworkWatcherRG"
MONITORING_GROUP = "rg-monitoring"
ENDPOINT_PROTECTION_SETTING = "WDATP"
GROUPS = "/providers/Microsoft.Management/managementGroups"
GROUP_TYPE = "Microsoft.Management/managementGroups"
SUBSCRIPTION_TYPE = "/subscriptions"


def resource_id(subscription: str, group: str, provider_type: str, name: str) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{provider_type}/{name}"


def workspace_id(subscription: str, workspace: str) -> str:
    return resource_id(subscription, MONITORING_GROUP, "Microsoft.OperationalInsights/workspaces", workspace)


def workspace_guid(subscription: str, workspace: str) -> str:
    """The workspace's GUID (its customer id), stable for a given subscription and name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, workspace_id(subscription, workspace)))


def watcher_name(location: str) -> str:
    return f"NetworkWatcher_{location}"


def _diagnostic_setting(subscription: str, scope: str, spec: DiagnosticsSpec) -> dict[str, Any]:
    """A diagnostic setting: a resource's (with ``metrics``), or the subscription's Activity Log's
    (subscription-level settings have logs only; their schema has no ``metrics``)."""
    if spec.categories is None:
        logs = [{"categoryGroup": "allLogs", "enabled": True}]
    else:
        logs = [{"category": category, "enabled": True} for category in spec.categories]
    properties: dict[str, Any] = {"workspaceId": workspace_id(subscription, spec.workspace), "logs": logs}
    if scope.lower() != f"/subscriptions/{subscription}".lower():
        properties["metrics"] = []
    return {
        "id": f"{scope}/providers/microsoft.insights/diagnosticSettings/{spec.name}",
        "name": spec.name,
        "type": "Microsoft.Insights/diagnosticSettings",
        "properties": properties,
    }


def _rule(spec: RuleSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "properties": {
            "protocol": spec.protocol,
            "sourceAddressPrefix": spec.source,
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "destinationPortRange": spec.ports,
            "access": spec.access,
            "priority": spec.priority,
            "direction": spec.direction,
        },
    }


def _flow_log(subscription: str, location: str, name: str, target: str, spec: FlowLogSpec) -> dict[str, Any]:
    analytics: dict[str, Any] = {"enabled": spec.traffic_analytics, "trafficAnalyticsInterval": 10}
    if spec.workspace is not None:
        if spec.workspace_reference in ("both", "resource_id"):
            analytics["workspaceResourceId"] = workspace_id(subscription, spec.workspace)
        if spec.workspace_reference in ("both", "guid"):
            analytics["workspaceId"] = workspace_guid(subscription, spec.workspace)
            analytics["workspaceRegion"] = location
    return {
        "id": resource_id(
            subscription,
            WATCHER_GROUP,
            "Microsoft.Network/networkWatchers",
            f"{watcher_name(location)}/flowLogs/{name}",
        ),
        "name": name,
        "location": location,
        "type": "Microsoft.Network/networkWatchers/flowLogs",
        "properties": {
            "targetResourceId": target,
            "storageId": resource_id(
                subscription, MONITORING_GROUP, "Microsoft.Storage/storageAccounts", "flowlogs"
            ),
            "enabled": spec.enabled,
            "retentionPolicy": {"days": spec.retention_days, "enabled": spec.retention_days > 0},
            "format": {"type": "JSON", "version": 2},
            "flowAnalyticsConfiguration": {"networkWatcherFlowAnalyticsConfiguration": analytics},
            "provisioningState": "Succeeded",
        },
    }


def pricing_document(security: str, plan: str, spec: str | DefenderPlanSpec) -> dict[str, Any]:
    """A plan as api-version 2024-01-01 lists it: a Standard plan carries its coverage of the
    subscription's resources and its extensions (each ``isEnabled`` "True"/"False", a failed enablement
    with ``operationStatus`` Failed)."""
    detail = spec if isinstance(spec, DefenderPlanSpec) else DefenderPlanSpec(tier=spec)  # type: ignore[arg-type]
    properties: dict[str, Any] = {"pricingTier": detail.tier, "freeTrialRemainingTime": "P0D"}
    if detail.sub_plan:
        properties["subPlan"] = detail.sub_plan
    if detail.tier == "Standard":
        properties["enablementTime"] = "2026-01-05T09:00:00Z"
        properties["resourcesCoverageStatus"] = detail.coverage or "FullyCovered"
    elif detail.coverage is not None:
        properties["resourcesCoverageStatus"] = detail.coverage
    if detail.extensions:
        properties["extensions"] = [_extension(name, state) for name, state in detail.extensions.items()]
    return {
        "id": f"{security}/pricings/{plan}",
        "name": plan,
        "type": "Microsoft.Security/pricings",
        "properties": properties,
    }


def _extension(name: str, state: bool | str) -> dict[str, Any]:
    extension: dict[str, Any] = {"name": name, "isEnabled": "False" if state is False else "True"}
    if state == "failed":
        extension["operationStatus"] = {
            "code": "Failed",
            "message": f"The {name} extension could not be enabled: the subscription is missing a "
            "required resource provider registration.",
        }
    elif state is True:
        extension["operationStatus"] = {"code": "Succeeded", "message": "Successfully updated pricing"}
    return extension


_TLS12_CIPHERS = [
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
]
_LEGACY_CIPHERS = [*_TLS12_CIPHERS, "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"]
SSL_PREDEFINED_POLICIES = (
    # name, minProtocolVersion (Microsoft's published predefined policies)
    ("AppGwSslPolicy20150501", "TLSv1_0", _LEGACY_CIPHERS),
    ("AppGwSslPolicy20170401", "TLSv1_1", _LEGACY_CIPHERS),
    ("AppGwSslPolicy20170401S", "TLSv1_2", _LEGACY_CIPHERS),
    ("AppGwSslPolicy20220101", "TLSv1_2", _TLS12_CIPHERS),
    ("AppGwSslPolicy20220101S", "TLSv1_2", _TLS12_CIPHERS[:2]),
)


def ssl_predefined_policy_documents(subscription: str) -> list[dict[str, Any]]:
    """The predefined SSL policies ARM lists for Application Gateway, with each one's minimum protocol."""
    base = (
        f"/subscriptions/{subscription}/resourceGroups//providers/Microsoft.Network/"
        "ApplicationGatewayAvailableSslOptions/default/ApplicationGatewaySslPredefinedPolicy"
    )
    return [
        {
            "id": f"{base}/{name}",
            "name": name,
            "properties": {"cipherSuites": list(ciphers), "minProtocolVersion": version},
        }
        for name, version, ciphers in SSL_PREDEFINED_POLICIES
    ]


def security_contact_document(security: str, contact: SecurityContactSpec) -> dict[str, Any]:
    """The contact as api-version 2023-12-01-preview returns it: ``isEnabled``, the ';'-joined emails,
    notifications by role, and one notification source per kind that is on (Alert: minimal severity;
    AttackPath: minimal risk level)."""
    sources: list[dict[str, str]] = []
    if contact.alert_severity is not None:
        sources.append({"sourceType": "Alert", "minimalSeverity": contact.alert_severity})
    if contact.attack_path_risk_level is not None:
        sources.append({"sourceType": "AttackPath", "minimalRiskLevel": contact.attack_path_risk_level})
    return {
        "id": f"{security}/securityContacts/default",
        "name": "default",
        "type": "Microsoft.Security/securityContacts",
        "properties": {
            "isEnabled": contact.enabled,
            "emails": ";".join(contact.emails),
            "phone": "",
            "notificationsByRole": {
                "state": "On" if contact.notify_roles else "Off",
                "roles": list(contact.notify_roles),
            },
            "notificationsSources": sources,
        },
    }


def subscription_document(spec: AzureSubscriptionEstate, tenant_id: str) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{spec.id}",
        "subscriptionId": spec.id,
        "tenantId": tenant_id,
        "displayName": spec.name or spec.id,
        "state": spec.state,
    }


def seed_azure(spec: AzureEstate, emulator: ArmEmulator) -> None:
    """Register every subscription of ``spec`` (and the subscription list) in the emulator."""
    documents = [subscription_document(s, spec.tenant_id) for s in spec.subscriptions]
    emulator.add_collection("/subscriptions", documents)
    every_vnet = {
        (s.id.lower(), v.name): resource_id(
            s.id, v.resource_group, "Microsoft.Network/virtualNetworks", v.name
        )
        for s in spec.subscriptions
        for v in s.virtual_networks
    }
    for subscription, document in zip(spec.subscriptions, documents, strict=True):
        emulator.add_item(f"/subscriptions/{subscription.id}", document)
        _seed_subscription(subscription, emulator, every_vnet)
    _seed_management_groups(spec, emulator)


def _linked_vnet(subscription: str, vnet: str, every_vnet: dict[tuple[str, str], str]) -> str:
    """A DNS policy link's VNet id: 'name' in the policy's subscription, 'SUBSCRIPTION/name' elsewhere."""
    owner, _, name = vnet.rpartition("/")
    return every_vnet[((owner or subscription).lower(), name)]


def management_group_id(group: str) -> str:
    return f"{GROUPS}/{group}"


def _seed_management_groups(spec: AzureEstate, emulator: ArmEmulator) -> None:
    """Every management group (and the tenant root group, named by the tenant id, above the top-level
    ones) with its ``descendants``: the whole subtree, child groups and subscriptions, each naming its
    parent, as ARM lists them (paged). A subscription in no group sits under the root group."""
    root = spec.tenant_id
    parents: dict[str, str] = {group.id: group.parent or root for group in spec.management_groups}
    names = {group.id: group.name or group.id for group in spec.management_groups}
    names[root] = "Tenant Root Group"
    placed = {member.lower(): group.id for group in spec.management_groups for member in group.subscriptions}
    subscriptions = {s.id: placed.get(s.id.lower(), root) for s in spec.subscriptions}
    display = {s.id: s.name or s.id for s in spec.subscriptions}

    def ancestors(group: str) -> list[str]:
        chain = []
        while group in parents:
            group = parents[group]
            chain.append(group)
        return chain

    for group in [root, *parents]:
        below_groups = [g for g in parents if group in ancestors(g)]
        below = {group, *below_groups}
        descendants = [
            _descendant(GROUP_TYPE, management_group_id(g), g, names[g], parents[g]) for g in below_groups
        ]
        descendants += [
            _descendant(SUBSCRIPTION_TYPE, f"/subscriptions/{s}", s, display[s], parent)
            for s, parent in subscriptions.items()
            if parent in below
        ]
        path = management_group_id(group)
        emulator.add_collection(f"{path}/descendants", descendants)
        body = {"id": path, "type": GROUP_TYPE, "name": group, "properties": {"displayName": names[group]}}
        if group in parents:
            body["properties"]["details"] = {"parent": {"id": management_group_id(parents[group])}}
        emulator.add_item(path, body)


def _descendant(kind: str, resource: str, name: str, display_name: str, parent: str) -> dict[str, Any]:
    return {
        "id": resource,
        "type": kind,
        "name": name,
        "properties": {"displayName": display_name, "parent": {"id": management_group_id(parent)}},
    }


def _seed_subscription(
    spec: AzureSubscriptionEstate, emulator: ArmEmulator, every_vnet: dict[tuple[str, str], str]
) -> None:
    """``every_vnet``: the ids of the estate's VNets by (subscription, name), for links across
    subscriptions."""
    sub = spec.id
    root = f"/subscriptions/{sub}"
    security = f"{root}/providers/Microsoft.Security"

    # Defender for Cloud
    pricings = [pricing_document(security, plan, spec.defender.get(plan, "Free")) for plan in PLANS]  # type: ignore[call-overload]
    emulator.add_collection(f"{security}/pricings", pricings, paged=False)
    emulator.add_collection(
        f"{security}/autoProvisioningSettings",
        [
            {
                "id": f"{security}/autoProvisioningSettings/default",
                "name": "default",
                "type": "Microsoft.Security/autoProvisioningSettings",
                "properties": {"autoProvision": "On" if spec.auto_provisioning else "Off"},
            }
        ],
    )
    emulator.add_collection(
        f"{security}/settings",
        [
            {
                "id": f"{security}/settings/{name}",
                "name": name,
                "type": "Microsoft.Security/settings",
                "kind": "DataExportSettings",
                "properties": {"enabled": enabled},
            }
            for name, enabled in ((ENDPOINT_PROTECTION_SETTING, spec.endpoint_protection), ("MCAS", False))
        ],
    )
    contacts = (
        [] if spec.security_contact is None else [security_contact_document(security, spec.security_contact)]
    )
    emulator.add_collection(f"{security}/securityContacts", contacts)
    emulator.add_collection(f"{security}/alerts", defender_alert_documents(spec))

    # Azure Monitor: the Activity Log's diagnostic settings and activity-log alerts
    emulator.add_collection(
        f"{root}/providers/Microsoft.Insights/diagnosticSettings",
        [_diagnostic_setting(sub, root, setting) for setting in spec.activity_log],
    )
    alerts = []
    for alert in spec.activity_log_alerts:
        conditions: list[dict[str, Any]] = [{"field": "category", "equals": alert.category}]
        if alert.operation:
            conditions.append({"field": "operationName", "equals": alert.operation})
        alerts.append(
            {
                "id": resource_id(sub, MONITORING_GROUP, "Microsoft.Insights/activityLogAlerts", alert.name),
                "name": alert.name,
                "type": "Microsoft.Insights/ActivityLogAlerts",
                "location": "Global",
                "properties": {
                    "scopes": [root],
                    "condition": {"allOf": conditions},
                    "actions": {
                        "actionGroups": [
                            {
                                "actionGroupId": resource_id(
                                    sub, MONITORING_GROUP, "Microsoft.Insights/actionGroups", "secops"
                                )
                            }
                        ]
                    },
                    "enabled": alert.enabled,
                },
            }
        )
    emulator.add_collection(f"{root}/providers/Microsoft.Insights/activityLogAlerts", alerts)

    # Networking
    nsg_ids = {
        n.name: resource_id(sub, n.resource_group, "Microsoft.Network/networkSecurityGroups", n.name)
        for n in spec.network_security_groups
    }
    vnet_ids = {
        v.name: resource_id(sub, v.resource_group, "Microsoft.Network/virtualNetworks", v.name)
        for v in spec.virtual_networks
    }
    subnets_of_nsg: dict[str, list[str]] = {}
    vnets = []
    for vnet in spec.virtual_networks:
        subnets = []
        for subnet in vnet.subnets:
            subnet_id = f"{vnet_ids[vnet.name]}/subnets/{subnet.name}"
            properties: dict[str, Any] = {"addressPrefix": "10.0.0.0/24", "provisioningState": "Succeeded"}
            if subnet.nsg is not None:
                properties["networkSecurityGroup"] = {"id": nsg_ids[subnet.nsg]}
                subnets_of_nsg.setdefault(subnet.nsg, []).append(subnet_id)
            subnets.append({"id": subnet_id, "name": subnet.name, "properties": properties})
        vnets.append(
            {
                "id": vnet_ids[vnet.name],
                "name": vnet.name,
                "type": "Microsoft.Network/virtualNetworks",
                "location": vnet.location,
                "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": subnets},
            }
        )
    emulator.add_collection(f"{root}/providers/Microsoft.Network/virtualNetworks", vnets)
    emulator.add_collection(
        f"{root}/providers/Microsoft.Network/networkSecurityGroups",
        [
            {
                "id": nsg_ids[nsg.name],
                "name": nsg.name,
                "type": "Microsoft.Network/networkSecurityGroups",
                "location": nsg.location,
                "properties": {
                    "securityRules": [_rule(rule) for rule in nsg.rules],
                    "subnets": [{"id": s} for s in subnets_of_nsg.get(nsg.name, [])],
                },
            }
            for nsg in spec.network_security_groups
        ],
    )
    flow_logs: dict[str, list[dict[str, Any]]] = {location: [] for location in spec.network_watchers}
    for nsg in spec.network_security_groups:
        if nsg.flow_log is not None:
            flow_logs[nsg.location].append(
                _flow_log(sub, nsg.location, f"{nsg.name}-flowlog", nsg_ids[nsg.name], nsg.flow_log)
            )
    for vnet in spec.virtual_networks:
        if vnet.flow_log is not None:
            flow_logs[vnet.location].append(
                _flow_log(sub, vnet.location, f"{vnet.name}-flowlog", vnet_ids[vnet.name], vnet.flow_log)
            )
    watchers = []
    for location in spec.network_watchers:
        watcher_id = resource_id(
            sub, WATCHER_GROUP, "Microsoft.Network/networkWatchers", watcher_name(location)
        )
        watchers.append(
            {
                "id": watcher_id,
                "name": watcher_name(location),
                "type": "Microsoft.Network/networkWatchers",
                "location": location,
                "properties": {"provisioningState": "Succeeded"},
            }
        )
        emulator.add_collection(f"{watcher_id}/flowLogs", flow_logs[location])
    emulator.add_collection(f"{root}/providers/Microsoft.Network/networkWatchers", watchers)

    policy_ids = {
        p.name: resource_id(
            sub,
            p.resource_group,
            "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
            p.name,
        )
        for p in spec.waf_policies
    }
    gateway_ids = {
        g.name: resource_id(sub, g.resource_group, "Microsoft.Network/applicationGateways", g.name)
        for g in spec.application_gateways
    }
    gateways = []
    for gateway in spec.application_gateways:
        properties: dict[str, Any] = {
            "sku": {"name": gateway.tier, "tier": gateway.tier, "capacity": 2},
            "enableHttp2": gateway.http2,
            "provisioningState": "Succeeded",
            "defaultPredefinedSslPolicy": gateway.default_ssl_policy,
        }
        if gateway.min_tls is not None:
            properties["sslPolicy"] = {"policyType": "Custom", "minProtocolVersion": gateway.min_tls}
        elif gateway.ssl_policy_name is not None:
            properties["sslPolicy"] = {"policyType": "Predefined", "policyName": gateway.ssl_policy_name}
        if gateway.waf_policy is not None:
            properties["firewallPolicy"] = {"id": policy_ids[gateway.waf_policy]}
        gateways.append(
            {
                "id": gateway_ids[gateway.name],
                "name": gateway.name,
                "type": "Microsoft.Network/applicationGateways",
                "location": gateway.location,
                "properties": properties,
            }
        )
        emulator.add_collection(
            f"{gateway_ids[gateway.name]}/providers/Microsoft.Insights/diagnosticSettings",
            [_diagnostic_setting(sub, gateway_ids[gateway.name], gateway.diagnostics)]
            if gateway.diagnostics
            else [],
        )
    emulator.add_collection(f"{root}/providers/Microsoft.Network/applicationGateways", gateways)
    emulator.add_collection(
        f"{root}/providers/Microsoft.Network/applicationGatewayAvailableSslOptions/default/predefinedPolicies",
        ssl_predefined_policy_documents(sub),
    )
    policies = []
    for policy in spec.waf_policies:
        rule_sets = [{"ruleSetType": "Microsoft_DefaultRuleSet", "ruleSetVersion": "2.1"}]
        if policy.bot_protection:
            rule_sets.append({"ruleSetType": "Microsoft_BotManagerRuleSet", "ruleSetVersion": "1.1"})
        policies.append(
            {
                "id": policy_ids[policy.name],
                "name": policy.name,
                "type": "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
                "location": policy.location,
                "properties": {
                    "policySettings": {
                        "state": "Enabled" if policy.enabled else "Disabled",
                        "mode": policy.mode,
                        "requestBodyCheck": policy.request_body_check,
                    },
                    "managedRules": {"managedRuleSets": rule_sets},
                    "applicationGateways": [
                        {"id": gateway_ids[g.name]}
                        for g in spec.application_gateways
                        if g.waf_policy == policy.name
                    ],
                },
            }
        )
    emulator.add_collection(
        f"{root}/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", policies
    )

    # Key vaults, through the generic resource list
    vaults = []
    for vault in spec.key_vaults:
        vault_id = resource_id(sub, vault.resource_group, "Microsoft.KeyVault/vaults", vault.name)
        vaults.append(
            {
                "id": vault_id,
                "name": vault.name,
                "type": "Microsoft.KeyVault/vaults",
                "location": vault.location,
            }
        )
        emulator.add_collection(
            f"{vault_id}/providers/Microsoft.Insights/diagnosticSettings",
            [_diagnostic_setting(sub, vault_id, vault.diagnostics)] if vault.diagnostics else [],
        )
    emulator.add_collection(f"{root}/resources", vaults)

    # DNS security policies and their virtual network links
    dns_policies = []
    for policy in spec.dns_security_policies:
        policy_id = resource_id(
            sub, policy.resource_group, "Microsoft.Network/dnsResolverPolicies", policy.name
        )
        dns_policies.append(
            {
                "id": policy_id,
                "name": policy.name,
                "type": "Microsoft.Network/dnsResolverPolicies",
                "location": policy.location,
                "properties": {
                    "provisioningState": "Succeeded",
                    "resourceGuid": "00000000-0000-0000-0000-000000000000",
                },
            }
        )
        emulator.add_collection(
            f"{policy_id}/virtualNetworkLinks",
            [
                {
                    "id": f"{policy_id}/virtualNetworkLinks/{vnet.rpartition('/')[2]}-link",
                    "name": f"{vnet.rpartition('/')[2]}-link",
                    "type": "Microsoft.Network/dnsResolverPolicies/virtualNetworkLinks",
                    "location": policy.location,
                    "properties": {
                        "virtualNetwork": {"id": _linked_vnet(sub, vnet, every_vnet)},
                        "provisioningState": "Succeeded",
                    },
                }
                for vnet in policy.virtual_networks
            ],
        )
        emulator.add_collection(
            f"{policy_id}/providers/Microsoft.Insights/diagnosticSettings",
            [_diagnostic_setting(sub, policy_id, policy.diagnostics)] if policy.diagnostics else [],
        )
    emulator.add_collection(f"{root}/providers/Microsoft.Network/dnsResolverPolicies", dns_policies)
