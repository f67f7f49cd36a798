"""The Azure collector against the HTTPS ARM emulator: the real azure-mgmt clients, every service."""

from __future__ import annotations

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from auditor.emulators.arm_server import ArmEmulator, EmulatorCredential, Fault
from auditor.inventory.azure import RESOURCE_DIAGNOSTICS, AzureInventory
from auditor.model import Status
from auditor.progress import ProgressEvent
from auditor.providers.azure import AzureCollectionFailed, collect_azure
from auditor.registry import load_checks
from tests.providers.azure.conftest import collect, options_for
from tests.providers.azure.estate import DEV, PROD, TENANT


def _prod(arm: ArmEmulator, **overrides: object) -> AzureInventory:
    [inventory] = collect(arm, subscriptions=(PROD,), **overrides)
    return inventory


@pytest.fixture(scope="module")
def prod(arm: ArmEmulator) -> AzureInventory:
    """The production subscription collected once, without faults (the read-only tests share it)."""
    arm.clear_faults()
    return _prod(arm)


def test_every_subscription_the_credential_sees_is_collected(arm):
    inventories = collect(arm)
    assert [i.subscription_id for i in inventories] == [PROD, DEV]
    assert all(i.tenant_id == TENANT and not i.errors for i in inventories)
    dev = inventories[1]
    assert dev.display_name == "acme-dev"
    assert dev.network_security_groups == [] and dev.key_vaults == [] and dev.security_contacts == []
    assert dev.defender_alerts == []
    # API calls are counted per subscription (the subscription listing with the first one)
    prod = inventories[0]
    assert prod.api_calls["network:network_security_groups.list_all"] == 3  # 5 NSGs, pages of 2
    assert dev.api_calls["network:network_security_groups.list_all"] == 1
    assert prod.api_calls[
        "subscriptions:subscriptions.list"
    ] == 1 and "subscriptions:subscriptions.list" not in (dev.api_calls)
    assert sum(prod.api_calls.values()) + sum(dev.api_calls.values()) == len(arm.requests)


def test_defender_for_cloud_is_collected(prod):
    inventory = prod
    tiers = {p.name: p.tier for p in inventory.defender_plans or []}
    assert tiers["VirtualMachines"] == "Standard" and tiers["KeyVaults"] == "Standard"
    assert tiers["StorageAccounts"] == "Free" and len(tiers) == 12
    assert [(s.name, s.auto_provision) for s in inventory.auto_provisioning or []] == [("default", "On")]
    assert {s.name: s.enabled for s in inventory.security_settings or []} == {"WDATP": True, "MCAS": False}
    [contact] = inventory.security_contacts or []
    assert (contact.email_count, contact.alert_notifications, contact.alert_minimal_severity) == (
        1,
        "On",
        "High",
    )
    assert (contact.notify_roles_state, contact.notify_roles) == ("On", ["Owner"])


def test_azure_monitor_is_collected(prod):
    inventory = prod
    [setting] = inventory.activity_log_settings or []
    assert setting.workspace_id.endswith("/workspaces/central")
    assert {log.category for log in setting.logs if log.enabled} == {
        "Administrative",
        "Security",
        "Policy",
        "Alert",
    }
    alerts = {a.name: a for a in inventory.activity_log_alerts or []}
    assert alerts["nsg-write"].condition("operationName") == ["Microsoft.Network/networkSecurityGroups/write"]
    assert alerts["health"].condition("category") == ["ServiceHealth"]
    assert alerts["health"].scopes == [f"/subscriptions/{PROD}"] and alerts["health"].action_group_ids


def test_network_is_collected_with_flow_logs_per_watcher(prod):
    inventory = prod
    watchers = {w.location: w for w in inventory.network_watchers or []}
    assert set(watchers) == {"westeurope", "northeurope"}
    logs = {log.name: log for log in watchers["westeurope"].flow_logs or []}
    assert logs["web-nsg-flowlog"].target_kind == "nsg" and logs["web-nsg-flowlog"].retention_days == 30
    vnet_log = logs["core-flowlog"]
    assert vnet_log.target_kind == "vnet" and vnet_log.traffic_analytics_enabled and vnet_log.workspace_id
    assert watchers["northeurope"].flow_logs == []
    nsgs = {n.name: n for n in inventory.network_security_groups or []}
    assert len(nsgs) == 5
    ssh = nsgs["web-nsg"].rules[0]
    assert (ssh.direction, ssh.access, ssh.protocol, ssh.source_prefixes, ssh.destination_ports) == (
        "Inbound",
        "Allow",
        "Tcp",
        ["*"],
        ["22"],
    )
    assert nsgs["web-nsg"].subnet_ids == [
        next(s.id for v in inventory.virtual_networks or [] for s in v.subnets)
    ]
    [vnet] = inventory.virtual_networks or []
    assert [(s.name, bool(s.nsg_id)) for s in vnet.subnets] == [("web", True), ("data", False)]
    assert inventory.locations == ["northeurope", "westeurope"]


def test_application_gateways_waf_policies_and_their_logs_are_collected(prod):
    inventory = prod
    [gateway] = inventory.application_gateways or []
    [policy] = inventory.waf_policies or []
    assert gateway.is_waf_sku and gateway.firewall_policy_id == policy.id
    assert (gateway.ssl_min_protocol_version, gateway.http2_enabled) == ("TLSv1_2", True)
    assert [s.logs[0].category_group for s in gateway.diagnostic_settings or []] == ["allLogs"]
    assert (policy.enabled, policy.mode, policy.request_body_check, policy.bot_protection) == (
        True,
        "Prevention",
        True,
        True,
    )
    assert policy.application_gateway_ids == [gateway.id]


def test_key_vaults_and_dns_security_policies_are_collected_with_their_diagnostic_settings(prod):
    inventory = prod
    vaults = {v.name: v for v in inventory.key_vaults or []}
    assert [log.category for s in vaults["kv-audit"].diagnostic_settings or [] for log in s.logs] == [
        "AuditEvent"
    ]
    assert vaults["kv-silent"].diagnostic_settings == []
    [policy] = inventory.dns_security_policies or []
    [vnet] = inventory.virtual_networks or []
    assert policy.virtual_network_ids == [vnet.id] and policy.diagnostic_settings


def test_lists_longer_than_a_page_follow_next_link(arm):
    inventory = _prod(arm)
    assert len(inventory.network_security_groups or []) == 5  # three pages of two
    pages = [r for r in arm.requests if r.path.lower().endswith("/networksecuritygroups")]
    assert len(pages) == 3 and sum("skiptoken" in r.query for r in pages) == 2
    assert inventory.api_calls["network:network_security_groups.list_all"] == 3


def test_a_429_succeeds_after_retry_after(arm):
    arm.add_fault(Fault("providers/Microsoft.Network/networkSecurityGroups", 429, times=1, retry_after=1))
    inventory = _prod(arm)
    assert len(inventory.network_security_groups or []) == 5 and not inventory.errors
    first, second = [r for r in arm.requests if r.path.lower().endswith("/networksecuritygroups")][:2]
    assert "skiptoken" not in second.query and second.at - first.at >= 0.9


def test_throttled_past_the_retries_is_a_throttled_error_for_that_dataset_only(arm):
    arm.add_fault(Fault("providers/Microsoft.Network/networkSecurityGroups", 429, retry_after=0))
    inventory = _prod(arm)
    assert inventory.network_security_groups is None and inventory.virtual_networks
    [error] = inventory.errors
    assert (error.dataset, error.kind, error.code, error.region) == (
        "network_security_groups",
        "throttled",
        "TooManyRequests",
        "global",
    )


def _statuses(inventory: AzureInventory) -> dict[tuple[str, str], Status]:
    return {
        (f.check_id, f.resource_id): f.status
        for check in load_checks().all("azure")
        for f in check.run(inventory, inventory.account)
    }


def test_a_403_on_defender_gives_error_for_defender_controls_only(arm, prod):
    healthy = _statuses(prod)
    arm.add_fault(Fault("providers/Microsoft.Security/", 403))
    denied = _prod(arm)
    assert {e.dataset for e in denied.errors} == {
        "defender_plans",
        "auto_provisioning",
        "security_settings",
        "security_contacts",
        "defender_alerts",
    }
    assert {(e.kind, e.code, e.service) for e in denied.errors} == {
        ("denied", "AuthorizationFailed", "security")
    }
    after = _statuses(denied)
    for (check_id, resource), status in after.items():
        if check_id.startswith("azure.defender."):
            assert status is Status.ERROR, check_id
        else:
            assert healthy[(check_id, resource)] is status, check_id
    assert any(c.startswith("azure.defender.") for c, _ in after)


def test_a_5xx_on_one_watchers_flow_logs_is_an_error_in_that_location(arm):
    arm.add_fault(Fault("NetworkWatcher_westeurope/flowLogs", 500))
    inventory = _prod(arm)
    watchers = {w.location: w for w in inventory.network_watchers or []}
    assert watchers["westeurope"].flow_logs is None and watchers["northeurope"].flow_logs == []
    [error] = inventory.errors
    assert (error.region, error.dataset, error.kind, error.operation) == (
        "westeurope",
        "flow_logs",
        "failed",
        "flow_logs.list",
    )
    assert error.resource == watchers["westeurope"].id


def test_one_resources_diagnostic_settings_denied_is_an_error_for_that_resource(arm):
    arm.add_fault(Fault("vaults/kv-audit/providers/microsoft.insights/diagnosticSettings", 403))
    inventory = _prod(arm)
    vaults = {v.name: v for v in inventory.key_vaults or []}
    assert vaults["kv-audit"].diagnostic_settings is None and vaults["kv-silent"].diagnostic_settings == []
    [error] = inventory.errors
    assert (error.dataset, error.resource, error.region) == (
        RESOURCE_DIAGNOSTICS,
        vaults["kv-audit"].id,
        "westeurope",
    )
    findings = {
        f.resource_id: f.status
        for f in load_checks().get("azure.keyvault.logging_enabled").run(inventory, PROD)
    }
    assert findings == {vaults["kv-audit"].id: Status.ERROR, vaults["kv-silent"].id: Status.FAIL}


def test_only_get_requests_reach_the_emulator(arm):
    collect(arm)
    assert arm.requests and {r.method for r in arm.requests} == {"GET"}


def test_progress_reports_every_unit_as_azure(arm):
    events: list[ProgressEvent] = []
    collect_azure(
        options_for(arm, subscriptions=(PROD,)), progress=events.append, credential=EmulatorCredential()
    )
    assert {e.provider for e in events} == {"azure"} and {e.account for e in events} == {PROD}
    assert [e.done for e in events] == list(range(1, events[0].total + 1))


def test_an_unknown_subscription_stops_the_scan_with_a_clear_message(arm):
    with pytest.raises(AzureCollectionFailed, match="ResourceNotFound"):
        collect(arm, subscriptions=("44444444-4444-4444-4444-444444444444",))


class _NoCredential:
    def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        raise ClientAuthenticationError("no credential in this environment")


def test_no_usable_credential_stops_the_scan(arm):
    with pytest.raises(AzureCollectionFailed, match="no usable Azure credential"):
        collect_azure(options_for(arm), credential=_NoCredential())
    assert arm.requests == []
