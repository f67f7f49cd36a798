"""A DNS security policy in one subscription linked to a VNet of another: the link counts for the VNet it
links, in the VNet's own subscription (collected through the real clients against the ARM emulator)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from auditor.emulators.arm_server import ArmEmulator, EmulatorCredential, Fault
from auditor.emulators.azure_seed import seed_azure
from auditor.emulators.estate import parse_estate
from auditor.inventory.azure import AzureInventory
from auditor.model import Status
from auditor.providers.azure import AzureScanOptions, collect_azure
from auditor.registry import load_checks

HUB = "44444444-4444-4444-4444-444444444444"
SPOKE = "55555555-5555-5555-5555-555555555555"
ESTATE = parse_estate(
    f"""
azure:
  tenant_id: 11111111-1111-1111-1111-111111111111
  subscriptions:
    - id: {HUB}
      virtual_networks: [{{name: hub-vnet, location: westeurope}}]
      dns_security_policies:
        - name: central-dns
          location: westeurope
          virtual_networks: [hub-vnet, {SPOKE}/spoke-vnet]
          diagnostics: {{workspace: central, categories: [DnsResponse]}}
    - id: {SPOKE}
      virtual_networks: [{{name: spoke-vnet, location: westeurope}}, {{name: lonely, location: westeurope}}]
""",
    "dns-links.yaml",
)
CHECK = "azure.dns.query_logging_enabled"


@pytest.fixture(scope="module")
def arm() -> Iterator[ArmEmulator]:
    emulator = ArmEmulator()
    assert ESTATE.azure is not None
    seed_azure(ESTATE.azure, emulator)
    with emulator:
        yield emulator


def _collect(arm: ArmEmulator, *subscriptions: str) -> dict[str, AzureInventory]:
    options = AzureScanOptions(
        base_url=arm.url, connection_verify=arm.cert_path, retry_total=0, subscriptions=subscriptions
    )
    return {i.subscription_id: i for i in collect_azure(options, credential=EmulatorCredential())}


def _verdicts(inventory: AzureInventory) -> dict[str, Status]:
    check = load_checks().get(CHECK)
    return {f.resource_id.rsplit("/", 1)[-1]: f.status for f in check.run(inventory, inventory.account)}


def test_a_link_from_another_subscription_logs_the_vnet_it_links(arm):
    arm.clear_faults()
    inventories = _collect(arm, HUB, SPOKE)
    spoke = inventories[SPOKE]
    assert spoke.dns_security_policies == []
    [linked] = spoke.linked_dns_security_policies or []
    assert linked.name == "central-dns" and linked.diagnostic_settings
    assert _verdicts(spoke) == {"spoke-vnet": Status.PASS, "lonely": Status.FAIL}
    assert inventories[HUB].linked_dns_security_policies == []  # the spoke has no policy of its own
    assert _verdicts(inventories[HUB]) == {"hub-vnet": Status.PASS}


def test_when_the_other_subscriptions_policies_are_denied_an_unlinked_vnet_is_not_evaluated(arm):
    arm.add_fault(Fault(f"/subscriptions/{HUB}/providers/Microsoft.Network/dnsResolverPolicies", 403))
    try:
        spoke = _collect(arm, HUB, SPOKE)[SPOKE]
    finally:
        arm.clear_faults()
    assert spoke.linked_dns_security_policies is None
    [error] = [e for e in spoke.errors if e.dataset == "linked_dns_security_policies"]
    assert error.kind == "denied" and HUB in error.message
    assert _verdicts(spoke) == {
        "spoke-vnet": Status.ERROR,
        "lonely": Status.ERROR,
    }  # never FAIL or PASS unseen


def test_a_scan_of_one_subscription_does_not_see_links_from_outside_it(arm):
    spoke = _collect(arm, SPOKE)[SPOKE]
    assert spoke.linked_dns_security_policies == []
    [finding, _] = load_checks().get(CHECK).run(spoke, spoke.account)
    assert finding.status is Status.FAIL and "of the scanned subscriptions" in finding.message
