"""Typed inventories, one model per provider. A snapshot holds a list of them."""

from auditor.inventory.aws import AwsInventory

# Azure and GCP join this union when their collectors land; the spine reads only `Inventory`.
Inventory = AwsInventory

__all__ = ["AwsInventory", "Inventory"]
