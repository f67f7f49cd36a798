"""GuardDuty detectors (status, finding frequency, protection-plan features, legacy data sources) and the
active findings of the enabled ones (ListFindings with ``service.archived = false``, then GetFindings in
batches of 50, the API's limit)."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import GuardDutyDetector, GuardDutyFeature, GuardDutyFinding
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "guardduty"
ACTIVE = {"Criterion": {"service.archived": {"Eq": ["false"]}}}
GET_FINDINGS_BATCH = 50
MAX_FINDINGS = 2000  # per detector: enough to judge "unaddressed high findings" without paging forever


def data_source_statuses(sources: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Legacy DataSources flattened: {"S3Logs": "ENABLED", "Kubernetes.AuditLogs": "DISABLED", ...}."""
    out: dict[str, str] = {}
    for name, value in sources.items():
        if not isinstance(value, dict):
            continue
        path = f"{prefix}{name}"
        if isinstance(value.get("Status"), str):
            out[path] = value["Status"]
        out.update(data_source_statuses(value, f"{path}."))
    return out


def feature(item: dict[str, Any]) -> GuardDutyFeature:
    return GuardDutyFeature(
        name=item["Name"],
        status=item.get("Status", ""),
        additional={a["Name"]: a.get("Status", "") for a in item.get("AdditionalConfiguration") or []},
    )


def detector(detector_id: str, item: dict[str, Any]) -> GuardDutyDetector:
    return GuardDutyDetector(
        id=detector_id,
        status=item.get("Status", ""),
        finding_publishing_frequency=item.get("FindingPublishingFrequency", ""),
        features=[feature(f) for f in item.get("Features") or []],
        data_sources=data_source_statuses(item.get("DataSources") or {}),
    )


def detectors(guardduty: ServiceReader) -> list[GuardDutyDetector]:
    return [
        detector(detector_id, guardduty.call("GetDetector", resource=detector_id, DetectorId=detector_id))
        for detector_id in guardduty.items("ListDetectors", "DetectorIds")
    ]


def finding(item: dict[str, Any]) -> GuardDutyFinding:
    resource = item.get("Resource") or {}
    kind = str(resource.get("ResourceType", ""))
    affected = (
        (resource.get("InstanceDetails") or {}).get("InstanceId")
        or (resource.get("AccessKeyDetails") or {}).get("AccessKeyId")
        or next((b.get("Name", "") for b in resource.get("S3BucketDetails") or []), "")
        or ""
    )
    service = item.get("Service") or {}
    return GuardDutyFinding(
        id=item["Id"],
        arn=item.get("Arn", ""),
        detector_id=service.get("DetectorId", ""),
        type=item.get("Type", ""),
        severity=float(item.get("Severity", 0)),
        title=item.get("Title", ""),
        resource_type=kind,
        resource_id=str(affected),
        count=int(service.get("Count", 1) or 1),
        archived=bool(service.get("Archived", False)),
        sample='"sample":true'
        in str((service.get("AdditionalInfo") or {}).get("Value", "")).replace(" ", ""),
        created_at=str(item.get("CreatedAt", "")),
        updated_at=str(item.get("UpdatedAt", "")),
    )


def active_findings(guardduty: ServiceReader, detector_ids: list[str]) -> list[GuardDutyFinding]:
    out: list[GuardDutyFinding] = []
    for detector_id in detector_ids:
        ids: list[str] = []
        for page in guardduty.pages(
            "ListFindings",
            token="NextToken",
            resource=detector_id,
            DetectorId=detector_id,
            FindingCriteria=ACTIVE,
        ):
            ids.extend(page.get("FindingIds") or [])
            if len(ids) >= MAX_FINDINGS:
                break
        for start in range(0, min(len(ids), MAX_FINDINGS), GET_FINDINGS_BATCH):
            batch = ids[start : start + GET_FINDINGS_BATCH]
            response = guardduty.call(
                "GetFindings", resource=detector_id, DetectorId=detector_id, FindingIds=batch
            )
            out.extend(finding(item) for item in response.get("Findings") or [])
    return sorted(out, key=lambda f: (-f.severity, f.type, f.id))


def collect(ctx: UnitContext) -> None:
    guardduty = ctx.reader(SERVICE)
    found = ctx.fill("guardduty_detectors", SERVICE, lambda: detectors(guardduty))
    if found is None:  # the detectors could not be read: their findings are unknown too (ERROR), never []
        ctx.values["guardduty_findings"] = None
        return
    enabled = [d.id for d in found if d.status == "ENABLED"]
    ctx.fill("guardduty_findings", SERVICE, lambda: active_findings(guardduty, enabled))


UNIT = Unit(
    service=SERVICE,
    datasets=("guardduty_detectors", "guardduty_findings"),
    reads=(
        Read(SERVICE, "ListDetectors", "guardduty:ListDetectors"),
        Read(SERVICE, "GetDetector", "guardduty:GetDetector"),
        Read(SERVICE, "ListFindings", "guardduty:ListFindings"),
        Read(SERVICE, "GetFindings", "guardduty:GetFindings"),
    ),
    collect=collect,
)
