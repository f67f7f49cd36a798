"""Defender for Cloud security alerts: the subscription's alerts (``SecurityCenter.alerts.list``, i.e.
``GET /subscriptions/{id}/providers/Microsoft.Security/alerts``, every page through ``nextLink``), of
which only the unaddressed ones are kept.

The list has no server-side status filter, so every page is read and Resolved / Dismissed alerts are
dropped here; Active, InProgress and an alert without a status (ARM: "an alert which doesn't specify a
value is assigned the status 'Active'") are kept. Each alert's MITRE tactics (``intent``) give its
module 4 threat category.
"""

from __future__ import annotations

from typing import Any

from auditor.inventory.azure import DefenderAlert
from auditor.providers.azure.operations import api_version
from auditor.providers.azure.unit import Unit, UnitContext, text
from auditor.threats.categories import tactic_category

SERVICE = "security"
DATASET = "defender_alerts"
ADDRESSED = frozenset({"resolved", "dismissed"})
SAMPLE_TYPE_PREFIX = "SIMULATED_"
SAMPLE_TITLE_PREFIX = "[SAMPLE ALERT]"


def _resource_ids(alert: Any) -> list[str]:
    """The Azure resource ids among the alert's resource identifiers (Log Analytics ones name none)."""
    found = []
    for identifier in getattr(alert, "resource_identifiers", None) or []:
        resource_id = getattr(identifier, "azure_resource_id", None)
        if resource_id:
            found.append(resource_id)
    return found


def defender_alert(alert: Any) -> DefenderAlert:
    intent = text(alert.intent)
    alert_type = alert.alert_type or ""
    display_name = alert.alert_display_name or ""
    return DefenderAlert(
        id=alert.id,
        name=alert.name,
        alert_type=alert_type,
        display_name=display_name,
        severity=text(alert.severity),
        status=text(alert.status) or "Active",
        intent=intent,
        category=tactic_category(intent),
        compromised_entity=alert.compromised_entity or "",
        resource_ids=_resource_ids(alert),
        product_component=alert.product_component_name or "",
        start_time=alert.start_time_utc,
        sample=alert_type.startswith(SAMPLE_TYPE_PREFIX) or display_name.startswith(SAMPLE_TITLE_PREFIX),
    )


def unaddressed(alerts: list[Any]) -> list[DefenderAlert]:
    """The alerts that are not Resolved or Dismissed, most severe first."""
    kept = [defender_alert(a) for a in alerts if text(a.status).lower() not in ADDRESSED]
    order = {"high": 0, "medium": 1, "low": 2, "informational": 3}
    return sorted(kept, key=lambda a: (order.get(a.severity.lower(), 4), a.alert_type, a.id))


def collect(context: UnitContext) -> None:
    client = context.client(SERVICE)
    context.fill(
        DATASET,
        SERVICE,
        lambda: unaddressed(
            context.call(
                SERVICE,
                "alerts.list",
                lambda: list(client.alerts.list(api_version=api_version("alerts.list"))),
            )
        ),
    )


UNIT = Unit(service="defenderalerts", datasets=(DATASET,), collect=collect)
