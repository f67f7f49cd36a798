"""The collection units, one module per service. This is the catalog the collector and the policy use."""

from __future__ import annotations

from auditor.providers.aws.permissions import Read
from auditor.providers.aws.unit import Unit
from auditor.providers.aws.units import (
    apigateway,
    cloudfront,
    cloudtrail,
    cloudwatch,
    config,
    ec2,
    elb,
    elbv2,
    guardduty,
    kms,
    logs,
    route53resolver,
    s3,
    securityhub,
    sns,
    wafv2,
)

REGIONAL_UNITS: tuple[Unit, ...] = (
    ec2.UNIT,
    route53resolver.UNIT,
    cloudtrail.UNIT,
    config.UNIT,
    logs.UNIT,
    cloudwatch.UNIT,
    sns.UNIT,
    kms.UNIT,
    elbv2.UNIT,
    elb.UNIT,
    apigateway.UNIT,
    wafv2.UNIT,
    guardduty.UNIT,
    securityhub.UNIT,
)
"""Run once in every scanned region."""

GLOBAL_UNITS: tuple[Unit, ...] = (cloudfront.UNIT, wafv2.CLOUDFRONT_UNIT)
"""Run once per account, against the partition's global region."""

AFTER_TRAILS_READS: tuple[Read, ...] = s3.READS
"""The reads of the bucket-logging unit, which runs after every region's trails are known."""


def unit_reads() -> tuple[Read, ...]:
    """Every read any unit declares (duplicates included)."""
    reads: list[Read] = []
    for unit in REGIONAL_UNITS + GLOBAL_UNITS:
        reads.extend(unit.reads)
    reads.extend(AFTER_TRAILS_READS)
    return tuple(reads)
