"""The collection units: the first phase runs concurrently per subscription; ``diagnostics`` runs
after it, over the resources the first phase found."""

from auditor.providers.azure.units import (
    application_gateway,
    defender_alerts,
    dns,
    monitor,
    network,
    resources,
    security,
)
from auditor.providers.azure.units.diagnostics import UNIT as DIAGNOSTICS_UNIT

UNITS = (
    security.UNIT,
    defender_alerts.UNIT,
    monitor.UNIT,
    network.UNIT,
    application_gateway.UNIT,
    resources.UNIT,
    dns.UNIT,
)

__all__ = ["DIAGNOSTICS_UNIT", "UNITS"]
