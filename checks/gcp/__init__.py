"""GCP checks: pure functions of a ``GcpInventory``, one module per service."""
