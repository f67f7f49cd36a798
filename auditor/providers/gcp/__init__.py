"""The GCP collector: read-only, concurrent, typed; real Google clients, Application Default Credentials.

``collect_gcp(options)`` returns one ``GcpInventory`` per project.
"""

from auditor.providers.gcp.collector import collect_gcp, declared_reads
from auditor.providers.gcp.failures import GcpCollectionFailed
from auditor.providers.gcp.options import GcpEndpoints, GcpScanOptions

__all__ = ["GcpCollectionFailed", "GcpEndpoints", "GcpScanOptions", "collect_gcp", "declared_reads"]
