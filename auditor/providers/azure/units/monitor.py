"""Azure Monitor: the subscription Activity Log's diagnostic settings and the activity-log alerts."""

from __future__ import annotations

from typing import Any

from auditor.inventory.azure import ActivityLogAlert, AlertCondition, DiagnosticSetting, LogSetting
from auditor.providers.azure.operations import api_version
from auditor.providers.azure.unit import Unit, UnitContext

SERVICE = "monitor"


def diagnostic_setting(setting: Any) -> DiagnosticSetting:
    return DiagnosticSetting(
        id=setting.id or "",
        name=setting.name or "",
        logs=[
            LogSetting(
                category=getattr(log, "category", None) or "",
                category_group=getattr(log, "category_group", None) or "",
                enabled=bool(log.enabled),
            )
            for log in (setting.logs or [])
        ],
        workspace_id=setting.workspace_id or "",
        storage_account_id=setting.storage_account_id or "",
        event_hub_authorization_rule_id=setting.event_hub_authorization_rule_id or "",
        marketplace_partner_id=getattr(setting, "marketplace_partner_id", None) or "",
    )


def _alert(alert: Any) -> ActivityLogAlert:
    conditions = []
    for leaf in getattr(alert.condition, "all_of", None) or []:
        if leaf.field:
            conditions.append(
                AlertCondition(
                    field=leaf.field, equals=leaf.equals or "", contains_any=list(leaf.contains_any or [])
                )
            )
        for nested in getattr(leaf, "any_of", None) or []:
            if nested.field:
                conditions.append(
                    AlertCondition(
                        field=nested.field,
                        equals=nested.equals or "",
                        contains_any=list(nested.contains_any or []),
                    )
                )
    groups = getattr(getattr(alert, "actions", None), "action_groups", None) or []
    return ActivityLogAlert(
        id=alert.id,
        name=alert.name,
        enabled=alert.enabled is not False,
        scopes=list(alert.scopes or []),
        conditions=conditions,
        action_group_ids=[g.action_group_id for g in groups],
    )


def collect(context: UnitContext) -> None:
    client = context.client(SERVICE)
    context.fill(
        "activity_log_settings",
        SERVICE,
        lambda: [
            diagnostic_setting(s)
            for s in context.call(
                SERVICE,
                "subscription_diagnostic_settings.list",
                lambda: list(
                    client.subscription_diagnostic_settings.list(
                        api_version=api_version("subscription_diagnostic_settings.list")
                    )
                ),
            )
        ],
    )
    context.fill(
        "activity_log_alerts",
        SERVICE,
        lambda: [
            _alert(a)
            for a in context.call(
                SERVICE,
                "activity_log_alerts.list_by_subscription_id",
                lambda: list(
                    client.activity_log_alerts.list_by_subscription_id(
                        api_version=api_version("activity_log_alerts.list_by_subscription_id")
                    )
                ),
            )
        ],
    )


UNIT = Unit(service=SERVICE, datasets=("activity_log_settings", "activity_log_alerts"), collect=collect)
