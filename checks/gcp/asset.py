"""Cloud Asset Inventory: the API is enabled, so that the history of every resource and IAM policy can be
searched and exported (CIS GCP 5.0 2.14, 4.0 2.13)."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.gcp import GLOBAL, GcpInventory
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, failed, gcp_check, passed
from checks.gcp.scope import project_resource, unreadable

CLOUD_ASSET_API = "cloudasset.googleapis.com"


@gcp_check(
    id="gcp.asset.inventory_enabled",
    title="Cloud Asset Inventory is enabled",
    severity=Severity.LOW,
    rationale="Cloud Asset Inventory keeps a five-week history of every resource and IAM policy: what an "
    "investigation needs to know what existed and who could reach it when an attack happened.",
    risk="The state of resources and permissions at the time of an incident cannot be reconstructed.",
    remediation=Remediation(
        cli="gcloud services enable cloudasset.googleapis.com --project={account}",
        text="Enable the Cloud Asset API in the project.",
    ),
    references=("https://cloud.google.com/asset-inventory/docs/overview",),
    module_section="CIS",
    datasets=("enabled_apis",),
)
def inventory_enabled(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "enabled_apis")) is not None:
        yield verdict
        return
    assert inv.enabled_apis is not None
    if CLOUD_ASSET_API in inv.enabled_apis:
        yield passed(project_resource(inv), GLOBAL, f"{CLOUD_ASSET_API} is enabled in {inv.project_id}")
    else:
        yield failed(project_resource(inv), GLOBAL, f"{CLOUD_ASSET_API} is not enabled in {inv.project_id}")
