"""What every GCP check module shares: the resource name of a project-level verdict, and the one verdict
for a dataset that could not be read."""

from __future__ import annotations

from auditor.inventory.gcp import GLOBAL, GcpInventory
from auditor.registry import Verdict, not_evaluated


def project_resource(inv: GcpInventory) -> str:
    return f"//cloudresourcemanager.googleapis.com/projects/{inv.project_id}"


def unreadable(inv: GcpInventory, *datasets: str) -> Verdict | None:
    """ERROR for the project when any of ``datasets`` could not be read, else None."""
    if all(getattr(inv, d) is not None for d in datasets):
        return None
    missing = [d for d in datasets if getattr(inv, d) is None]
    return not_evaluated(project_resource(inv), GLOBAL, inv.errors_for(GLOBAL, *missing))
