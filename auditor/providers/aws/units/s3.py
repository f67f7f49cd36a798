"""S3 server access logging of the CloudTrail buckets (account-wide, after the trails are read).

Each bucket is read on its own: a bucket that cannot be read (often one in another account, e.g. an
organization's log archive) is ``None`` in ``bucket_logging`` with an error naming it, and the others
are still reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.inventory.aws import BucketLogging, Trail
from auditor.providers.aws.failures import ReadFailed
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "s3"
DATASET = "bucket_logging"
READS = (Read(SERVICE, "GetBucketLogging", "s3:GetBucketLogging"),)


def trail_buckets(trails: list[Trail]) -> dict[str, str]:
    """Each distinct trail bucket, with the home region of the first trail that uses it (the client
    region to ask first; botocore follows S3's redirect when the bucket lives elsewhere)."""
    buckets: dict[str, str] = {}
    for trail in sorted(trails, key=lambda t: (t.home_region, t.arn)):
        if trail.s3_bucket:
            buckets.setdefault(trail.s3_bucket, trail.home_region)
    return buckets


def bucket_logging(bucket: str, answer: dict[str, Any]) -> BucketLogging:
    enabled = answer.get("LoggingEnabled")
    return BucketLogging(
        bucket=bucket,
        logging_enabled=enabled is not None,
        target_bucket=(enabled or {}).get("TargetBucket", ""),
        target_prefix=(enabled or {}).get("TargetPrefix", ""),
    )


NOT_ATTEMPTED = ReadFailed(
    SERVICE,
    "GetBucketLogging",
    "failed",
    "NotAttempted",
    "not attempted: no region's CloudTrail trails could be read, so their buckets are unknown",
)


def bucket_logging_unit(buckets: Mapping[str, str] | None) -> Unit:
    """The unit that reads the logging of ``buckets`` (bucket -> region to ask).

    ``buckets`` is None when no region's trails could be read: the dataset is then unknown too.
    """

    def collect(ctx: UnitContext) -> None:
        if buckets is None:
            ctx.record(DATASET, NOT_ATTEMPTED)
            ctx.values[DATASET] = None
            return

        def read_all() -> dict[str, BucketLogging | None]:
            out: dict[str, BucketLogging | None] = {}
            for bucket, region in sorted(buckets.items()):
                try:
                    answer = ctx.reader(SERVICE, region).call(
                        "GetBucketLogging", resource=bucket, Bucket=bucket
                    )
                    out[bucket] = bucket_logging(bucket, answer)
                except ReadFailed as failure:
                    ctx.record(DATASET, failure)
                    out[bucket] = None
            return out

        ctx.fill(DATASET, SERVICE, read_all)

    return Unit(service=SERVICE, datasets=(DATASET,), reads=READS, collect=collect, scope="global")
