"""The collector reads the Azure REST API specification's own example answers: each list example the store
holds is served as is (through the real azure-mgmt clients, or the raw GET for security contacts) and read
into its dataset; and each of issue 16's Azure defects is judged from the spec's example for it."""

from __future__ import annotations

import copy

import pytest

from auditor.inventory.azure import AzureInventory
from auditor.model import Status
from auditor.registry import load_checks
from tests.contracts.azure.example_scan import ExampleScan, example

SUB = "20ff7fc3-e762-44dd-bd96-b71116dcdc23"  # the security examples' subscription


def _statuses(check_id: str, inventory: AzureInventory) -> dict[str, Status]:
    check = load_checks().get(check_id)
    return {f.resource_id.rsplit("/", 1)[-1]: f.status for f in check.run(inventory, inventory.account)}


def _scan_with(operation_id: str, name: str, dataset: str) -> tuple[AzureInventory, list[object]]:
    parameters, body = example(operation_id, name)
    subscription = parameters.get("subscriptionId") or SUB
    scan = ExampleScan(subscription)
    scan.answer(operation_id, body, subscriptionId=subscription, scopeId=f"subscriptions/{subscription}")
    inventory = scan.collect()[subscription]
    assert [e for e in inventory.errors if e.dataset == dataset] == []
    return inventory, body["value"]


LISTS = [
    ("Pricings_List", "ListPricings_example.json", "defender_plans"),
    (
        "AutoProvisioningSettings_List",
        "GetAutoProvisioningSettingsSubscription_example.json",
        "auto_provisioning",
    ),
    ("Settings_List", "GetSettings_example.json", "security_settings"),
    ("SecurityContacts_List", "GetSecurityContactsSubscription_example.json", "security_contacts"),
    (
        "SubscriptionDiagnosticSettings_List",
        "listSubscriptionDiagnosticSettings.json",
        "activity_log_settings",
    ),
    (
        "ActivityLogAlerts_ListBySubscriptionId",
        "ActivityLogAlertRule_ListBySubscriptionId.json",
        "activity_log_alerts",
    ),
    ("NetworkSecurityGroups_ListAll", "NetworkSecurityGroupListAll.json", "network_security_groups"),
    ("VirtualNetworks_ListAll", "VirtualNetworkListAll.json", "virtual_networks"),
    ("ApplicationGateways_ListAll", "ApplicationGatewayListAll.json", "application_gateways"),
    (
        "ApplicationGateways_ListAvailableSslPredefinedPolicies",
        "ApplicationGatewayAvailableSslOptionsPredefinedPoliciesGet.json",
        "ssl_predefined_policies",
    ),
    ("WebApplicationFirewallPolicies_ListAll", "WafListAllPolicies.json", "waf_policies"),
]


@pytest.mark.parametrize(("operation_id", "name", "dataset"), LISTS, ids=[o for o, _, _ in LISTS])
def test_every_list_example_is_read_whole_into_its_dataset(operation_id, name, dataset):
    inventory, items = _scan_with(operation_id, name, dataset)
    found = getattr(inventory, dataset)
    assert found is not None and len(found) == len(items)


def test_the_alerts_example_keeps_the_unaddressed_alerts_with_their_category():
    inventory, items = _scan_with("Alerts_List", "GetAlertsSubscription_example.json", "defender_alerts")
    open_ones = [a for a in items if a["properties"].get("status") not in ("Resolved", "Dismissed")]
    assert [a.name for a in inventory.defender_alerts or []] == [a["name"] for a in open_ones]
    assert {a.intent: a.category for a in inventory.defender_alerts or []} == {
        "Execution": "instance_compromise"
    }


def test_the_network_watchers_example_and_its_flow_logs_example_are_read_together():
    _, watchers = example("NetworkWatchers_ListAll", "NetworkWatcherListAll.json")
    parameters, logs = example("FlowLogs_List", "NetworkWatcherFlowLogList.json")
    subscription = parameters["subscriptionId"]
    scan = ExampleScan(subscription)
    # the flow-log example's watcher, listed the way the watchers example lists watchers
    watcher = copy.deepcopy(watchers["value"][0])
    watcher["id"] = (
        f"/subscriptions/{subscription}/resourceGroups/{parameters['resourceGroupName']}/providers/"
        f"Microsoft.Network/networkWatchers/{parameters['networkWatcherName']}"
    )
    watcher["name"] = parameters["networkWatcherName"]
    scan.answer("NetworkWatchers_ListAll", {"value": [watcher]}, subscriptionId=subscription)
    scan.answer("FlowLogs_List", logs, **parameters)
    inventory = scan.collect()[subscription]
    [found] = inventory.network_watchers or []
    assert [log.name for log in found.flow_logs or []] == ["flowLog1", "flowLog2"]


def test_item_1_security_contacts_are_judged_from_the_2023_12_01_preview_example():
    inventory, _ = _scan_with(
        "SecurityContacts_List", "GetSecurityContactsSubscription_example.json", "security_contacts"
    )
    [contact] = inventory.security_contacts or []
    assert (contact.enabled, contact.email_count) == (True, 2)
    assert (contact.alert_notifications, contact.alert_minimal_severity) == ("On", "Medium")
    assert (contact.notify_roles_state, contact.notify_roles) == ("On", ["Owner", "Admin"])
    # the example's other source is typed "AttachPath": not the AttackPath source the spec defines
    assert contact.attack_path_notifications == "Off"
    verdicts = {
        check: _statuses(check, inventory)["default"]
        for check in (
            "azure.defender.security_contact_owner_notified",
            "azure.defender.security_contact_email",
            "azure.defender.alert_notifications_enabled",
            "azure.defender.attack_path_notifications_enabled",
        )
    }
    assert verdicts == {
        "azure.defender.security_contact_owner_notified": Status.PASS,
        "azure.defender.security_contact_email": Status.PASS,
        "azure.defender.alert_notifications_enabled": Status.PASS,
        "azure.defender.attack_path_notifications_enabled": Status.FAIL,
    }


def test_item_1_a_disabled_contact_notifies_nobody():
    _, body = example("SecurityContacts_List", "GetSecurityContactsSubscription_example.json")
    disabled = copy.deepcopy(body)
    disabled["value"][0]["properties"]["isEnabled"] = False
    disabled["value"][0]["properties"]["notificationsSources"][0]["sourceType"] = "AttackPath"
    scan = ExampleScan(SUB)
    scan.answer("SecurityContacts_List", disabled, subscriptionId=SUB)
    inventory = scan.collect()[SUB]
    [contact] = inventory.security_contacts or []
    assert contact.attack_path_minimal_risk_level == "Critical" and not contact.enabled
    assert _statuses("azure.defender.attack_path_notifications_enabled", inventory) == {
        "default": Status.FAIL
    }
    assert _statuses("azure.defender.security_contact_email", inventory) == {"default": Status.FAIL}


def test_item_10_a_plan_on_but_partially_covering_fails_and_extensions_are_reported():
    inventory, _ = _scan_with("Pricings_List", "ListPricings_example.json", "defender_plans")
    plans = {p.name: p for p in inventory.defender_plans or []}
    servers = plans["VirtualMachines"]
    assert (servers.tier, servers.sub_plan, servers.resources_coverage_status) == (
        "Standard",
        "P2",
        "PartiallyCovered",
    )
    assert servers.extensions == {"AgentlessVmScanning": True}
    assert plans["StorageAccounts"].extensions == {
        "OnUploadMalwareScanning": True,
        "SensitiveDataDiscovery": True,
    }
    [finding] = load_checks().get("azure.defender.virtual_machines_plan_enabled").run(inventory, SUB)
    assert finding.status is Status.FAIL and "PartiallyCovered" in finding.message
    assert finding.evidence["extensions_on"] == ["AgentlessVmScanning"]
    [storage] = load_checks().get("azure.defender.storage_accounts_plan_enabled").run(inventory, SUB)
    assert storage.status is Status.PASS and storage.evidence["coverage"] == "FullyCovered"
    assert _statuses("azure.defender.servers_agentless_scanning_enabled", inventory) == {
        "VirtualMachines": Status.PASS
    }
    # the example's P2 plan lists no FileIntegrityMonitoring extension: the component is not on
    assert _statuses("azure.defender.servers_file_integrity_monitoring_enabled", inventory) == {
        "VirtualMachines": Status.FAIL
    }


def test_item_3_a_gateway_is_judged_by_its_default_predefined_policy_from_arms_list():
    parameters, gateways = example("ApplicationGateways_ListAll", "ApplicationGatewayListAll.json")
    _, predefined = example(
        "ApplicationGateways_ListAvailableSslPredefinedPolicies",
        "ApplicationGatewayAvailableSslOptionsPredefinedPoliciesGet.json",
    )
    subscription = parameters["subscriptionId"]
    on_default = copy.deepcopy(gateways)
    on_default["value"][0]["properties"]["defaultPredefinedSslPolicy"] = "AppGwSslPolicy20170401S"
    legacy = copy.deepcopy(gateways["value"][0])
    legacy["id"] = legacy["id"].replace("/appgw", "/appgw-legacy")
    legacy["name"] = "appgw-legacy"
    legacy["properties"]["sslPolicy"] = {"policyType": "Predefined", "policyName": "AppGwSslPolicy20150501"}
    on_default["value"].append(legacy)
    scan = ExampleScan(subscription)
    scan.answer("ApplicationGateways_ListAll", on_default, subscriptionId=subscription)
    scan.answer(
        "ApplicationGateways_ListAvailableSslPredefinedPolicies", predefined, subscriptionId=subscription
    )
    inventory = scan.collect()[subscription]
    assert {p.name: p.min_protocol_version for p in inventory.ssl_predefined_policies or []} == {
        "AppGwSslPolicy20150501": "TLSv1_0",
        "AppGwSslPolicy20170401": "TLSv1_1",
        "AppGwSslPolicy20170401S": "TLSv1_2",
    }
    assert _statuses("azure.network.application_gateway_tls_min_version", inventory) == {
        "appgw": Status.PASS,  # no sslPolicy: the default predefined policy, TLS 1.2 minimum
        "appgw-legacy": Status.FAIL,  # an explicit predefined policy with TLS 1.0
    }


def test_item_3_the_examples_gateway_as_published_has_no_policy_to_judge_by():
    inventory, _ = _scan_with(
        "ApplicationGateways_ListAll", "ApplicationGatewayListAll.json", "application_gateways"
    )
    [gateway] = inventory.application_gateways or []
    assert (gateway.ssl_policy_type, gateway.default_predefined_ssl_policy) == ("", "")
    [finding] = load_checks().get("azure.network.application_gateway_tls_min_version").run(inventory, "subid")
    assert finding.status is Status.FAIL and "no SSL policy" in finding.message


def test_item_4_alert_scopes_in_the_examples_form_cover_the_subscription_and_a_resource_group_does_not():
    inventory, _ = _scan_with(
        "ActivityLogAlerts_ListBySubscriptionId",
        "ActivityLogAlertRule_ListBySubscriptionId.json",
        "activity_log_alerts",
    )
    scopes = {a.name: a.scopes for a in inventory.activity_log_alerts or []}
    assert scopes["SampleActivityLogAlertRule1"] == ["subscriptions/187f412d-1758-44d9-b052-169e2564721d"]
    # rule 1: category Administrative, the whole subscription, with an action group
    [finding] = load_checks().get("azure.monitor.alert_service_health").run(inventory, inventory.account)
    assert finding.status is Status.FAIL  # neither rule watches ServiceHealth
    covering = copy.deepcopy(
        example("ActivityLogAlerts_ListBySubscriptionId", "ActivityLogAlertRule_ListBySubscriptionId.json")[1]
    )
    covering["value"][0]["properties"]["condition"]["allOf"] = [
        {"field": "category", "equals": "ServiceHealth"}
    ]
    covering["value"][1]["properties"]["condition"]["allOf"] = [
        {"field": "category", "equals": "ServiceHealth"}
    ]
    covering["value"][0]["properties"]["scopes"] = ["SUBSCRIPTIONS/187F412D-1758-44D9-B052-169E2564721D/"]
    scan = ExampleScan("187f412d-1758-44d9-b052-169e2564721d")
    scan.answer(
        "ActivityLogAlerts_ListBySubscriptionId",
        covering,
        subscriptionId="187f412d-1758-44d9-b052-169e2564721d",
    )
    inventory = scan.collect()["187f412d-1758-44d9-b052-169e2564721d"]
    [finding] = load_checks().get("azure.monitor.alert_service_health").run(inventory, inventory.account)
    assert finding.status is Status.PASS and finding.evidence["alert"].endswith("SampleActivityLogAlertRule1")


def test_item_5_traffic_analytics_workspace_fields_as_the_flow_log_examples_send_them():
    _, watchers = example("NetworkWatchers_ListAll", "NetworkWatcherListAll.json")
    parameters, logs = example("FlowLogs_List", "NetworkWatcherFlowLogList.json")
    subscription = parameters["subscriptionId"]
    logs = copy.deepcopy(logs)
    by_guid = copy.deepcopy(logs["value"][0])
    by_guid["name"] = "byGuid"
    by_guid["id"] = by_guid["id"].replace("flowLog1", "byGuid")
    by_guid["properties"]["flowAnalyticsConfiguration"]["networkWatcherFlowAnalyticsConfiguration"] = {
        "enabled": True,
        "workspaceId": "a5f2a4d8-9f1b-4a11-9a53-4f1d0c2f3e77",
        "workspaceRegion": "westus",
        "trafficAnalyticsInterval": 10,
    }
    logs["value"].append(by_guid)
    watcher = copy.deepcopy(watchers["value"][0])
    watcher["id"] = (
        f"/subscriptions/{subscription}/resourceGroups/{parameters['resourceGroupName']}/providers/"
        f"Microsoft.Network/networkWatchers/{parameters['networkWatcherName']}"
    )
    scan = ExampleScan(subscription)
    scan.answer("NetworkWatchers_ListAll", {"value": [watcher]}, subscriptionId=subscription)
    scan.answer("FlowLogs_List", logs, **parameters)
    inventory = scan.collect()[subscription]
    found = {log.name: log for log in inventory.flow_logs() or []}
    # analytics off: ARM answers '-' for the workspace, which names no workspace
    assert (found["flowLog1"].workspace_guid, found["flowLog1"].workspace_region) == ("", "")
    assert (found["byGuid"].workspace_guid, found["byGuid"].workspace_region) == (
        "a5f2a4d8-9f1b-4a11-9a53-4f1d0c2f3e77",
        "westus",
    )
    assert _statuses("azure.network.nsg_flow_logs_to_log_analytics", inventory) == {
        "flowLog1": Status.FAIL,
        "flowLog2": Status.FAIL,
        "byGuid": Status.PASS,
    }


def test_item_6_the_examples_link_from_another_subscription_counts_for_the_vnet_it_links():
    parameters, links = example(
        "DnsResolverPolicyVirtualNetworkLinks_List", "DnsResolverPolicyVirtualNetworkLink_List.json"
    )
    _, policies = example("DnsResolverPolicies_List", "DnsResolverPolicy_ListBySubscription.json")
    _, vnets = example("VirtualNetworks_ListAll", "VirtualNetworkListAll.json")
    home = parameters["subscriptionId"]
    vnet_id = links["value"][0]["properties"]["virtualNetwork"]["id"]
    spoke = vnet_id.split("/")[2]
    assert spoke != home  # the spec's example links a VNet of another subscription
    vnet = copy.deepcopy(vnets["value"][0])
    vnet["id"], vnet["name"] = vnet_id, vnet_id.rsplit("/", 1)[-1]
    for subnet in vnet["properties"].get("subnets", []):
        subnet["id"] = f"{vnet_id}/subnets/{subnet['name']}"
    policy = copy.deepcopy(policies["value"][0])  # listed by the policy list example, named as the link's
    policy["name"] = parameters["dnsResolverPolicyName"]
    policy["id"] = (
        f"/subscriptions/{home}/resourceGroups/{parameters['resourceGroupName']}/providers/"
        f"Microsoft.Network/dnsResolverPolicies/{parameters['dnsResolverPolicyName']}"
    )
    scan = ExampleScan(home, spoke)
    scan.answer("DnsResolverPolicies_List", {"value": [policy]}, subscriptionId=home)
    scan.answer("DnsResolverPolicyVirtualNetworkLinks_List", links, **parameters)
    scan.answer("VirtualNetworks_ListAll", {"value": [vnet]}, subscriptionId=spoke)
    scan.answer(
        "DiagnosticSettings_List",
        {
            "value": [
                {
                    "id": f"{policy['id']}/providers/microsoft.insights/diagnosticSettings/dns",
                    "name": "dns",
                    "properties": {
                        "workspaceId": f"/subscriptions/{home}/resourceGroups/rg/providers/"
                        "Microsoft.OperationalInsights/workspaces/central",
                        "logs": [{"category": "DnsResponse", "enabled": True}],
                    },
                }
            ]
        },
        resourceUri=policy["id"].lstrip("/"),
    )
    inventories = scan.collect()
    assert inventories[spoke].dns_security_policies == []
    [linked] = inventories[spoke].linked_dns_security_policies or []
    assert linked.virtual_network_ids == [vnet_id]
    assert _statuses("azure.dns.query_logging_enabled", inventories[spoke]) == {vnet["name"]: Status.PASS}
