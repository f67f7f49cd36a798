"""CloudWatch: the metric alarms (the CIS monitoring controls alarm on metric-filter metrics)."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import MetricAlarm
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "cloudwatch"


def metric_alarm(item: dict[str, Any]) -> MetricAlarm:
    return MetricAlarm(
        name=item["AlarmName"],
        metric_name=item.get("MetricName", ""),
        namespace=item.get("Namespace", ""),
        actions_enabled=bool(item.get("ActionsEnabled", True)),
        alarm_actions=list(item.get("AlarmActions") or []),
    )


def collect(ctx: UnitContext) -> None:
    cloudwatch = ctx.reader(SERVICE)
    ctx.fill(
        "metric_alarms",
        SERVICE,
        lambda: [
            metric_alarm(i)
            for i in cloudwatch.items("DescribeAlarms", "MetricAlarms", AlarmTypes=["MetricAlarm"])
        ],
    )


UNIT = Unit(
    service=SERVICE,
    datasets=("metric_alarms",),
    reads=(Read(SERVICE, "DescribeAlarms", "cloudwatch:DescribeAlarms"),),
    collect=collect,
)
