"""WAFv2 web ACLs and where they log: REGIONAL per region, CLOUDFRONT once per account.

The logging configurations are listed once per scope (not per ACL) and joined by resource ARN.
"""

from __future__ import annotations

from typing import Literal

from auditor.inventory.aws import WebAcl
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "wafv2"
PAGE_TOKEN = (
    "NextMarker"  # WAFv2 pages with NextMarker in both request and response; botocore has no paginator
)


def web_acls(wafv2: ServiceReader, scope: Literal["REGIONAL", "CLOUDFRONT"]) -> list[WebAcl]:
    acls = wafv2.items("ListWebACLs", "WebACLs", token=PAGE_TOKEN, Scope=scope, Limit=100)
    configurations = wafv2.items(
        "ListLoggingConfigurations", "LoggingConfigurations", token=PAGE_TOKEN, Scope=scope, Limit=100
    )
    destinations = {c["ResourceArn"]: list(c.get("LogDestinationConfigs") or []) for c in configurations}
    return [
        WebAcl(
            arn=acl["ARN"],
            name=acl.get("Name", ""),
            id=acl.get("Id", ""),
            scope=scope,
            logging_destinations=destinations.get(acl["ARN"], []),
        )
        for acl in acls
    ]


def collect_regional(ctx: UnitContext) -> None:
    wafv2 = ctx.reader(SERVICE)
    ctx.fill("web_acls", SERVICE, lambda: web_acls(wafv2, "REGIONAL"))


def collect_cloudfront(ctx: UnitContext) -> None:
    wafv2 = ctx.reader(SERVICE)
    ctx.fill("cloudfront_web_acls", SERVICE, lambda: web_acls(wafv2, "CLOUDFRONT"))


READS = (
    Read(SERVICE, "ListWebACLs", "wafv2:ListWebACLs"),
    Read(SERVICE, "ListLoggingConfigurations", "wafv2:ListLoggingConfigurations"),
)

UNIT = Unit(service=SERVICE, datasets=("web_acls",), reads=READS, collect=collect_regional)
CLOUDFRONT_UNIT = Unit(
    service=SERVICE,
    datasets=("cloudfront_web_acls",),
    reads=READS,
    collect=collect_cloudfront,
    scope="global",
)
