"""Security Hub: whether the account is subscribed in the region, and its enabled standards.

DescribeHub answering InvalidAccessException "... is not subscribed to AWS Security Hub" is the
documented "not enabled" answer, so it is recorded as ``SecurityHub(enabled=False)``, not an error.
"""

from __future__ import annotations

from auditor.inventory.aws import SecurityHub, SecurityHubStandard
from auditor.providers.aws.failures import ReadFailed
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "securityhub"


def not_subscribed(failure: ReadFailed) -> bool:
    return failure.code == "InvalidAccessException" and "not subscribed" in failure.message.lower()


def security_hub(securityhub: ServiceReader) -> SecurityHub:
    try:
        hub = securityhub.call("DescribeHub")
    except ReadFailed as failure:
        if not_subscribed(failure):
            return SecurityHub(enabled=False)
        raise
    standards = [
        SecurityHubStandard(
            standards_arn=s["StandardsArn"],
            subscription_arn=s.get("StandardsSubscriptionArn", ""),
            status=s.get("StandardsStatus", ""),
        )
        for s in securityhub.items("GetEnabledStandards", "StandardsSubscriptions")
    ]
    return SecurityHub(enabled=True, hub_arn=hub.get("HubArn", ""), standards=standards)


def collect(ctx: UnitContext) -> None:
    securityhub = ctx.reader(SERVICE)
    ctx.fill("security_hub", SERVICE, lambda: security_hub(securityhub))


UNIT = Unit(
    service=SERVICE,
    datasets=("security_hub",),
    reads=(
        Read(SERVICE, "DescribeHub", "securityhub:DescribeHub"),
        Read(SERVICE, "GetEnabledStandards", "securityhub:GetEnabledStandards"),
    ),
    collect=collect,
)
