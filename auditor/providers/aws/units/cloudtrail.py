"""CloudTrail: the trails whose home is this region, with their logging status and event selectors.

DescribeTrails(includeShadowTrails=True) in every region returns multi-region and organization trails
everywhere; keeping only those whose HomeRegion is the region being read lists each trail once.
"""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import AdvancedEventSelector, DataResource, EventSelector, FieldSelector, Trail
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "cloudtrail"

FIELD_OPERATORS = {
    "Equals": "equals",
    "StartsWith": "starts_with",
    "EndsWith": "ends_with",
    "NotEquals": "not_equals",
    "NotStartsWith": "not_starts_with",
    "NotEndsWith": "not_ends_with",
}


def event_selector(item: dict[str, Any]) -> EventSelector:
    return EventSelector(
        read_write_type=item.get("ReadWriteType", "All"),
        include_management_events=bool(item.get("IncludeManagementEvents", True)),
        data_resources=[
            DataResource(type=d.get("Type", ""), values=list(d.get("Values") or []))
            for d in item.get("DataResources") or []
        ],
        exclude_management_event_sources=list(item.get("ExcludeManagementEventSources") or []),
    )


def advanced_event_selector(item: dict[str, Any]) -> AdvancedEventSelector:
    fields = [
        FieldSelector(
            field=f["Field"],
            **{ours: list(f.get(theirs) or []) for theirs, ours in FIELD_OPERATORS.items()},
        )
        for f in item.get("FieldSelectors") or []
    ]
    return AdvancedEventSelector(name=item.get("Name", ""), field_selectors=fields)


def trail(item: dict[str, Any], status: dict[str, Any], selectors: dict[str, Any]) -> Trail:
    return Trail(
        name=item["Name"],
        arn=item["TrailARN"],
        home_region=item["HomeRegion"],
        is_multi_region=bool(item.get("IsMultiRegionTrail")),
        is_organization_trail=bool(item.get("IsOrganizationTrail")),
        include_global_service_events=bool(item.get("IncludeGlobalServiceEvents")),
        s3_bucket=item.get("S3BucketName", ""),
        log_file_validation=bool(item.get("LogFileValidationEnabled")),
        kms_key_id=item.get("KmsKeyId", ""),
        cloudwatch_log_group_arn=item.get("CloudWatchLogsLogGroupArn", ""),
        is_logging=bool(status.get("IsLogging")),
        latest_delivery_error=status.get("LatestDeliveryError", ""),
        event_selectors=[event_selector(s) for s in selectors.get("EventSelectors") or []],
        advanced_event_selectors=[
            advanced_event_selector(s) for s in selectors.get("AdvancedEventSelectors") or []
        ],
    )


def trails(cloudtrail: ServiceReader, region: str) -> list[Trail]:
    found = cloudtrail.call("DescribeTrails", includeShadowTrails=True).get("trailList") or []
    out = []
    for item in found:
        if item.get("HomeRegion") != region:
            continue
        arn = item["TrailARN"]
        status = cloudtrail.call("GetTrailStatus", resource=arn, Name=arn)
        selectors = cloudtrail.call("GetEventSelectors", resource=arn, TrailName=arn)
        out.append(trail(item, status, selectors))
    return out


def collect(ctx: UnitContext) -> None:
    cloudtrail = ctx.reader(SERVICE)
    ctx.fill("trails", SERVICE, lambda: trails(cloudtrail, ctx.region))


UNIT = Unit(
    service=SERVICE,
    datasets=("trails",),
    reads=(
        Read(SERVICE, "DescribeTrails", "cloudtrail:DescribeTrails"),
        Read(SERVICE, "GetTrailStatus", "cloudtrail:GetTrailStatus"),
        Read(SERVICE, "GetEventSelectors", "cloudtrail:GetEventSelectors"),
    ),
    collect=collect,
)
