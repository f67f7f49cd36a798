"""The GCP collection units: one per service per project, Security Command Center per organization, and
the sinks of each folder and organization above the scanned projects."""

from auditor.providers.gcp.units import (
    compute,
    dns,
    logging,
    monitoring,
    networkmanagement,
    resourcemanager,
    scc,
    serviceusage,
)

PROJECT_UNITS = (
    compute.UNIT,
    dns.UNIT,
    logging.UNIT,
    monitoring.UNIT,
    networkmanagement.UNIT,
    resourcemanager.UNIT,
    serviceusage.UNIT,
)
ORGANIZATION_UNITS = (scc.UNIT, networkmanagement.ORGANIZATION_UNIT)
ANCESTOR_UNITS = (logging.ANCESTOR_UNIT,)

__all__ = ["ANCESTOR_UNITS", "ORGANIZATION_UNITS", "PROJECT_UNITS"]
