"""Trail bucket logging: one bucket at a time."""

from __future__ import annotations

import boto3

from auditor.inventory.aws import GLOBAL, BucketLogging, Trail
from auditor.providers.aws.units.s3 import bucket_logging_unit, trail_buckets
from tests.providers.aws.estate import ACCOUNT, EAST, WEST


def _trail(name: str, region: str, bucket: str) -> Trail:
    return Trail(
        name=name,
        arn=f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}",
        home_region=region,
        s3_bucket=bucket,
    )


def test_trail_buckets_are_distinct_and_asked_in_a_home_region() -> None:
    trails = [
        _trail("b", WEST, "shared"),
        _trail("a", EAST, "shared"),
        _trail("c", WEST, "eu"),
        _trail("d", WEST, ""),
    ]
    # Deterministic: the first home region in sort order.
    assert trail_buckets(trails) == {"shared": WEST, "eu": WEST}


def test_a_missing_bucket_is_unknown_and_named(pool) -> None:
    s3 = boto3.client("s3", EAST)
    s3.create_bucket(Bucket="present")
    context = bucket_logging_unit({"present": EAST, "gone": EAST}).run(pool, ACCOUNT, EAST)
    assert context.values == {
        "bucket_logging": {"gone": None, "present": BucketLogging(bucket="present", logging_enabled=False)}
    }
    [error] = context.errors
    assert (error.region, error.resource, error.operation, error.code) == (
        GLOBAL,
        "gone",
        "GetBucketLogging",
        "NoSuchBucket",
    )
    assert error.kind == "failed"
