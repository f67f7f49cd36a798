"""Cloud Monitoring (gapic v3, gRPC): alert policies and the filters of their conditions."""

from __future__ import annotations

from typing import Any

from auditor.inventory.gcp import AlertPolicy
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "monitoring"
_FILTERED = ("condition_threshold", "condition_absent", "condition_matched_log")
_QUERIES = ("condition_monitoring_query_language", "condition_prometheus_query_language")


def _filters(policy: Any) -> list[str]:
    found: list[str] = []
    for condition in policy.conditions:
        found += [getattr(condition, kind).filter for kind in _FILTERED if kind in condition]
        found += [getattr(condition, kind).query for kind in _QUERIES if kind in condition]
    return found


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
                condition_filters=_filters(p),
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
