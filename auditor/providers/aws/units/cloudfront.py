"""CloudFront distributions (account-wide): standard logging and the attached web ACL."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import CloudFrontDistribution
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "cloudfront"


def distribution(summary: dict[str, Any], config: dict[str, Any]) -> CloudFrontDistribution:
    logging = config.get("Logging") or {}
    return CloudFrontDistribution(
        id=summary["Id"],
        arn=summary.get("ARN", ""),
        domain_name=summary.get("DomainName", ""),
        enabled=bool(config.get("Enabled", summary.get("Enabled", True))),
        logging_enabled=bool(logging.get("Enabled")),
        logging_bucket=logging.get("Bucket", ""),
        web_acl_id=config.get("WebACLId") or summary.get("WebACLId", ""),
    )


def distributions(cloudfront: ServiceReader) -> list[CloudFrontDistribution]:
    out = []
    for summary in cloudfront.items("ListDistributions", "DistributionList.Items"):
        answer = cloudfront.call("GetDistributionConfig", resource=summary["Id"], Id=summary["Id"])
        out.append(distribution(summary, answer.get("DistributionConfig") or {}))
    return out


def collect(ctx: UnitContext) -> None:
    cloudfront = ctx.reader(SERVICE)
    ctx.fill("cloudfront_distributions", SERVICE, lambda: distributions(cloudfront))


UNIT = Unit(
    service=SERVICE,
    datasets=("cloudfront_distributions",),
    reads=(
        Read(SERVICE, "ListDistributions", "cloudfront:ListDistributions"),
        Read(SERVICE, "GetDistributionConfig", "cloudfront:GetDistributionConfig"),
    ),
    collect=collect,
    scope="global",
)
