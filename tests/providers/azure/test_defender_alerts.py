"""Defender for Cloud alerts through the real azure-mgmt-security client against the ARM emulator: every
page, only the unaddressed alerts, their threat category, and a denied read that touches nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from auditor.emulators.arm_server import ArmEmulator, Fault
from auditor.inventory.azure import AzureInventory
from auditor.model import Status
from auditor.registry import load_checks
from tests.providers.azure.conftest import collect
from tests.providers.azure.estate import DEV, PROD

ALERTS = f"/subscriptions/{PROD}/providers/Microsoft.Security/alerts"
CHECK = "azure.defender.no_unaddressed_high_alerts"


def _prod(arm: ArmEmulator) -> AzureInventory:
    [inventory] = collect(arm, subscriptions=(PROD,))
    return inventory


def _alert_requests(arm: ArmEmulator, path: str = ALERTS) -> list[Any]:
    return [r for r in arm.requests if r.path.lower() == path.lower()]


def _statuses(inventory: AzureInventory) -> dict[tuple[str, str], Status]:
    return {
        (f.check_id, f.resource_id): f.status
        for check in load_checks().all("azure")
        for f in check.run(inventory, inventory.account)
    }


@pytest.fixture(scope="module")
def prod(arm: ArmEmulator) -> AzureInventory:
    arm.clear_faults()
    return _prod(arm)


def test_every_page_is_read_with_the_sdk_api_version(arm):
    inventory = _prod(arm)
    pages = _alert_requests(arm)
    # five alerts, two per page: three GETs, the second and third following nextLink
    assert len(pages) == 3 and sum("skiptoken" in r.query for r in pages) == 2
    assert all("api-version=2022-01-01" in r.query for r in pages)
    assert inventory.api_calls["security:alerts.list"] == 3


def test_only_active_and_in_progress_alerts_are_kept(prod):
    alerts = prod.defender_alerts or []
    assert [(a.alert_type, a.severity, a.status) for a in alerts] == [
        ("VM_AmFileExclusionAndCodeExecution", "High", "InProgress"),
        ("VM_SshBruteForceSuccess", "High", "Active"),
        ("VM_LoginBruteForceValidUserFailed", "Medium", "Active"),
    ]  # the Resolved Key Vault alert and the Dismissed storage alert are gone


def test_each_alert_keeps_what_the_check_and_the_remediation_need(prod):
    alerts = {a.alert_type: a for a in prod.defender_alerts or []}
    brute = alerts["VM_SshBruteForceSuccess"]
    assert brute.display_name == "Successful SSH brute force attack"
    assert brute.compromised_entity == "vm-web" and brute.product_component == "Servers"
    assert brute.resource_ids == [
        f"/subscriptions/{PROD}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-web"
    ]
    assert brute.id.endswith(f"/locations/westeurope/alerts/{brute.name}")
    assert (brute.resource_group, brute.asc_location) == ("rg-app", "westeurope")
    assert brute.start_time is not None and brute.start_time.year == 2026 and not brute.sample
    assert alerts["VM_LoginBruteForceValidUserFailed"].asc_location == "northeurope"


def test_the_intent_gives_module_4s_threat_category(prod):
    categories = {a.alert_type: (a.intent, a.category) for a in prod.defender_alerts or []}
    assert categories == {
        "VM_SshBruteForceSuccess": ("Exploitation", "instance_compromise"),
        "VM_AmFileExclusionAndCodeExecution": ("DefenseEvasion", "instance_compromise"),
        "VM_LoginBruteForceValidUserFailed": ("Probing", "reconnaissance"),
    }


def test_the_demo_check_fails_once_per_open_high_alert(prod):
    findings = list(load_checks().get(CHECK).run(prod, PROD))
    assert sorted((f.status, f.evidence["alert_type"]) for f in findings) == [
        (Status.FAIL, "VM_AmFileExclusionAndCodeExecution"),
        (Status.FAIL, "VM_SshBruteForceSuccess"),
    ]


@pytest.fixture
def raw_dev_alerts(arm: ArmEmulator) -> Iterator[str]:
    """The dev subscription answering alerts the estate format cannot write: no status, an intent no
    category knows, a Log Analytics identifier, a sample alert."""
    path = f"/subscriptions/{DEV}/providers/Microsoft.Security/alerts"
    base = f"/subscriptions/{DEV}/providers/Microsoft.Security/locations/centralus/alerts"
    raw = [
        {
            "id": f"{base}/1",
            "name": "1",
            "type": "Microsoft.Security/Locations/alerts",
            "properties": {
                "alertType": "SIMULATED_VM_DigitalCurrencyMining",
                "alertDisplayName": "[SAMPLE ALERT] Digital currency mining related behavior detected",
                "severity": "High",
                "intent": "Unknown",
                "resourceIdentifiers": [
                    {"type": "LogAnalytics", "workspaceId": "w", "workspaceSubscriptionId": DEV}
                ],
            },
        },
        {
            "id": f"{base}/2",
            "name": "2",
            "type": "Microsoft.Security/Locations/alerts",
            "properties": {"alertType": "ARM_Dismissed", "severity": "High", "status": "Dismissed"},
        },
    ]
    arm.add_collection(path, raw)
    yield path
    arm.add_collection(path, [])


def test_an_alert_without_status_is_active_and_odd_fields_are_kept_empty(arm, raw_dev_alerts):
    [dev] = collect(arm, subscriptions=(DEV,))
    [alert] = dev.defender_alerts or []
    assert (alert.status, alert.category, alert.resource_ids) == ("Active", None, [])
    assert alert.resource_group == ""  # an alert at subscription scope
    assert alert.sample and alert.asc_location == "centralus"
    [finding] = load_checks().get(CHECK).run(dev, DEV)
    assert finding.status is Status.FAIL and finding.evidence["category"] == "uncategorised"
    assert finding.evidence["sample"] is True


def test_a_403_on_the_alerts_is_an_error_for_the_alert_check_only(arm, prod):
    healthy = _statuses(prod)
    arm.add_fault(Fault("providers/Microsoft.Security/alerts", 403))
    denied = _prod(arm)
    assert denied.defender_alerts is None and denied.defender_plans
    [error] = denied.errors
    assert (error.dataset, error.kind, error.code, error.service, error.operation, error.region) == (
        "defender_alerts",
        "denied",
        "AuthorizationFailed",
        "security",
        "alerts.list",
        "global",
    )
    after = _statuses(denied)
    changed = {key: status for key, status in after.items() if healthy.get(key) is not status}
    subscription_alerts = (CHECK, ALERTS)
    assert changed == {subscription_alerts: Status.ERROR}
    gone = {key for key in healthy if key not in after}  # the per-alert FAILs, now unknown
    assert gone and {check for check, _ in gone} == {CHECK}
    [finding] = load_checks().get(CHECK).run(denied, PROD)
    assert "security:alerts.list" in finding.message


def test_a_throttled_second_page_loses_the_whole_list_not_half_of_it(arm):
    class SecondPageOn(Fault):
        """Throttles every request for the alerts after the first (the first page is served)."""

        seen = 0

        def matches(self, path: str) -> bool:  # called under the emulator's lock, once per request
            if path != ALERTS.lower():
                return False
            self.seen += 1
            return self.seen > 1

    fault = arm.add_fault(SecondPageOn(ALERTS, 429, retry_after=0))
    inventory = _prod(arm)
    assert fault.served == 3  # the second page and its two retries
    assert inventory.defender_alerts is None  # never the first page alone
    [error] = inventory.errors
    assert (error.dataset, error.kind, error.operation) == ("defender_alerts", "throttled", "alerts.list")
