"""Hand-made Azure inventories for the check tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from auditor.inventory.azure import AzureInventory
from auditor.model import CollectionError, Finding, Status
from auditor.registry import load_checks

SUBSCRIPTION = "22222222-2222-2222-2222-222222222222"
SUB = f"/subscriptions/{SUBSCRIPTION}"


def azure_inventory(**datasets: Any) -> AzureInventory:
    """Datasets not given stay ``None`` (= not collected); pass ``[]`` for "collected, nothing there"."""
    return AzureInventory.model_validate(
        {"subscription_id": SUBSCRIPTION, "collected_at": datetime(2026, 11, 1, tzinfo=UTC), **datasets}
    )


def azure_error(dataset: str, service: str = "network", region: str = "global", **kw: Any) -> dict[str, Any]:
    return CollectionError(
        provider="azure",
        account=SUBSCRIPTION,
        region=region,
        service=service,
        dataset=dataset,
        operation=kw.pop("operation", "list"),
        kind=kw.pop("kind", "denied"),
        code=kw.pop("code", "AuthorizationFailed"),
        message=kw.pop("message", "does not have authorization"),
        **kw,
    ).model_dump()


def run(check_id: str, inventory: AzureInventory) -> list[Finding]:
    return list(load_checks().get(check_id).run(inventory, inventory.account))


def one_status(check_id: str, inventory: AzureInventory) -> Status:
    findings = run(check_id, inventory)
    assert len(findings) == 1, findings
    return findings[0].status


def by_resource(check_id: str, inventory: AzureInventory) -> dict[str, Status]:
    return {f.resource_id: f.status for f in run(check_id, inventory)}


def setting(*categories: str, group: str = "", destination: bool = True) -> dict[str, Any]:
    logs = [{"category": c, "enabled": True} for c in categories]
    if group:
        logs.append({"category_group": group, "enabled": True})
    return {"name": "s", "logs": logs, "workspace_id": "/ws/central" if destination else ""}
