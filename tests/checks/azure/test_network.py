import pytest

from auditor.inventory.azure import RESOURCE_DIAGNOSTICS
from auditor.model import Status
from tests.checks.azure.inventories import (
    SUB,
    azure_error,
    azure_inventory,
    by_resource,
    one_status,
    run,
    setting,
)

NSG_ID = f"{SUB}/providers/Microsoft.Network/networkSecurityGroups/web"
VNET_ID = f"{SUB}/providers/Microsoft.Network/virtualNetworks/core"


def _rule(ports="22", source="*", protocol="Tcp", access="Allow", direction="Inbound"):
    return {
        "name": "r",
        "direction": direction,
        "access": access,
        "protocol": protocol,
        "source_prefixes": [source],
        "destination_ports": [ports],
    }


def _nsg(*rules, name="web"):
    return {"id": f"{SUB}/nsgs/{name}", "name": name, "location": "westeurope", "rules": list(rules)}


@pytest.mark.parametrize(
    ("check", "open_rule", "closed_rule"),
    [
        ("azure.network.rdp_restricted", _rule("3000-4000"), _rule("3389", source="10.0.0.0/8")),
        ("azure.network.ssh_restricted", _rule("22", source="Internet"), _rule("22", access="Deny")),
        (
            "azure.network.udp_restricted",
            _rule("53", protocol="Udp", source="0.0.0.0/0"),
            _rule("53", protocol="Tcp"),
        ),
        ("azure.network.http_restricted", _rule("*", protocol="*"), _rule("443", direction="Outbound")),
    ],
)
def test_nsg_rules_open_to_the_internet(check, open_rule, closed_rule):
    inv = azure_inventory(
        network_security_groups=[_nsg(open_rule, name="open"), _nsg(closed_rule, name="closed")]
    )
    assert by_resource(check, inv) == {f"{SUB}/nsgs/open": Status.FAIL, f"{SUB}/nsgs/closed": Status.PASS}
    assert one_status(check, azure_inventory(network_security_groups=[])) is Status.NOT_APPLICABLE
    assert one_status(check, azure_inventory(errors=[azure_error("network_security_groups")])) is Status.ERROR


def _watcher(location="westeurope", logs=(), state="Succeeded"):
    return {
        "id": f"{SUB}/watchers/{location}",
        "name": f"NetworkWatcher_{location}",
        "location": location,
        "provisioning_state": state,
        "flow_logs": None if logs is None else list(logs),
    }


def _vnet(name="core", location="westeurope", subnets=()):
    return {"id": f"{SUB}/vnets/{name}", "name": name, "location": location, "subnets": list(subnets)}


def test_network_watcher_in_every_location_with_vnets():
    check = "azure.network.watcher_enabled"
    inv = azure_inventory(
        virtual_networks=[_vnet("a", "westeurope"), _vnet("b", "eastus")],
        network_watchers=[_watcher("westeurope")],
    )
    assert {f.region: f.status for f in run(check, inv)} == {"westeurope": Status.PASS, "eastus": Status.FAIL}
    assert (
        one_status(check, azure_inventory(virtual_networks=[], network_watchers=[])) is Status.NOT_APPLICABLE
    )
    denied = azure_inventory(virtual_networks=[], errors=[azure_error("network_watchers")])
    assert one_status(check, denied) is Status.ERROR


def _log(name, target, days=90, enabled=True, analytics=False, retention=True):
    return {
        "id": f"{SUB}/flowlogs/{name}",
        "name": name,
        "location": "westeurope",
        "target_resource_id": target,
        "enabled": enabled,
        "retention_enabled": retention,
        "retention_days": days,
        "traffic_analytics_enabled": analytics,
        "workspace_id": "/ws/central" if analytics else "",
    }


@pytest.mark.parametrize(("kind", "target"), [("nsg", NSG_ID), ("vnet", VNET_ID)])
def test_flow_log_retention(kind, target):
    check = f"azure.network.{kind}_flow_log_retention"
    other = VNET_ID if kind == "nsg" else NSG_ID
    logs = [
        _log("long", target, 90),
        _log("short", target, 30),
        _log("forever", target, 0, retention=False),
        _log("other-kind", other, 1),
    ]
    inv = azure_inventory(network_watchers=[_watcher(logs=logs)])
    assert by_resource(check, inv) == {
        f"{SUB}/flowlogs/long": Status.PASS,
        f"{SUB}/flowlogs/short": Status.FAIL,
        f"{SUB}/flowlogs/forever": Status.PASS,
    }
    assert one_status(check, azure_inventory(network_watchers=[_watcher()])) is Status.NOT_APPLICABLE
    unread = azure_inventory(
        network_watchers=[_watcher(logs=None)], errors=[azure_error("flow_logs", region="westeurope")]
    )
    [finding] = run(check, unread)
    assert finding.status is Status.ERROR and finding.region == "westeurope"


@pytest.mark.parametrize(("kind", "target"), [("nsg", NSG_ID), ("vnet", VNET_ID)])
def test_flow_logs_to_log_analytics(kind, target):
    check = f"azure.network.{kind}_flow_logs_to_log_analytics"
    inv = azure_inventory(
        network_watchers=[_watcher(logs=[_log("ta", target, analytics=True), _log("plain", target)])]
    )
    assert by_resource(check, inv) == {
        f"{SUB}/flowlogs/ta": Status.PASS,
        f"{SUB}/flowlogs/plain": Status.FAIL,
    }
    by_guid = _log("guid", target, analytics=True) | {"workspace_id": "", "workspace_guid": "3f1c7e0a-guid"}
    nameless = _log("nameless", target, analytics=True) | {"workspace_id": ""}
    inv = azure_inventory(network_watchers=[_watcher(logs=[by_guid, nameless])])
    assert by_resource(check, inv) == {
        f"{SUB}/flowlogs/guid": Status.PASS,
        f"{SUB}/flowlogs/nameless": Status.FAIL,
    }
    assert one_status(check, azure_inventory(errors=[azure_error("network_watchers")])) is Status.ERROR
    assert one_status(check, azure_inventory(network_watchers=[])) is Status.NOT_APPLICABLE


def test_flow_logs_enabled_takes_vnet_flow_logs_or_nsg_flow_logs_with_migration_advice():
    check = "azure.network.flow_logs_enabled"
    subnet = {"id": f"{SUB}/vnets/legacy/subnets/a", "name": "a", "nsg_id": NSG_ID}
    inv = azure_inventory(
        virtual_networks=[
            _vnet("core"),
            _vnet("legacy", subnets=[subnet]),
            _vnet("dark", subnets=[{"id": f"{SUB}/vnets/dark/subnets/a", "name": "a"}]),
            _vnet("off"),
        ],
        network_security_groups=[_nsg()],
        network_watchers=[
            _watcher(
                logs=[
                    _log("v", f"{SUB}/vnets/core"),
                    _log("n", NSG_ID),
                    _log("disabled", f"{SUB}/vnets/off", enabled=False),
                ]
            )
        ],
    )
    findings = {f.resource_id: f for f in run(check, inv)}
    assert findings[f"{SUB}/vnets/core"].status is Status.PASS
    legacy = findings[f"{SUB}/vnets/legacy"]
    assert legacy.status is Status.PASS and "30 September 2027" in legacy.message
    assert legacy.evidence["migrate_to_vnet_flow_logs"] is True
    assert findings[f"{SUB}/vnets/dark"].status is Status.FAIL
    assert findings[f"{SUB}/vnets/off"].status is Status.FAIL


def test_flow_logs_enabled_is_error_where_the_watcher_could_not_be_read_and_na_without_vnets():
    check = "azure.network.flow_logs_enabled"
    inv = azure_inventory(
        virtual_networks=[_vnet("core")],
        network_security_groups=[],
        network_watchers=[_watcher(logs=None)],
        errors=[azure_error("flow_logs", region="westeurope", operation="flow_logs.list")],
    )
    [finding] = run(check, inv)
    assert finding.status is Status.ERROR and "network:flow_logs.list in westeurope" in finding.message
    assert (
        one_status(check, azure_inventory(virtual_networks=[], network_watchers=[])) is Status.NOT_APPLICABLE
    )


def test_nsg_flow_logs_are_flagged_for_migration():
    check = "azure.network.nsg_flow_logs_migrated"
    inv = azure_inventory(network_watchers=[_watcher(logs=[_log("n", NSG_ID), _log("v", VNET_ID)])])
    [finding] = run(check, inv)
    assert finding.status is Status.FAIL and "30 June 2025" in finding.message
    assert one_status(check, azure_inventory(network_watchers=[_watcher(logs=[_log("v", VNET_ID)])])) is (
        Status.NOT_APPLICABLE
    )


def test_subnets_have_nsg():
    check = "azure.network.subnets_have_nsg"
    subnets = [
        {"id": "s/with", "name": "with", "nsg_id": NSG_ID},
        {"id": "s/without", "name": "without"},
        {"id": "s/gw", "name": "GatewaySubnet"},
    ]
    inv = azure_inventory(virtual_networks=[_vnet(subnets=subnets)])
    assert by_resource(check, inv) == {
        "s/with": Status.PASS,
        "s/without": Status.FAIL,
        "s/gw": Status.NOT_APPLICABLE,
    }
    assert one_status(check, azure_inventory(errors=[azure_error("virtual_networks")])) is Status.ERROR


POLICY_ID = f"{SUB}/wafpolicies/edge"


def _gateway(name="gw", **kw):
    return {
        "id": f"{SUB}/gateways/{name}",
        "name": name,
        "location": "westeurope",
        "sku_tier": kw.pop("tier", "WAF_v2"),
        "firewall_policy_id": kw.pop("policy", POLICY_ID),
        **kw,
    }


def _policy(**kw):
    return {
        "id": POLICY_ID,
        "name": "edge",
        "location": "westeurope",
        "state": "Enabled",
        "mode": "Prevention",
        **kw,
    }


def test_application_gateway_waf():
    check = "azure.network.application_gateway_waf_enabled"
    inv = azure_inventory(
        application_gateways=[
            _gateway("waf"),
            _gateway("standard", tier="Standard_v2", policy=""),
            _gateway("legacy", policy="", waf_config_enabled=True),
            _gateway("bare", policy=""),
        ],
        waf_policies=[_policy()],
    )
    assert by_resource(check, inv) == {
        f"{SUB}/gateways/waf": Status.PASS,
        f"{SUB}/gateways/standard": Status.FAIL,
        f"{SUB}/gateways/legacy": Status.PASS,
        f"{SUB}/gateways/bare": Status.FAIL,
    }
    disabled = azure_inventory(application_gateways=[_gateway()], waf_policies=[_policy(state="Disabled")])
    assert one_status(check, disabled) is Status.FAIL
    unread = azure_inventory(application_gateways=[_gateway()], errors=[azure_error("waf_policies")])
    assert one_status(check, unread) is Status.ERROR
    assert one_status(check, azure_inventory(application_gateways=[])) is Status.NOT_APPLICABLE
    assert one_status(check, azure_inventory(errors=[azure_error("application_gateways")])) is Status.ERROR


PREDEFINED = [
    {"name": "AppGwSslPolicy20150501", "min_protocol_version": "TLSv1_0"},
    {"name": "AppGwSslPolicy20220101", "min_protocol_version": "TLSv1_2"},
]
TLS = "azure.network.application_gateway_tls_min_version"


@pytest.mark.parametrize(
    ("gateway", "status"),
    [
        ({"ssl_policy_type": "Custom", "ssl_min_protocol_version": "TLSv1_2"}, Status.PASS),
        ({"ssl_policy_type": "CustomV2", "ssl_min_protocol_version": "TLSv1_3"}, Status.PASS),
        ({"ssl_policy_type": "Custom", "ssl_min_protocol_version": "TLSv1_0"}, Status.FAIL),
        ({"ssl_policy_type": "Custom"}, Status.FAIL),  # a custom policy with no minimum set
        ({"ssl_policy_type": "Predefined", "ssl_policy_name": "AppGwSslPolicy20220101"}, Status.PASS),
        ({"ssl_policy_type": "Predefined", "ssl_policy_name": "AppGwSslPolicy20150501"}, Status.FAIL),
        ({"default_predefined_ssl_policy": "AppGwSslPolicy20220101"}, Status.PASS),  # no sslPolicy
        ({"default_predefined_ssl_policy": "AppGwSslPolicy20150501"}, Status.FAIL),
        ({"ssl_policy_name": "AppGwSslPolicy20991231"}, Status.FAIL),  # not among those ARM lists
        ({}, Status.FAIL),  # neither a policy nor a default: nothing proves TLS 1.2
    ],
)
def test_a_gateway_is_judged_by_its_policy_or_else_its_default_predefined_one(gateway, status):
    inventory = azure_inventory(
        application_gateways=[_gateway(**gateway)], ssl_predefined_policies=PREDEFINED
    )
    assert one_status(TLS, inventory) is status


def test_a_predefined_policy_is_not_judged_when_the_predefined_policies_were_not_read():
    gateways = [
        _gateway(default_predefined_ssl_policy="AppGwSslPolicy20220101"),
        _gateway(id=f"{SUB}/gateways/custom", ssl_policy_type="Custom", ssl_min_protocol_version="TLSv1_2"),
    ]
    unread = azure_inventory(application_gateways=gateways, errors=[azure_error("ssl_predefined_policies")])
    assert by_resource(TLS, unread) == {
        f"{SUB}/gateways/gw": Status.ERROR,
        f"{SUB}/gateways/custom": Status.PASS,
    }
    assert one_status(TLS, azure_inventory(application_gateways=[])) is Status.NOT_APPLICABLE
    assert one_status(TLS, azure_inventory(errors=[azure_error("application_gateways")])) is Status.ERROR


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (
            "azure.network.application_gateway_http2_enabled",
            {"http2_enabled": True},
            {"http2_enabled": False},
        ),
    ],
)
def test_application_gateway_settings(check, good, bad):
    assert one_status(check, azure_inventory(application_gateways=[_gateway(**good)])) is Status.PASS
    assert one_status(check, azure_inventory(application_gateways=[_gateway(**bad)])) is Status.FAIL
    assert one_status(check, azure_inventory(application_gateways=[])) is Status.NOT_APPLICABLE
    assert one_status(check, azure_inventory(errors=[azure_error("application_gateways")])) is Status.ERROR


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (
            "azure.network.waf_request_body_inspection",
            {"request_body_check": True},
            {"request_body_check": False},
        ),
        (
            "azure.network.waf_bot_protection",
            {"managed_rule_sets": ["Microsoft_DefaultRuleSet/2.1", "Microsoft_BotManagerRuleSet/1.1"]},
            {"managed_rule_sets": ["Microsoft_DefaultRuleSet/2.1"]},
        ),
    ],
)
def test_waf_policy_settings(check, good, bad):
    assert one_status(check, azure_inventory(waf_policies=[_policy(**good)])) is Status.PASS
    assert one_status(check, azure_inventory(waf_policies=[_policy(**bad)])) is Status.FAIL
    assert one_status(check, azure_inventory(waf_policies=[])) is Status.NOT_APPLICABLE
    assert one_status(check, azure_inventory(errors=[azure_error("waf_policies")])) is Status.ERROR


@pytest.mark.parametrize(
    ("check", "category"),
    [
        ("azure.network.application_gateway_logging_enabled", "ApplicationGatewayAccessLog"),
        ("azure.network.waf_logging_enabled", "ApplicationGatewayFirewallLog"),
    ],
)
def test_gateway_diagnostic_logs(check, category):
    gateway_id = f"{SUB}/gateways/locked"
    inv = azure_inventory(
        application_gateways=[
            _gateway("logging", diagnostic_settings=[setting(category)]),
            _gateway("all", diagnostic_settings=[setting(group="allLogs")]),
            _gateway("silent", diagnostic_settings=[setting("ApplicationGatewayPerformanceLog")]),
            _gateway("locked", diagnostic_settings=None),
        ],
        errors=[azure_error(RESOURCE_DIAGNOSTICS, "monitor", region="westeurope", resource=gateway_id)],
    )
    assert by_resource(check, inv) == {
        f"{SUB}/gateways/logging": Status.PASS,
        f"{SUB}/gateways/all": Status.PASS,
        f"{SUB}/gateways/silent": Status.FAIL,
        gateway_id: Status.ERROR,
    }
    assert one_status(check, azure_inventory(application_gateways=[])) is Status.NOT_APPLICABLE


def test_waf_logs_are_not_applicable_to_a_gateway_without_waf():
    standard = azure_inventory(application_gateways=[_gateway(tier="Standard_v2", diagnostic_settings=[])])
    assert one_status("azure.network.waf_logging_enabled", standard) is Status.NOT_APPLICABLE
    assert one_status("azure.network.application_gateway_logging_enabled", standard) is Status.FAIL
