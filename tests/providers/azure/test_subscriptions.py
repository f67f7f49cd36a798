"""Which subscriptions a scan covers: a management group's whole subtree (paged descendants), named and
excluded subscriptions, and those that cannot be entered; against the ARM emulator, real clients."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from auditor.benchmarks import load_benchmark
from auditor.emulators.arm_server import ArmEmulator, Fault
from auditor.emulators.azure_seed import seed_azure
from auditor.emulators.estate import EstateError, parse_estate
from auditor.engine import build_scan_result
from auditor.model import Status
from auditor.providers.azure import AzureCollectionFailed, AzureScanOptions
from auditor.providers.azure.readonly import ReadOnlyViolation
from tests.providers.azure.conftest import collect, options_for

TENANT = "11111111-1111-1111-1111-111111111111"
PROD = "a0000000-0000-4000-8000-000000000001"  # in mg-prod
EU = "a0000000-0000-4000-8000-000000000002"  # in mg-prod-eu, under mg-prod
OLD = "a0000000-0000-4000-8000-000000000003"  # in mg-acme, Disabled
LOCKED = "a0000000-0000-4000-8000-000000000004"  # in mg-acme, its GET denied (403)
LOOSE = "a0000000-0000-4000-8000-000000000005"  # in no group: under the tenant root group

ESTATE_YAML = f"""
azure:
  tenant_id: {TENANT}
  management_groups:
    - {{id: mg-acme, name: Acme, subscriptions: [{OLD}, {LOCKED}]}}
    - {{id: mg-prod, parent: mg-acme, subscriptions: [{PROD}]}}
    - {{id: mg-prod-eu, parent: mg-prod, subscriptions: [{EU}]}}
  subscriptions:
    - id: {PROD}
      name: acme-prod
      network_security_groups:
        - {{name: web, location: westeurope, rules: [{{name: ssh, ports: "22"}}]}}
    - {{id: {EU}, name: acme-prod-eu}}
    - {{id: {OLD}, name: acme-old, state: Disabled}}
    - {{id: {LOCKED}, name: acme-locked}}
    - {{id: {LOOSE}, name: loose}}
"""
DESCENDANTS = "/providers/Microsoft.Management/managementGroups/mg-acme/descendants"


@pytest.fixture(scope="module")
def arm() -> Iterator[ArmEmulator]:
    spec = parse_estate(ESTATE_YAML, "groups.yaml").azure
    assert spec is not None
    emulator = ArmEmulator(page_size=2)  # mg-acme has 6 descendants: 3 pages
    seed_azure(spec, emulator)
    with emulator:
        yield emulator


def _deny_locked(arm: ArmEmulator) -> None:
    arm.add_fault(Fault(f"/subscriptions/{LOCKED}", 403))


def test_a_management_group_covers_its_nested_groups_across_pages(arm):
    _deny_locked(arm)
    inventories = {i.subscription_id: i for i in collect(arm, management_group="mg-acme")}
    assert sorted(inventories) == sorted([PROD, EU, OLD, LOCKED])  # LOOSE is not under mg-acme
    assert inventories[PROD].entry_error is None and inventories[EU].entry_error is None
    assert [n.name for n in inventories[PROD].network_security_groups] == ["web"]
    assert inventories[EU].display_name == "acme-prod-eu"
    pages = [r for r in arm.requests if r.path.lower() == DESCENDANTS.lower()]
    assert len(pages) == 3 and "skiptoken" in pages[-1].query
    assert inventories[PROD].api_calls["managementgroups:management_groups.get_descendants"] == 3


def test_a_disabled_or_unreadable_subscription_is_not_entered_with_the_reason(arm):
    _deny_locked(arm)
    inventories = {i.subscription_id: i for i in collect(arm, management_group="mg-acme")}
    old, locked = inventories[OLD], inventories[LOCKED]
    assert old.entry_error is not None and locked.entry_error is not None
    assert "Disabled, not Enabled" in old.entry_error.describe() and old.display_name == "acme-old"
    assert locked.entry_error.kind == "denied" and locked.entry_error.code == "AuthorizationFailed"
    assert locked.display_name == "acme-locked"  # from the management group listing
    # nothing was read inside them
    assert not [r for r in arm.requests if f"/subscriptions/{OLD}/" in r.path.lower()]
    assert not [r for r in arm.requests if f"/subscriptions/{LOCKED}/" in r.path.lower()]


def test_the_merged_result_scores_each_subscription_and_shows_the_not_entered(arm):
    _deny_locked(arm)
    inventories = collect(arm, management_group="mg-acme")
    now = datetime.now(UTC)
    result = build_scan_result(
        inventories,
        started_at=now,
        finished_at=now,
        source="live",
        benchmarks=[load_benchmark("cis-azure-6.0")],
    )
    scores = {s.account: s for s in result.account_scores}
    assert sorted(scores) == sorted([PROD, EU, OLD, LOCKED])
    assert "Disabled" in scores[OLD].not_entered and "denied" in scores[LOCKED].not_entered
    assert scores[PROD].not_entered == "" and scores[PROD].figures.failed > 0
    for account in (OLD, LOCKED):
        mine = [f for f in result.findings if f.account == account]
        assert mine and {f.status for f in mine} == {Status.ERROR}
        assert scores[account].figures.passed == 0 and scores[account].figures.evaluated == 0
    ssh = [f for f in result.findings if f.check_id == "azure.network.ssh_restricted" and f.account == PROD]
    assert ssh and ssh[0].status is Status.FAIL
    assert {s.account: s.not_entered != "" for s in result.scopes} == {
        PROD: False,
        EU: False,
        OLD: True,
        LOCKED: True,
    }


def test_a_child_group_selects_only_its_subtree(arm):
    assert [i.subscription_id for i in collect(arm, management_group="mg-prod")] == sorted([PROD, EU])
    assert [i.subscription_id for i in collect(arm, management_group="mg-prod-eu")] == [EU]


def test_the_tenant_root_group_holds_every_subscription(arm):
    _deny_locked(arm)
    found = [i.subscription_id for i in collect(arm, management_group=TENANT)]
    assert found == sorted([PROD, EU, OLD, LOCKED, LOOSE])


def test_subscriptions_are_chosen_and_excluded_within_the_group(arm):
    chosen = collect(arm, management_group="mg-prod", subscriptions=(EU.upper(),))
    assert [i.subscription_id for i in chosen] == [EU]
    rest = collect(arm, management_group="mg-prod", exclude_subscriptions=(EU,))
    assert [i.subscription_id for i in rest] == [PROD]


def test_a_subscription_outside_the_group_is_a_clear_start_error(arm):
    with pytest.raises(AzureCollectionFailed, match=f"not under management group mg-prod: {LOOSE}"):
        collect(arm, management_group="mg-prod", subscriptions=(LOOSE,))


def test_excluding_everything_is_a_clear_start_error(arm):
    with pytest.raises(AzureCollectionFailed, match="no subscription is left"):
        collect(arm, management_group="mg-prod-eu", exclude_subscriptions=(EU,))


def test_an_unknown_or_denied_management_group_is_a_clear_start_error(arm):
    with pytest.raises(AzureCollectionFailed, match=r"management group mg-nowhere .* could not be read"):
        collect(arm, management_group="mg-nowhere")
    arm.add_fault(Fault(DESCENDANTS, 403))
    with pytest.raises(AzureCollectionFailed, match=r"Management Group Reader.*denied: AuthorizationFailed"):
        collect(arm, management_group="mg-acme")


def test_a_malformed_management_group_id_is_refused():
    with pytest.raises(ValueError, match="management group id"):
        AzureScanOptions(management_group="mg/../x")


def test_the_visible_subscriptions_minus_the_excluded_ones(arm):
    found = [i.subscription_id for i in collect(arm, exclude_subscriptions=(LOCKED, LOOSE, EU))]
    assert found == [PROD]  # OLD is Disabled: not listed as before


def test_a_named_disabled_subscription_is_not_entered(arm):
    [old] = collect(arm, subscriptions=(OLD,))
    assert old.entry_error is not None and "Disabled" in old.entry_error.message


def test_only_get_requests_reach_the_emulator(arm):
    _deny_locked(arm)
    collect(arm, management_group="mg-acme")
    assert arm.requests and {r.method for r in arm.requests} == {"GET"}


def test_the_management_groups_client_carries_the_read_only_guard(arm):
    from auditor.emulators.arm_server import EmulatorCredential
    from auditor.providers.azure.clients import ClientPool
    from auditor.providers.azure.readonly import ApiCallCounter

    pool = ClientPool(EmulatorCredential(), options_for(arm), ApiCallCounter())
    client = pool.management_groups_client()
    with pytest.raises(ReadOnlyViolation):
        client.management_groups.begin_delete("mg-prod")
    client.close()
    assert arm.requests == []  # refused before it was sent


@pytest.mark.parametrize(
    ("groups", "problem"),
    [
        (f"[{{id: a, subscriptions: [{EU}]}}]", "management_groups[0].subscriptions[0]: no subscription"),
        ("[{id: a, parent: b}, {id: b, parent: a}]", "management_groups[0].parent: a is its own ancestor"),
        ("[{id: a, parent: nowhere}]", "management_groups[0].parent: no management group 'nowhere'"),
    ],
)
def test_a_malformed_management_group_tree_names_the_place(groups, problem):
    text = (
        f"azure:\n  tenant_id: {TENANT}\n  management_groups: {groups}\n  subscriptions: [{{id: {PROD}}}]\n"
    )
    with pytest.raises(EstateError) as caught:
        parse_estate(text, "bad.yaml")
    assert f"bad.yaml: azure.{problem}" in str(caught.value)


def test_a_group_whose_chosen_subscriptions_are_all_not_entered_still_completes(arm):
    _deny_locked(arm)
    inventories = collect(arm, management_group="mg-acme", exclude_subscriptions=(PROD, EU))
    assert [i.subscription_id for i in inventories] == sorted([OLD, LOCKED])
    assert all(i.entry_error is not None for i in inventories)
