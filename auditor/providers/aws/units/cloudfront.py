"""CloudFront distributions (account-wide): standard logging (legacy, in the distribution's config; and
v2, CloudWatch Logs vended log delivery, configured through ``logs`` in us-east-1) and the web ACL."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import CloudFrontDistribution, VendedLogDelivery
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


LOGS = "logs"


def log_deliveries(logs: ServiceReader) -> list[VendedLogDelivery]:
    """Every CloudFront delivery source with each of its deliveries (a source with none: one entry with
    no destination)."""
    sources = [
        s
        for s in logs.items("DescribeDeliverySources", "deliverySources")
        if s.get("service", "").lower() == SERVICE
        or any(":cloudfront:" in arn for arn in s.get("resourceArns") or [])
    ]
    deliveries: dict[str, list[dict[str, Any]]] = {}
    if sources:
        for delivery in logs.items("DescribeDeliveries", "deliveries"):
            deliveries.setdefault(delivery.get("deliverySourceName", ""), []).append(delivery)
    found = []
    for source in sources:
        base = {
            "source_name": source["name"],
            "resource_arns": list(source.get("resourceArns") or []),
            "service": source.get("service", ""),
            "log_type": source.get("logType", ""),
        }
        sent = deliveries.get(source["name"]) or [{}]
        found += [
            VendedLogDelivery(
                **base,
                destination_arn=d.get("deliveryDestinationArn", ""),
                destination_type=d.get("deliveryDestinationType", ""),
            )
            for d in sent
        ]
    return found


def collect(ctx: UnitContext) -> None:
    cloudfront = ctx.reader(SERVICE)
    listed = ctx.fill("cloudfront_distributions", SERVICE, lambda: distributions(cloudfront))
    if listed == []:  # no distribution: no CloudFront delivery can matter
        ctx.values["cloudfront_log_deliveries"] = []
    else:
        ctx.fill("cloudfront_log_deliveries", LOGS, lambda: log_deliveries(ctx.reader(LOGS)))


UNIT = Unit(
    service=SERVICE,
    datasets=("cloudfront_distributions", "cloudfront_log_deliveries"),
    reads=(
        Read(SERVICE, "ListDistributions", "cloudfront:ListDistributions"),
        Read(SERVICE, "GetDistributionConfig", "cloudfront:GetDistributionConfig"),
        Read(LOGS, "DescribeDeliverySources", "logs:DescribeDeliverySources"),
        Read(LOGS, "DescribeDeliveries", "logs:DescribeDeliveries"),
    ),
    collect=collect,
    scope="global",
)
