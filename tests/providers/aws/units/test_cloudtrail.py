"""CloudTrail: trails listed in their home region only; a trail whose status is unknown hides them all."""

from __future__ import annotations

import boto3

from auditor.providers.aws.units import cloudtrail
from tests.providers.aws.estate import ACCOUNT, EAST, WEST
from tests.providers.aws.wire import answer_canned, answer_error

ORG_TRAIL = {
    "Name": "org",
    "TrailARN": f"arn:aws:cloudtrail:{WEST}:999999999999:trail/org",
    "HomeRegion": WEST,
    "IsMultiRegionTrail": True,
    "IsOrganizationTrail": True,
    "S3BucketName": "org-archive",
}


def test_shadow_copies_of_trails_homed_elsewhere_are_skipped(session, pool) -> None:
    answer_canned(session, "cloudtrail", "DescribeTrails", {"trailList": [ORG_TRAIL]}, region=EAST)
    context = cloudtrail.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values == {"trails": []}
    assert context.errors == []


def test_org_trail_in_its_home_region(session, pool) -> None:
    answer_canned(session, "cloudtrail", "DescribeTrails", {"trailList": [ORG_TRAIL]}, region=WEST)
    answer_canned(
        session, "cloudtrail", "GetTrailStatus", {"IsLogging": True, "LatestDeliveryError": "AccessDenied"}
    )
    answer_canned(
        session, "cloudtrail", "GetEventSelectors", {"EventSelectors": [{"ReadWriteType": "WriteOnly"}]}
    )
    [trail] = cloudtrail.UNIT.run(pool, ACCOUNT, WEST).values["trails"]
    assert (trail.is_organization_trail, trail.is_logging, trail.latest_delivery_error) == (
        True,
        True,
        "AccessDenied",
    )
    assert trail.event_selectors[0].read_write_type == "WriteOnly"
    assert trail.event_selectors[0].include_management_events is True


def test_a_trail_status_that_cannot_be_read_makes_trails_unknown(session, pool) -> None:
    s3 = boto3.client("s3", EAST)
    s3.create_bucket(Bucket="trail-bucket")
    arn = boto3.client("cloudtrail", EAST).create_trail(Name="main", S3BucketName="trail-bucket")["TrailARN"]
    answer_error(session, "cloudtrail", "GetTrailStatus", "AccessDeniedException", "no", status=403)
    context = cloudtrail.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values == {"trails": None}
    [error] = context.errors
    assert (error.operation, error.resource, error.kind) == ("GetTrailStatus", arn, "denied")
