"""Cloud Monitoring (gapic v3, gRPC): alert policies and their conditions, each with its kind: a metric
filter (threshold, absent), a log filter (matched_log), an MQL or a PromQL query."""

from __future__ import annotations

from typing import Any

from auditor.inventory.gcp import AlertCondition, AlertConditionKind, AlertPolicy
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "monitoring"
KINDS: tuple[tuple[str, AlertConditionKind, str], ...] = (
    ("condition_threshold", "threshold", "filter"),
    ("condition_absent", "absent", "filter"),
    ("condition_matched_log", "matched_log", "filter"),
    ("condition_monitoring_query_language", "mql", "query"),
    ("condition_prometheus_query_language", "promql", "query"),
)


def _conditions(policy: Any) -> list[AlertCondition]:
    return [
        AlertCondition(kind=kind, text=getattr(getattr(condition, field), text))
        for condition in policy.conditions
        for field, kind, text in KINDS
        if field in condition
    ]


def collect(context: UnitContext) -> None:
    clients = context.clients
    name = f"projects/{context.target}"
    retry, timeout = clients.retry, clients.options.call_timeout

    def policies() -> list[AlertPolicy]:
        send = lambda: clients.alert_policies().list_alert_policies(name=name, retry=retry, timeout=timeout)  # noqa: E731
        return [
            AlertPolicy(
                name=p.name,
                display_name=p.display_name,
                enabled=bool(p.enabled) if "enabled" in p else True,
                conditions=_conditions(p),
            )
            for page in context.pages(SERVICE, "list_alert_policies", send)
            for p in page.alert_policies
        ]

    context.fill("alert_policies", SERVICE, "list_alert_policies", policies)


UNIT = Unit(
    service=SERVICE,
    datasets=("alert_policies",),
    reads=((SERVICE, "list_alert_policies"),),
    collect=collect,
)
