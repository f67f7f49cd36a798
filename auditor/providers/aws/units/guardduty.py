"""GuardDuty detectors: status, finding frequency, protection-plan features and legacy data sources."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import GuardDutyDetector, GuardDutyFeature
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "guardduty"


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


def collect(ctx: UnitContext) -> None:
    guardduty = ctx.reader(SERVICE)
    ctx.fill("guardduty_detectors", SERVICE, lambda: detectors(guardduty))


UNIT = Unit(
    service=SERVICE,
    datasets=("guardduty_detectors",),
    reads=(
        Read(SERVICE, "ListDetectors", "guardduty:ListDetectors"),
        Read(SERVICE, "GetDetector", "guardduty:GetDetector"),
    ),
    collect=collect,
)
