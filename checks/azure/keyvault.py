"""Key Vault: every vault's AuditEvent logs go to a destination (CIS Azure 6.0 6.1.1.4)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.azure import GLOBAL, RESOURCE_DIAGNOSTICS, AzureInventory
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, azure_check, failed, not_evaluated, passed


@azure_check(
    id="azure.keyvault.logging_enabled",
    title="Key Vault audit logging (AuditEvent) is sent to a destination",
    severity=Severity.MEDIUM,
    rationale="AuditEvent logs record who read or changed which secret, key or certificate, and when.",
    risk="Secret theft from a vault leaves no trace to investigate.",
    remediation=Remediation(
        cli=(
            "az monitor diagnostic-settings create --name key-vault-audit --resource {resource_id} "
            '--workspace {workspace_id} --logs \'[{"categoryGroup":"audit","enabled":true}]\''
        ),
        console=[
            "Key vault > Monitoring > Diagnostic settings > Add diagnostic setting.",
            "Tick the audit category group (AuditEvent) and a Log Analytics workspace.",
        ],
        text="Add a diagnostic setting that sends AuditEvent (or the audit / allLogs group) to a workspace.",
    ),
    references=("https://learn.microsoft.com/en-us/azure/key-vault/general/logging",),
    module_section="CIS Azure 6.0 §6.1.1 Configuring Diagnostic Settings",
    datasets=("key_vaults", RESOURCE_DIAGNOSTICS),
)
def logging_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    if inv.key_vaults is None:
        yield not_evaluated(
            f"/subscriptions/{inv.subscription_id}", GLOBAL, inv.errors_for(GLOBAL, "key_vaults")
        )
        return
    for vault in inv.key_vaults:
        if vault.diagnostic_settings is None:
            yield not_evaluated(
                vault.id,
                vault.location,
                inv.errors_for(vault.location, RESOURCE_DIAGNOSTICS, resource=vault.id),
            )
            continue
        logging = [
            s.name
            for s in vault.diagnostic_settings
            if s.logs_enabled("AuditEvent", groups=("allLogs", "audit"))
        ]
        if logging:
            yield passed(
                vault.id, vault.location, f"Key vault {vault.name} sends AuditEvent logs ({logging[0]})"
            )
        else:
            yield failed(
                vault.id, vault.location, f"Key vault {vault.name} sends no AuditEvent logs anywhere"
            )
