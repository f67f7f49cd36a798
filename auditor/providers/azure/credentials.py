"""The credential for a live scan: azure-identity's chain (service principal from the environment,
workload or managed identity, the Azure CLI, Azure PowerShell), optionally pinned to a tenant."""

from __future__ import annotations

from typing import Any

from azure.core.credentials import AccessToken, TokenCredential


class PlaceholderCredential:
    """``--anonymous``: a fixed placeholder token, no secret and no network, for an emulator on a loopback
    endpoint (the CLI refuses it for any other endpoint)."""

    TOKEN = "posture-auditor-anonymous-placeholder"

    def get_token(self, *scopes: str, **_: Any) -> AccessToken:
        return AccessToken(self.TOKEN, 4_102_444_800)  # 2100-01-01

    def close(self) -> None:
        return None


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
