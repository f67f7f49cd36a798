"""The Azure collector: real azure-mgmt clients, read-only, one typed inventory per subscription."""

from auditor.providers.azure.collector import collect_azure
from auditor.providers.azure.failures import AzureCollectionFailed
from auditor.providers.azure.options import AzureScanOptions
from auditor.providers.azure.readonly import ReadOnlyViolation

__all__ = ["AzureCollectionFailed", "AzureScanOptions", "ReadOnlyViolation", "collect_azure"]
