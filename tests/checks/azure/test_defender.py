import pytest

from auditor.model import Status
from checks.azure.defender import PLANS
from tests.checks.azure.inventories import azure_error, azure_inventory, one_status, run

PLAN_CHECKS = [(f"azure.defender.{slug}_plan_enabled", plan) for plan, _, slug, _, _ in PLANS]


@pytest.mark.parametrize(("check", "plan"), PLAN_CHECKS)
def test_a_plan_passes_at_standard_and_fails_at_free(check, plan):
    standard = azure_inventory(defender_plans=[{"name": plan, "tier": "Standard"}])
    free = azure_inventory(
        defender_plans=[{"name": plan, "tier": "Free"}, {"name": "Other", "tier": "Standard"}]
    )
    assert one_status(check, standard) is Status.PASS
    assert one_status(check, free) is Status.FAIL


@pytest.mark.parametrize(("check", "plan"), PLAN_CHECKS)
def test_a_plan_unread_is_error_and_unoffered_is_not_applicable(check, plan):
    denied = azure_inventory(errors=[azure_error("defender_plans", "security", operation="pricings.list")])
    [finding] = run(check, denied)
    assert finding.status is Status.ERROR
    assert "security:pricings.list in global" in finding.message
    assert one_status(check, azure_inventory(defender_plans=[])) is Status.NOT_APPLICABLE


def test_the_module_plans_have_the_module_commands_as_remediation():
    from auditor.registry import load_checks

    for slug, plan in (
        ("virtual_machines", "VirtualMachines"),
        ("storage_accounts", "StorageAccounts"),
        ("key_vaults", "KeyVaults"),
    ):
        meta = load_checks().get(f"azure.defender.{slug}_plan_enabled").meta
        assert meta.remediation.cli == f"az security pricing create --name {plan} --tier Standard"
        assert meta.module_section.endswith(f"Azure Defender for Cloud: {plan}")


def test_endpoint_protection_reads_the_wdatp_setting():
    check = "azure.defender.endpoint_protection_enabled"
    assert (
        one_status(check, azure_inventory(security_settings=[{"name": "WDATP", "enabled": True}]))
        is Status.PASS
    )
    assert (
        one_status(check, azure_inventory(security_settings=[{"name": "WDATP", "enabled": False}]))
        is Status.FAIL
    )
    assert one_status(check, azure_inventory(security_settings=[])) is Status.FAIL
    assert (
        one_status(check, azure_inventory(errors=[azure_error("security_settings", "security")]))
        is Status.ERROR
    )


GOOD_CONTACT = {
    "name": "default",
    "email_count": 1,
    "alert_notifications": "On",
    "alert_minimal_severity": "High",
    "notify_roles_state": "On",
    "notify_roles": ["Owner"],
}


@pytest.mark.parametrize(
    ("check", "broken"),
    [
        ("azure.defender.security_contact_owner_notified", {"notify_roles": ["Contributor"]}),
        ("azure.defender.security_contact_owner_notified", {"notify_roles_state": "Off"}),
        ("azure.defender.security_contact_email", {"email_count": 0}),
        ("azure.defender.alert_notifications_enabled", {"alert_notifications": "Off"}),
    ],
)
def test_security_contact_checks(check, broken):
    assert one_status(check, azure_inventory(security_contacts=[GOOD_CONTACT])) is Status.PASS
    assert one_status(check, azure_inventory(security_contacts=[{**GOOD_CONTACT, **broken}])) is Status.FAIL
    [none] = run(check, azure_inventory(security_contacts=[]))
    assert none.status is Status.FAIL and "No security contact" in none.message
    errors = [azure_error("security_contacts", "security")]
    assert one_status(check, azure_inventory(errors=errors)) is Status.ERROR
