"""The estate's azure: part: a malformed one is refused with the file, the place and the line."""

from __future__ import annotations

import pytest

from auditor.emulators.estate import EstateError, parse_estate

HEAD = """azure:
  tenant_id: 11111111-1111-1111-1111-111111111111
  subscriptions:
    - id: 22222222-2222-2222-2222-222222222222
"""


def _problem(body: str) -> str:
    with pytest.raises(EstateError) as caught:
        parse_estate(HEAD + body, "estate.yaml")
    return str(caught.value)


def test_a_valid_azure_part_loads():
    estate = parse_estate(HEAD + "      defender: {VirtualMachines: Standard}\n", "estate.yaml")
    assert estate.azure is not None and estate.azure.subscriptions[0].defender == {
        "VirtualMachines": "Standard"
    }


@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("      defender: {Servers: Standard}\n", "azure.subscriptions[0].defender.Servers"),
        ("      network_watchers: [West Europe]\n", "azure.subscriptions[0].network_watchers[0]"),
        (
            "      network_security_groups:\n"
            "        - {name: a, location: westeurope, rules: [{name: r, priority: 5}]}\n",
            "azure.subscriptions[0].network_security_groups[0].rules[0].priority",
        ),
        (
            "      virtual_networks:\n        - name: v\n          location: westeurope\n"
            "          subnets: [{name: s, nsg: missing}]\n",
            "azure.subscriptions[0].virtual_networks[0].subnets[0].nsg: no network security group 'missing'",
        ),
        (
            "      virtual_networks:\n"
            "        - {name: v, location: westeurope, flow_log: {retention_days: 90}}\n",
            "azure.subscriptions[0].virtual_networks[0].flow_log: no network watcher in westeurope",
        ),
        (
            "      application_gateways:\n        - {name: g, location: westeurope, waf_policy: nope}\n",
            "azure.subscriptions[0].application_gateways[0].waf_policy: no WAF policy named 'nope'",
        ),
        (
            "      key_vaults:\n        - {name: k, location: westeurope, logs: on}\n",
            "azure.subscriptions[0].key_vaults[0].logs",
        ),
    ],
)
def test_errors_name_the_place_and_the_line(body, place):
    message = _problem(body)
    assert message.startswith("estate.yaml: ") and place in message and "(line " in message


def test_a_bad_tenant_id_and_a_duplicate_subscription_are_named():
    with pytest.raises(EstateError, match=r"azure.tenant_id: String should match pattern"):
        parse_estate("azure:\n  tenant_id: x\n  subscriptions: []\n", "estate.yaml")
    twice = HEAD + "    - id: 22222222-2222-2222-2222-222222222222\n"
    with pytest.raises(EstateError, match=r"azure.subscriptions\[1\].id: duplicate subscription"):
        parse_estate(twice, "estate.yaml")
