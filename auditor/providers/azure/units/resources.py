"""Key vaults, listed through the generic resource list (no Key Vault management client needed)."""

from __future__ import annotations

from auditor.inventory.azure import KeyVault, location_key
from auditor.providers.azure.unit import Unit, UnitContext

SERVICE = "resources"
KEY_VAULT_FILTER = "resourceType eq 'Microsoft.KeyVault/vaults'"


def collect(context: UnitContext) -> None:
    client = context.client(SERVICE)
    context.fill(
        "key_vaults",
        SERVICE,
        lambda: [
            KeyVault(id=r.id, name=r.name, location=location_key(r.location or ""))
            for r in context.call(
                SERVICE,
                "resources.list",
                lambda: list(client.resources.list(filter=KEY_VAULT_FILTER)),
            )
        ],
    )


UNIT = Unit(service="keyvault", datasets=("key_vaults",), collect=collect)
