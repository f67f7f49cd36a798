"""The estate's azure: part: a malformed one is refused with the file, the place and the line."""

from __future__ import annotations

import pytest

from auditor.emulators.estate import EstateError, parse_estate

HEAD = """azure:
  tenant_id: 11111111-1111-1111-1111-111111111111
  subscriptions:
    - id: 22222222-2222-2222-2222-222222222222
"""


ALERT = (
    "      defender_alerts:\n"
    "        - {{alert_type: VM_SshBruteForceSuccess, title: Brute force, {extra},\n"
    "           resource: Microsoft.Compute/virtualMachines/vm-web}}\n"
)


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
        (
            ALERT.format(extra="severity: Critical"),
            "azure.subscriptions[0].defender_alerts[0].severity: Input should be 'Informational', 'Low', "
            "'Medium' or 'High'",
        ),
        (
            ALERT.format(extra="severity: High, tactics: [Recon]"),
            "azure.subscriptions[0].defender_alerts[0].tactics[0]",
        ),
        (
            ALERT.format(extra="severity: High, status: Closed"),
            "azure.subscriptions[0].defender_alerts[0].status",
        ),
        (
            "      defender_alerts:\n        - {alert_type: A, title: T, severity: High, resource: vm-web}\n",
            "azure.subscriptions[0].defender_alerts[0].resource: String should match pattern",
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


def test_defender_alerts_default_to_active_in_westeurope_and_seed_as_arm_lists_them():
    from auditor.emulators.azure_seed_alerts import defender_alert_documents

    body = ALERT.format(extra="severity: High, tactics: [DefenseEvasion, Execution]")
    estate = parse_estate(HEAD + body, "estate.yaml")
    assert estate.azure is not None
    subscription = estate.azure.subscriptions[0]
    [alert] = subscription.defender_alerts
    assert (alert.status, alert.location, alert.resource_group) == ("Active", "westeurope", "rg-app")
    [document] = defender_alert_documents(subscription)
    properties = document["properties"]
    assert document["id"] == (
        "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-app/providers/"
        f"Microsoft.Security/locations/westeurope/alerts/{document['name']}"
    )
    assert (properties["intent"], properties["status"], properties["compromisedEntity"]) == (
        "DefenseEvasion",  # the spec's Intent enum holds single values: the first tactic
        "Active",
        "vm-web",
    )
    # Defender's name shape: DateTime.MaxValue ticks minus the start's ticks, then a stable uuid
    ticks, _ = document["name"].split("_")
    assert int(ticks) == 3_155_378_975_999_999_999 - (
        int(alert.started.timestamp()) * 10**7 + 621_355_968 * 10**9
    )
    assert defender_alert_documents(subscription) == [document]
