"""A scan of one subscription whose ARM answers are the spec's own examples: every subscription-level list
the collector reads answers empty, then the examples given replace the lists they are examples of."""

from __future__ import annotations

import re
from typing import Any

from auditor.emulators.arm_routes import ROUTES
from auditor.emulators.arm_server import ArmEmulator, EmulatorCredential
from auditor.inventory.azure import AzureInventory
from auditor.providers.azure import AzureScanOptions, collect_azure
from tests.contracts.azure.manifest import operations

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
_SUBSCRIPTION_LISTS = re.compile(r"^/(subscriptions/\{subscriptionId\}|\{scopeId\})/(providers/|resources$)")
UNPAGED = frozenset({"Pricings_List"})  # PricingList has no nextLink


def example(operation_id: str, name: str) -> tuple[dict[str, Any], Any]:
    """(parameters, 200 body) of one vendored example."""
    [found] = [(p, b) for path, p, b in operations()[operation_id].example_bodies() if path.name == name]
    return found


def concrete(operation_id: str, **parameters: str) -> str:
    """The operation's path with its parameters filled in."""
    path = next(route.path for route in ROUTES if route.operation_id == operation_id)
    return re.sub(r"\{([A-Za-z]+)\}", lambda m: parameters[m.group(1)], path)


class ExampleScan:
    """One subscription, every list it is read for empty until ``answer`` seeds an example."""

    def __init__(self, *subscriptions: str) -> None:
        self.subscriptions = subscriptions
        self.emulator = ArmEmulator(page_size=2)
        for subscription in subscriptions:
            self.emulator.add_item(
                f"/subscriptions/{subscription}",
                {
                    "id": f"/subscriptions/{subscription}",
                    "subscriptionId": subscription,
                    "tenantId": TENANT,
                    "displayName": f"example {subscription}",
                    "state": "Enabled",
                },
            )
            for route in ROUTES:
                if _SUBSCRIPTION_LISTS.match(route.path) and "{resourceGroupName}" not in route.path:
                    path = concrete(
                        route.operation_id,
                        subscriptionId=subscription,
                        scopeId=f"subscriptions/{subscription}",
                    )
                    self.emulator.add_collection(path, [], paged=route.operation_id not in UNPAGED)

    def answer(self, operation_id: str, body: Any, **parameters: str) -> None:
        """Serve ``body`` (an example's 200 answer) for the operation at ``parameters``."""
        path = concrete(operation_id, **parameters)
        if isinstance(body, dict) and isinstance(body.get("value"), list):
            self.emulator.add_collection(path, body["value"], paged=operation_id not in UNPAGED)
        else:
            self.emulator.add_item(path, body)

    def collect(self, **options: Any) -> dict[str, AzureInventory]:
        with self.emulator:
            settings: dict[str, Any] = {
                "base_url": self.emulator.url,
                "connection_verify": self.emulator.cert_path,
                "retry_total": 0,
                "subscriptions": self.subscriptions,
                **options,
            }
            found = collect_azure(AzureScanOptions(**settings), credential=EmulatorCredential())
        return {inventory.subscription_id: inventory for inventory in found}
