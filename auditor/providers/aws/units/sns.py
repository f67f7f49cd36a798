"""SNS: topic subscriptions (where alarms go). The endpoint, an address, is deliberately not kept."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import SnsSubscription
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "sns"


def subscription(item: dict[str, Any]) -> SnsSubscription:
    return SnsSubscription(
        arn=item.get("SubscriptionArn", ""),
        topic_arn=item.get("TopicArn", ""),
        protocol=item.get("Protocol", ""),
    )


def collect(ctx: UnitContext) -> None:
    sns = ctx.reader(SERVICE)
    ctx.fill(
        "sns_subscriptions",
        SERVICE,
        lambda: [subscription(i) for i in sns.items("ListSubscriptions", "Subscriptions")],
    )


UNIT = Unit(
    service=SERVICE,
    datasets=("sns_subscriptions",),
    reads=(Read(SERVICE, "ListSubscriptions", "sns:ListSubscriptions"),),
    collect=collect,
)
