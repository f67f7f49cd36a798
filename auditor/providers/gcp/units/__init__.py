"""The GCP collection units: one per service per project, and Security Command Center per organization."""

from auditor.providers.gcp.units import (
    compute,
    dns,
    logging,
    monitoring,
    resourcemanager,
    scc,
    serviceusage,
)

PROJECT_UNITS = (
    compute.UNIT,
    dns.UNIT,
    logging.UNIT,
    monitoring.UNIT,
    resourcemanager.UNIT,
    serviceusage.UNIT,
)
ORGANIZATION_UNITS = (scc.UNIT,)

__all__ = ["ORGANIZATION_UNITS", "PROJECT_UNITS"]
