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

CHECK = "azure.keyvault.logging_enabled"


def _vault(name, settings):
    return {
        "id": f"{SUB}/vaults/{name}",
        "name": name,
        "location": "westeurope",
        "diagnostic_settings": settings,
    }


def test_each_vault_is_judged_by_its_audit_logs():
    inv = azure_inventory(
        key_vaults=[
            _vault("audit", [setting("AuditEvent")]),
            _vault("group", [setting(group="audit")]),
            _vault("metrics-only", [setting("AzurePolicyEvaluationDetails")]),
            _vault("none", []),
            _vault("nowhere", [setting("AuditEvent", destination=False)]),
        ],
    )
    assert by_resource(CHECK, inv) == {
        f"{SUB}/vaults/audit": Status.PASS,
        f"{SUB}/vaults/group": Status.PASS,
        f"{SUB}/vaults/metrics-only": Status.FAIL,
        f"{SUB}/vaults/none": Status.FAIL,
        f"{SUB}/vaults/nowhere": Status.FAIL,
    }


def test_a_vault_whose_settings_could_not_be_read_is_error_naming_it():
    vault_id = f"{SUB}/vaults/locked"
    inv = azure_inventory(
        key_vaults=[_vault("locked", None), _vault("ok", [setting("AuditEvent")])],
        errors=[azure_error(RESOURCE_DIAGNOSTICS, "monitor", region="westeurope", resource=vault_id)],
    )
    statuses = {f.resource_id: f for f in run(CHECK, inv)}
    assert statuses[vault_id].status is Status.ERROR and vault_id in statuses[vault_id].message
    assert statuses[f"{SUB}/vaults/ok"].status is Status.PASS


def test_no_vaults_is_not_applicable_and_unlisted_vaults_are_error():
    assert one_status(CHECK, azure_inventory(key_vaults=[])) is Status.NOT_APPLICABLE
    assert one_status(CHECK, azure_inventory(errors=[azure_error("key_vaults", "resources")])) is Status.ERROR
