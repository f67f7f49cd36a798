from auditor.inventory.azure import RESOURCE_DIAGNOSTICS
from auditor.model import Status
from tests.checks.azure.inventories import SUB, azure_error, azure_inventory, by_resource, one_status, setting

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
