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

CHECK = "azure.dns.query_logging_enabled"


def _vnet(name):
    return {"id": f"{SUB}/vnets/{name}", "name": name, "location": "westeurope"}


def _policy(name, vnets, settings):
    return {
        "id": f"{SUB}/dnspolicies/{name}",
        "name": name,
        "location": "westeurope",
        "virtual_network_ids": [f"{SUB}/vnets/{v}" for v in vnets],
        "diagnostic_settings": settings,
    }


def test_vnets_are_logged_only_through_a_policy_that_sends_dns_response_logs():
    inv = azure_inventory(
        virtual_networks=[_vnet("logged"), _vnet("silent-policy"), _vnet("unlinked"), _vnet("locked")],
        dns_security_policies=[
            _policy("good", ["logged"], [setting("DnsResponse")]),
            _policy("quiet", ["silent-policy"], []),
            _policy("unread", ["locked"], None),
        ],
        linked_dns_security_policies=[],
        errors=[
            azure_error(
                RESOURCE_DIAGNOSTICS, "monitor", region="westeurope", resource=f"{SUB}/dnspolicies/unread"
            )
        ],
    )
    assert by_resource(CHECK, inv) == {
        f"{SUB}/vnets/logged": Status.PASS,
        f"{SUB}/vnets/silent-policy": Status.FAIL,
        f"{SUB}/vnets/unlinked": Status.FAIL,
        f"{SUB}/vnets/locked": Status.ERROR,
    }


OTHER = "/subscriptions/33333333-3333-3333-3333-333333333333"


def test_a_policy_of_another_subscription_that_links_a_vnet_counts_for_that_vnet():
    shared = _policy("hub", [], [setting("DnsResponse")]) | {
        "id": f"{OTHER}/resourceGroups/rg-hub/providers/Microsoft.Network/dnsResolverPolicies/hub",
        "virtual_network_ids": [f"{SUB}/vnets/spoke".upper()],  # ARM ids: any case
    }
    inv = azure_inventory(
        virtual_networks=[_vnet("spoke"), _vnet("alone")],
        dns_security_policies=[],
        linked_dns_security_policies=[shared],
    )
    assert by_resource(CHECK, inv) == {f"{SUB}/vnets/spoke": Status.PASS, f"{SUB}/vnets/alone": Status.FAIL}
    [spoke, _] = run(CHECK, inv)
    assert "in subscription 33333333-3333-3333-3333-333333333333" in spoke.message


def test_an_unlinked_vnet_is_not_evaluated_when_another_subscriptions_policies_are_unknown():
    inv = azure_inventory(
        virtual_networks=[_vnet("local"), _vnet("alone")],
        dns_security_policies=[_policy("good", ["local"], [setting("DnsResponse")])],
        errors=[azure_error("linked_dns_security_policies", "dnsresolver")],
    )
    assert by_resource(CHECK, inv) == {f"{SUB}/vnets/local": Status.PASS, f"{SUB}/vnets/alone": Status.ERROR}


def test_no_vnets_is_not_applicable_and_unread_policies_are_error():
    assert (
        one_status(CHECK, azure_inventory(virtual_networks=[], dns_security_policies=[]))
        is Status.NOT_APPLICABLE
    )
    denied = azure_inventory(
        virtual_networks=[_vnet("a")], errors=[azure_error("dns_security_policies", "dnsresolver")]
    )
    assert one_status(CHECK, denied) is Status.ERROR


def test_the_remediation_says_dns_analytics_is_retired():
    from auditor.registry import load_checks

    assert "retired" in load_checks().get(CHECK).meta.remediation.text
