"""The credential for a live scan: azure-identity's chain (service principal from the environment,
workload or managed identity, the Azure CLI, Azure PowerShell), optionally pinned to a tenant."""

from __future__ import annotations

from azure.core.credentials import TokenCredential


def live_credential(tenant: str | None = None) -> TokenCredential:
    """``DefaultAzureCredential`` without interactive prompts; with ``tenant``, the chain whose members
    take a tenant (environment service principal, Azure CLI, Azure PowerShell) asks that tenant."""
    from azure.identity import (
        AzureCliCredential,
        AzurePowerShellCredential,
        ChainedTokenCredential,
        DefaultAzureCredential,
        EnvironmentCredential,
        ManagedIdentityCredential,
    )

    if tenant is None:
        return DefaultAzureCredential(exclude_interactive_browser_credential=True)
    return ChainedTokenCredential(
        EnvironmentCredential(),
        ManagedIdentityCredential(),
        AzureCliCredential(tenant_id=tenant),
        AzurePowerShellCredential(tenant_id=tenant),
    )
