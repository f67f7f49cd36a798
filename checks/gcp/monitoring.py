"""Cloud Monitoring: a log-based metric with the CIS filter and an enabled alert policy on it, for each
change CIS GCP §2 asks to watch (project ownership, audit configuration, custom roles, firewall rules,
routes, networks, Cloud Storage IAM, Cloud SQL configuration).

CIS GCP 5.0 2.5-2.12 (4.0 2.4-2.11). A metric counts when its filter holds every clause CIS names
(spacing and quoting may differ); an alert counts when the policy is enabled and one of its conditions
reads the metric, in any of the three languages Cloud Monitoring takes:

- a metric filter (threshold or absence condition): ``metric.type="logging.googleapis.com/user/<metric>"``;
- MQL: ``fetch global | metric 'logging.googleapis.com/user/<metric>'``;
- PromQL: ``logging_googleapis_com:user_<metric>`` (every character other than a letter, digit or ``_`` of
  the metric name becomes ``_``), or the UTF-8 form ``{"logging.googleapis.com/user/<metric>"}`` /
  ``{__name__="logging.googleapis.com/user/<metric>"}``.

A log-match condition (``conditionMatchedLog``, an alert on log entries with no metric) counts on its own
when its filter holds the CIS clauses. A disabled policy never counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from auditor.inventory.gcp import GLOBAL, AlertCondition, GcpInventory
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, failed, gcp_check, passed
from checks.gcp.scope import project_resource, unreadable

DOCS = "https://cloud.google.com/logging/docs/logs-based-metrics/charts-and-alerts"


@dataclass(frozen=True)
class WatchedChange:
    key: str
    what: str
    clauses: tuple[str, ...]
    filter: str


WATCHED = (
    WatchedChange(
        "project_ownership",
        "project ownership assignments and changes",
        ('protoPayload.serviceName="cloudresourcemanager.googleapis.com"', "ProjectOwnership", "roles/owner"),
        '(protoPayload.serviceName="cloudresourcemanager.googleapis.com") AND (ProjectOwnership OR '
        'projectOwnerInvitee) OR (protoPayload.serviceData.policyDelta.bindingDeltas.action="REMOVE" AND '
        'protoPayload.serviceData.policyDelta.bindingDeltas.role="roles/owner") OR '
        '(protoPayload.serviceData.policyDelta.bindingDeltas.action="ADD" AND '
        'protoPayload.serviceData.policyDelta.bindingDeltas.role="roles/owner")',
    ),
    WatchedChange(
        "audit_config",
        "audit configuration changes",
        (
            'protoPayload.methodName="SetIamPolicy"',
            "protoPayload.serviceData.policyDelta.auditConfigDeltas:*",
        ),
        'protoPayload.methodName="SetIamPolicy" AND protoPayload.serviceData.policyDelta.auditConfigDeltas:*',
    ),
    WatchedChange(
        "custom_role",
        "custom role changes",
        ('resource.type="iam_role"', "CreateRole", "DeleteRole", "UpdateRole"),
        'resource.type="iam_role" AND (protoPayload.methodName="google.iam.admin.v1.CreateRole" OR '
        'protoPayload.methodName="google.iam.admin.v1.DeleteRole" OR '
        'protoPayload.methodName="google.iam.admin.v1.UpdateRole")',
    ),
    WatchedChange(
        "firewall_rule",
        "VPC network firewall rule changes",
        (
            'resource.type="gce_firewall_rule"',
            "compute.firewalls.patch",
            "compute.firewalls.insert",
            "compute.firewalls.delete",
        ),
        'resource.type="gce_firewall_rule" AND (protoPayload.methodName:"compute.firewalls.patch" OR '
        'protoPayload.methodName:"compute.firewalls.insert" OR '
        'protoPayload.methodName:"compute.firewalls.delete")',
    ),
    WatchedChange(
        "route",
        "VPC network route changes",
        ('resource.type="gce_route"', "compute.routes.delete", "compute.routes.insert"),
        'resource.type="gce_route" AND (protoPayload.methodName:"compute.routes.delete" OR '
        'protoPayload.methodName:"compute.routes.insert")',
    ),
    WatchedChange(
        "network",
        "VPC network changes",
        (
            'resource.type="gce_network"',
            "compute.networks.insert",
            "compute.networks.patch",
            "compute.networks.delete",
            "compute.networks.removePeering",
            "compute.networks.addPeering",
        ),
        'resource.type="gce_network" AND (protoPayload.methodName:"compute.networks.insert" OR '
        'protoPayload.methodName:"compute.networks.patch" OR '
        'protoPayload.methodName:"compute.networks.delete" '
        'OR protoPayload.methodName:"compute.networks.removePeering" OR '
        'protoPayload.methodName:"compute.networks.addPeering")',
    ),
    WatchedChange(
        "storage_iam",
        "Cloud Storage IAM permission changes",
        ('resource.type="gcs_bucket"', "storage.setIamPermissions"),
        'resource.type="gcs_bucket" AND protoPayload.methodName="storage.setIamPermissions"',
    ),
    WatchedChange(
        "sql_instance",
        "SQL instance configuration changes",
        ("cloudsql.instances.update",),
        'protoPayload.methodName="cloudsql.instances.update"',
    ),
)


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("'", '"'))


def _matches(metric_filter: str, change: WatchedChange) -> bool:
    normal = _normal(metric_filter)
    return all(_normal(clause) in normal for clause in change.clauses)


def _metric_short_name(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def _metric_patterns(metric: str) -> tuple[re.Pattern[str], ...]:
    """How a condition names the log-based metric ``metric`` (on the ``_normal`` text): the metric type
    quoted (metric filter, MQL, PromQL UTF-8 form) or PromQL's legacy name, never a longer name."""
    metric_type = re.escape(f"logging.googleapis.com/user/{metric}")
    promql = re.escape("logging_googleapis_com:user_" + re.sub(r"[^A-Za-z0-9_]", "_", metric))
    return (
        re.compile(rf'"{metric_type}"'),
        re.compile(rf"(?<![A-Za-z0-9_:]){promql}(?![A-Za-z0-9_:])"),
    )


def _reads_metric(condition: AlertCondition, metric: str) -> bool:
    if condition.kind == "matched_log":  # a log filter, not a metric
        return False
    text = _normal(condition.text)
    return any(pattern.search(text) for pattern in _metric_patterns(metric))


def _alerted(inv: GcpInventory, metric: str) -> list[str]:
    assert inv.alert_policies is not None
    return [
        p.display_name or p.name
        for p in inv.alert_policies
        if p.enabled and any(_reads_metric(c, metric) for c in p.conditions)
    ]


def _log_alerts(inv: GcpInventory, change: WatchedChange) -> list[str]:
    """Enabled policies with a log-match condition whose filter holds the CIS clauses."""
    assert inv.alert_policies is not None
    return [
        p.display_name or p.name
        for p in inv.alert_policies
        if p.enabled and any(c.kind == "matched_log" and _matches(c.text, change) for c in p.conditions)
    ]


def _verdicts(inv: GcpInventory, change: WatchedChange) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "log_metrics", "alert_policies")) is not None:
        yield verdict
        return
    assert inv.log_metrics is not None
    resource = project_resource(inv)
    metrics = [_metric_short_name(m.name) for m in inv.log_metrics if _matches(m.filter, change)]
    log_alerts = _log_alerts(inv, change)
    if log_alerts and not any(_alerted(inv, metric) for metric in metrics):
        yield passed(
            resource,
            GLOBAL,
            f"Log-based alert policy {log_alerts[0]} fires on {change.what} (a log-match condition)",
            alert_policies=log_alerts,
        )
        return
    if not metrics:
        yield failed(resource, GLOBAL, f"No log-based metric or log-based alert watches {change.what}")
        return
    for metric in metrics:
        alerts = _alerted(inv, metric)
        if alerts:
            yield passed(
                resource,
                GLOBAL,
                f"Metric {metric} watches {change.what}; alert policy {alerts[0]} fires on it",
                metric=metric,
                alert_policies=alerts,
            )
            return
    yield failed(
        resource,
        GLOBAL,
        f"Metric {', '.join(metrics)} watches {change.what} but no enabled alert policy uses it",
        metrics=metrics,
    )


def _register(change: WatchedChange) -> None:
    def check(inv: GcpInventory) -> Iterator[Verdict]:
        yield from _verdicts(inv, change)

    check.__name__ = f"{change.key}_changes_monitored"
    decorator: Callable[..., Callable[..., object]] = gcp_check(
        id=f"gcp.monitoring.{change.key}_changes_monitored",
        title=f"A log metric filter and an alert exist for {change.what}",
        severity=Severity.LOW,
        rationale=f"An alert on {change.what} tells the operators of a change an attacker could make to "
        "widen "
        "access or hide their tracks (the module's detection rules, on GCP audit logs).",
        risk=f"{change.what.capitalize()} go unnoticed until someone reads the logs.",
        remediation=Remediation(
            cli=f"gcloud logging metrics create {change.key.replace('_', '-')}-changes "
            f"--log-filter='{change.filter}' && gcloud alpha monitoring policies create "
            "--policy-from-file=<alert-policy-on-the-metric>.json",
            text="Create the log-based metric with the CIS filter, then an alert policy with a condition "
            "on logging.googleapis.com/user/<metric> (a metric filter, MQL or PromQL) and a notification "
            "channel; or a log-based alert (a log-match condition with the CIS filter).",
        ),
        references=(DOCS,),
        module_section="Network Security Monitoring Patterns > Detection Rules",
        datasets=("log_metrics", "alert_policies"),
    )
    decorator(check)


for _change in WATCHED:
    _register(_change)
