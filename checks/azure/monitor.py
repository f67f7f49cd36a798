"""Azure Monitor: the subscription Activity Log is exported with the right categories, and activity-log
alerts watch the changes CIS names.

Module 4, "Essential Network Logs > Log Types by Provider: API activity / Azure Activity Log", and CIS
Azure 6.0 §6.1.1 and §6.1.2.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.azure import GLOBAL, ActivityLogAlert, AzureInventory
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, azure_check, failed, not_evaluated, passed

MODULE_SECTION = "Essential Network Logs > Log Types by Provider: API activity / Azure Activity Log"
CIS_ALERTS = "CIS Azure 6.0 §6.1.2 Monitoring using Activity Log Alerts"
SETTINGS_DOCS = "https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/diagnostic-settings"
ALERT_DOCS = "https://learn.microsoft.com/en-us/azure/azure-monitor/alerts/activity-log-alerts"
REQUIRED_CATEGORIES = ("Administrative", "Alert", "Policy", "Security")
ACTIVITY_LOG_CLI = (
    "az monitor diagnostic-settings subscription create --name activity-log --location {location} "
    "--workspace {workspace_id} --logs '["
    + ",".join(f'{{"category":"{c}","enabled":true}}' for c in REQUIRED_CATEGORIES)
    + "]'"
)


def _subscription(inv: AzureInventory) -> str:
    return f"/subscriptions/{inv.subscription_id}"


@azure_check(
    id="azure.monitor.activity_log_exported",
    title="A diagnostic setting exports the subscription Activity Log",
    severity=Severity.HIGH,
    rationale="The Activity Log (every control-plane call) is kept 90 days in the portal only; a diagnostic "
    "setting sends it to Log Analytics, storage or an event hub for retention, search and the SIEM.",
    risk="Control-plane activity of an incident is gone after 90 days and cannot be searched or alerted on.",
    remediation=Remediation(
        cli=ACTIVITY_LOG_CLI,
        console=[
            "Monitor > Activity log > Export Activity Logs > Add diagnostic setting.",
            "Select the categories and a Log Analytics workspace, then save.",
        ],
        text="Create a subscription diagnostic setting with a destination.",
    ),
    references=(SETTINGS_DOCS,),
    module_section=MODULE_SECTION,
    datasets=("activity_log_settings",),
)
def activity_log_exported(inv: AzureInventory) -> Iterator[Verdict]:
    resource = _subscription(inv)
    if inv.activity_log_settings is None:
        yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "activity_log_settings"))
        return
    exporting = [
        s.name for s in inv.activity_log_settings if s.has_destination and any(log.enabled for log in s.logs)
    ]
    if exporting:
        yield passed(
            resource, GLOBAL, f"The Activity Log is exported by {', '.join(exporting)}", settings=exporting
        )
    else:
        yield failed(resource, GLOBAL, "No diagnostic setting exports the subscription Activity Log")


@azure_check(
    id="azure.monitor.activity_log_categories",
    title="The Activity Log diagnostic setting captures Administrative, Alert, Policy and Security",
    severity=Severity.MEDIUM,
    rationale="These categories hold the changes, alerts, policy decisions and Defender events an "
    "investigation needs.",
    risk="Exported logs miss the events that matter.",
    remediation=Remediation(
        cli=ACTIVITY_LOG_CLI,
        console=[
            "Monitor > Activity log > Export Activity Logs > edit the setting.",
            "Tick Administrative, Alert, Policy and Security.",
        ],
        text="Enable the four categories in one diagnostic setting with a destination.",
    ),
    references=(SETTINGS_DOCS,),
    module_section="CIS Azure 6.0 §6.1.1 Configuring Diagnostic Settings",
    datasets=("activity_log_settings",),
)
def activity_log_categories(inv: AzureInventory) -> Iterator[Verdict]:
    resource = _subscription(inv)
    if inv.activity_log_settings is None:
        yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "activity_log_settings"))
        return
    complete = [s.name for s in inv.activity_log_settings if s.logs_enabled(*REQUIRED_CATEGORIES)]
    if complete:
        yield passed(resource, GLOBAL, f"{complete[0]} captures {', '.join(REQUIRED_CATEGORIES)}")
        return
    enabled = sorted(
        {log.category for s in inv.activity_log_settings for log in s.logs if log.enabled and log.category}
    )
    missing = [c for c in REQUIRED_CATEGORIES if c not in enabled]
    yield failed(
        resource,
        GLOBAL,
        f"No Activity Log diagnostic setting captures {', '.join(missing)}"
        if inv.activity_log_settings
        else "No Activity Log diagnostic setting exists",
        enabled_categories=enabled,
    )


def _scope_key(scope: str) -> str:
    """An ARM scope compared as ARM does: case-insensitive, with or without the leading slash (the spec's
    examples write ``subscriptions/{id}``, the portal ``/subscriptions/{id}``), no trailing slash."""
    return "/" + scope.strip().strip("/").lower()


def _covers(alert: ActivityLogAlert, subscription: str) -> bool:
    """The alert is on and scoped to the whole subscription (a resource group or resource scope watches
    only part of it)."""
    return alert.enabled and any(_scope_key(scope) == _scope_key(subscription) for scope in alert.scopes)


def _register_alert(slug: str, title: str, operation: str | None, category: str = "Administrative") -> None:
    what = f"operation {operation}" if operation else f"category {category}"
    condition = f"category={category}" + (f" and operationName={operation}" if operation else "")

    @azure_check(
        id=f"azure.monitor.alert_{slug}",
        title=f"An activity log alert exists for {title}",
        severity=Severity.MEDIUM if operation else Severity.LOW,
        rationale=f"An alert on {what} tells the team at once when it happens, instead of at the next audit.",
        risk=f"{title[0].upper()}{title[1:]} goes unnoticed.",
        remediation=Remediation(
            cli=(
                f"az monitor activity-log alert create --name {slug.replace('_', '-')} --resource-group "
                f"{{resource_group}} --scope /subscriptions/{{subscription}} --condition {condition} "
                "--action-group {action_group_id}"
            ),
            console=[
                "Monitor > Alerts > Create > Alert rule, scope: the subscription.",
                f"Signal: {operation or category}; add an action group that notifies the team.",
            ],
            text=f"Create an enabled activity log alert at subscription scope for {what}, with an action "
            "group.",
        ),
        references=(ALERT_DOCS,),
        module_section=CIS_ALERTS,
        datasets=("activity_log_alerts",),
    )
    def check(inv: AzureInventory) -> Iterator[Verdict]:
        resource = f"{_subscription(inv)}/alerts/{operation or category}"
        if inv.activity_log_alerts is None:
            yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "activity_log_alerts"))
            return
        matching = []
        for alert in inv.activity_log_alerts:
            if not _covers(alert, _subscription(inv)):
                continue
            categories = [c.lower() for c in alert.condition("category")]
            operations = [o.lower() for o in alert.condition("operationName")]
            if operation is None:
                if category.lower() in categories:
                    matching.append(alert)
            elif operation.lower() in operations and (not categories or category.lower() in categories):
                matching.append(alert)
        notifying = [a for a in matching if a.action_group_ids]
        if notifying:
            yield passed(resource, GLOBAL, f"Alert {notifying[0].name} watches {what}", alert=notifying[0].id)
        elif matching:
            yield failed(resource, GLOBAL, f"Alert {matching[0].name} watches {what} but has no action group")
        else:
            yield failed(resource, GLOBAL, f"No enabled subscription-wide activity log alert watches {what}")


ALERTS = (
    (
        "create_policy_assignment",
        "Create Policy Assignment",
        "Microsoft.Authorization/policyAssignments/write",
    ),
    (
        "delete_policy_assignment",
        "Delete Policy Assignment",
        "Microsoft.Authorization/policyAssignments/delete",
    ),
    ("nsg_write", "Create or Update Network Security Group", "Microsoft.Network/networkSecurityGroups/write"),
    ("nsg_delete", "Delete Network Security Group", "Microsoft.Network/networkSecurityGroups/delete"),
    (
        "security_solution_write",
        "Create or Update Security Solution",
        "Microsoft.Security/securitySolutions/write",
    ),
    ("security_solution_delete", "Delete Security Solution", "Microsoft.Security/securitySolutions/delete"),
    (
        "sql_firewall_rule_write",
        "Create or Update SQL Server Firewall Rule",
        "Microsoft.Sql/servers/firewallRules/write",
    ),
    (
        "sql_firewall_rule_delete",
        "Delete SQL Server Firewall Rule",
        "Microsoft.Sql/servers/firewallRules/delete",
    ),
    ("public_ip_write", "Create or Update Public IP Address", "Microsoft.Network/publicIPAddresses/write"),
    ("public_ip_delete", "Delete Public IP Address", "Microsoft.Network/publicIPAddresses/delete"),
)
for _slug, _title, _operation in ALERTS:
    _register_alert(_slug, _title, _operation)
_register_alert("service_health", "Service Health", None, "ServiceHealth")
