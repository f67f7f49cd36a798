"""Typed inventories, one model per provider. A snapshot holds a list of them.

``Inventory`` is the union the spine reads, told apart by ``provider``. Every member has ``provider``,
``account`` (account id, subscription id or project id), ``collected_at``, ``errors``, ``api_calls``,
``errors_for(region, *datasets)``, ``scope_regions()`` and ``summary()``; nothing else in the engine,
scoring, reports or TUI depends on which cloud an inventory came from.
"""

from typing import Annotated

from pydantic import Field

from auditor.inventory.aws import AwsInventory
from auditor.inventory.azure import AzureInventory
from auditor.inventory.gcp import GcpInventory

Inventory = Annotated[AwsInventory | AzureInventory | GcpInventory, Field(discriminator="provider")]

__all__ = ["AwsInventory", "AzureInventory", "GcpInventory", "Inventory"]
