"""CloudWatch Logs: the metric filters that turn log events (CloudTrail's, mostly) into metrics."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import MetricFilter, MetricTransformation
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "logs"


def metric_filter(item: dict[str, Any]) -> MetricFilter:
    return MetricFilter(
        name=item["filterName"],
        log_group=item.get("logGroupName", ""),
        pattern=item.get("filterPattern", ""),
        transformations=[
            MetricTransformation(metric_name=t["metricName"], metric_namespace=t["metricNamespace"])
            for t in item.get("metricTransformations") or []
        ],
    )


def collect(ctx: UnitContext) -> None:
    logs = ctx.reader(SERVICE)
    ctx.fill(
        "metric_filters",
        SERVICE,
        lambda: [metric_filter(i) for i in logs.items("DescribeMetricFilters", "metricFilters")],
    )


UNIT = Unit(
    service=SERVICE,
    datasets=("metric_filters",),
    reads=(Read(SERVICE, "DescribeMetricFilters", "logs:DescribeMetricFilters"),),
    collect=collect,
)
