"""azure.defender.no_unaddressed_high_alerts over hand-made inventories: one verdict of each kind."""

from __future__ import annotations

from typing import Any

from auditor.model import Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command
from tests.checks.azure.inventories import SUB, azure_error, azure_inventory, run

CHECK = "azure.defender.no_unaddressed_high_alerts"
ALERTS = f"{SUB}/providers/Microsoft.Security/alerts"
SERVERS_ON = [{"name": "CloudPosture", "tier": "Standard"}, {"name": "VirtualMachines", "tier": "Standard"}]
ALL_OFF = [{"name": "CloudPosture", "tier": "Standard"}, {"name": "VirtualMachines", "tier": "Free"}]


def _alert(name: str, severity: str, category: str | None, **kw: Any) -> dict[str, Any]:
    group = kw.pop("group", "rg-app")
    scope = f"{SUB}/resourceGroups/{group}" if group else SUB
    return {
        "id": f"{scope}/providers/Microsoft.Security/locations/westeurope/alerts/{name}",
        "name": name,
        "alert_type": kw.pop("alert_type", f"VM_{name}"),
        "display_name": kw.pop("display_name", f"Alert {name}"),
        "severity": severity,
        "status": kw.pop("status", "Active"),
        "intent": kw.pop("intent", ""),
        "category": category,
        "compromised_entity": kw.pop("entity", "vm-web"),
        **kw,
    }


def test_every_open_high_alert_fails_with_its_category_and_runbook_response():
    inventory = azure_inventory(
        defender_plans=SERVERS_ON,
        defender_alerts=[
            _alert("brute", "High", "instance_compromise", display_name="Successful SSH brute force attack"),
            _alert("exfil", "High", "data_exfiltration", status="InProgress", group="rg-data"),
            _alert("probe", "Medium", "reconnaissance"),
        ],
    )
    findings = {f.evidence["alert_name"]: f for f in run(CHECK, inventory)}
    assert {name: f.status for name, f in findings.items()} == {"brute": Status.FAIL, "exfil": Status.FAIL}
    brute = findings["brute"]
    assert (
        brute.resource_id
        == f"{SUB}/resourceGroups/rg-app/providers/Microsoft.Security/locations/westeurope/alerts/brute"
    )
    assert brute.message == (
        "High Instance compromise alert 'Successful SSH brute force attack' (VM_brute) on vm-web is still "
        "Active; runbook: Isolate instance, investigate"
    )
    assert [r["response"] for r in brute.evidence["runbook"]] == ["Isolate instance, investigate"]
    exfil = findings["exfil"]
    assert exfil.evidence["category"] == "data_exfiltration" and "still InProgress" in exfil.message
    assert [r["response"] for r in exfil.evidence["runbook"]] == ["Revoke access, forensics"]
    meta = load_checks().get(CHECK).meta
    assert remediation_command(meta, exfil) == (
        "az security alert update --subscription 22222222-2222-2222-2222-222222222222 "
        "--resource-group rg-data --location westeurope --name exfil --status Resolve"
    )


def test_an_open_high_alert_fails_even_when_no_plan_is_on_now_or_the_plans_are_unreadable():
    high = [_alert("old", "High", "account_compromise", intent="CredentialAccess")]
    for plans in ({"defender_plans": ALL_OFF}, {"errors": [azure_error("defender_plans", "security")]}):
        [finding] = run(CHECK, azure_inventory(defender_alerts=high, **plans))
        assert finding.status is Status.FAIL, plans
        assert finding.message.endswith("runbook: Revoke credentials, audit")


def test_an_uncategorised_high_alert_fails_without_a_runbook_row():
    inventory = azure_inventory(defender_plans=SERVERS_ON, defender_alerts=[_alert("odd", "High", None)])
    [finding] = run(CHECK, inventory)
    assert finding.status is Status.FAIL and finding.evidence["category"] == "uncategorised"
    assert finding.evidence["runbook"] == [] and "runbook" not in finding.message
    assert "High uncategorised alert" in finding.message


def test_only_lower_severity_alerts_pass_with_counts_by_category():
    inventory = azure_inventory(
        defender_plans=SERVERS_ON,
        defender_alerts=[
            _alert("probe", "Medium", "reconnaissance"),
            _alert("gpu", "Low", "instance_compromise"),
            _alert("reset", "Medium", "account_compromise", status="InProgress"),
            _alert("info", "Informational", None),
        ],
    )
    [finding] = run(CHECK, inventory)
    assert (finding.status, finding.resource_id) == (Status.PASS, ALERTS)
    assert finding.evidence["by_category"] == {
        "reconnaissance": 1, "instance_compromise": 1, "account_compromise": 1, "data_exfiltration": 0,
        "uncategorised": 1,
    }  # fmt: skip
    assert finding.evidence["by_severity"] == {"Informational": 1, "Low": 1, "Medium": 2}
    assert finding.evidence["alerting_plans"] == ["VirtualMachines"]
    assert "4 Active or InProgress alert(s) of lower severity" in finding.message


def test_no_alert_at_all_passes_when_a_plan_watches():
    [finding] = run(CHECK, azure_inventory(defender_plans=SERVERS_ON, defender_alerts=[]))
    assert finding.status is Status.PASS and finding.message.startswith("No unaddressed High alert (0 ")


def test_no_alerting_plan_on_is_not_applicable_like_guardduty_without_a_detector():
    # Defender CSPM (CloudPosture) alone assesses posture and raises no alert: nothing could raise one
    for alerts in ([], [_alert("left", "Low", "reconnaissance")]):
        [finding] = run(CHECK, azure_inventory(defender_plans=ALL_OFF, defender_alerts=alerts))
        assert (finding.status, finding.resource_id) == (Status.NOT_APPLICABLE, ALERTS), alerts
        assert "No Defender for Cloud plan that raises security alerts is on" in finding.message
    [none] = run(CHECK, azure_inventory(defender_plans=[], defender_alerts=[]))
    assert none.status is Status.NOT_APPLICABLE


def test_unreadable_alerts_are_error():
    inventory = azure_inventory(
        defender_plans=SERVERS_ON,
        errors=[azure_error("defender_alerts", "security", operation="alerts.list")],
    )
    [finding] = run(CHECK, inventory)
    assert (finding.status, finding.resource_id) == (Status.ERROR, ALERTS)
    assert "security:alerts.list in global" in finding.message


def test_without_a_high_alert_unreadable_plans_are_error_not_pass():
    inventory = azure_inventory(
        defender_alerts=[_alert("probe", "Medium", "reconnaissance")],
        errors=[azure_error("defender_plans", "security", operation="pricings.list")],
    )
    [finding] = run(CHECK, inventory)
    assert finding.status is Status.ERROR and "security:pricings.list" in finding.message


def test_the_metadata_says_there_is_no_critical_band_and_quotes_the_module():
    meta = load_checks().get(CHECK).meta
    assert "no Critical band" in meta.rationale
    assert "Instance compromise: Cryptocurrency mining" in meta.rationale
    assert meta.remediation.cli.startswith("az security alert update ") and "--status Resolve" in (
        meta.remediation.cli
    )
    assert any("az security alert list" in step for step in meta.remediation.console)
    assert meta.datasets == ["defender_alerts", "defender_plans"]
