"""Cloud Logging: Data Access audit logs for every service with no exempted user, a sink that exports
every log entry of the project (its own, or an aggregated sink of a folder or the organization above it),
and the Cloud Storage buckets the project's sinks export to retain logs under Bucket Lock.

Module 4, "Essential Network Logs > Log Types by Provider: API activity / GCP Cloud Audit Logs" (Admin
Activity audit logs are always on; Data Access logs must be switched on); CIS GCP 5.0 2.1, 2.3
and 2.4 (4.0 2.1, 2.2, 2.3).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from auditor.inventory.gcp import GLOBAL, GcpInventory, LogSink
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, failed, gcp_check, not_applicable, not_evaluated, passed
from checks.gcp.scope import project_resource, unreadable

API_SECTION = "Essential Network Logs > Log Types by Provider: API activity / GCP Cloud Audit Logs"
REQUIRED = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")


@gcp_check(
    id="gcp.logging.data_access_audit_logs_enabled",
    title="Cloud Audit Logs record data access (ADMIN_READ, DATA_READ, DATA_WRITE) for all services",
    severity=Severity.MEDIUM,
    rationale=(
        "Admin Activity audit logs are always on, but Data Access audit logs (who read or wrote which data) "
        "are off by default. CIS 2.1 asks for all three types for allServices, with no exempted user."
    ),
    risk="Reads and writes of data by stolen credentials leave no audit record.",
    remediation=Remediation(
        cli="gcloud projects get-iam-policy {account} > policy.yaml  # add under auditConfigs: "
        "service: allServices, auditLogConfigs: ADMIN_READ, DATA_READ, DATA_WRITE; then "
        "gcloud projects set-iam-policy {account} policy.yaml",
        console=[
            "IAM & Admin > Audit Logs: select all services, tick Admin Read, Data Read, Data Write, Save."
        ],
        text="Enable the three Data Access log types for allServices at project (or organization) level and "
        "remove exempted principals.",
    ),
    references=("https://cloud.google.com/logging/docs/audit/configure-data-access",),
    module_section=API_SECTION,
    datasets=("audit_configs",),
)
def data_access_audit_logs_enabled(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "audit_configs")) is not None:
        yield verdict
        return
    assert inv.audit_configs is not None
    resource = project_resource(inv)
    every = next((c for c in inv.audit_configs if c.service == "allServices"), None)
    if every is None:
        yield failed(resource, GLOBAL, f"Project {inv.project_id} has no audit config for allServices")
        return
    enabled = {c.log_type for c in every.log_configs}
    missing = [t for t in REQUIRED if t not in enabled]
    exempted = sorted({m for c in inv.audit_configs for lc in c.log_configs for m in lc.exempted_members})
    if missing or exempted:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if exempted:
            problems.append(f"exempted principals {', '.join(exempted)}")
        yield failed(
            resource,
            GLOBAL,
            f"Data Access audit logs for allServices are incomplete: {'; '.join(problems)}",
            enabled=sorted(enabled),
            missing=missing,
            exempted=exempted,
        )
    else:
        yield passed(
            resource, GLOBAL, "allServices logs ADMIN_READ, DATA_READ and DATA_WRITE with no exemption"
        )


AUDIT_LOGS = "cloudaudit.googleapis.com"
_SPARES_AUDIT_LOGS = re.compile(
    r"(?:\bNOT\s+|(?<![\w.])-)logName\s*(?::|=~|=)\s*\"?[^\"\s]*cloudaudit\.googleapis\.com"
    r"|\blogName\s*!=\s*\"?[^\"\s]*cloudaudit\.googleapis\.com",
    re.IGNORECASE,
)


def _top_level_or(text: str) -> bool:
    """Whether the filter is a disjunction at its top level (an OR outside quotes and parentheses)."""
    depth, quoted = 0, False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and text[index : index + 4] == " OR ":
            return True
    return False


def spares_audit_logs(exclusion_filter: str) -> bool:
    """An exclusion provably keeps audit logs when its filter is a conjunction with a clause that leaves
    ``cloudaudit.googleapis.com`` out (``NOT logName:"...cloudaudit.googleapis.com..."``, ``-logName:...``,
    ``logName!=...``): whatever else it matches, no audit entry. Any other filter may match audit entries
    (Logging's query language can match them by resource, severity or text), so it is not taken to spare
    them."""
    text = exclusion_filter.strip()
    return bool(text) and not _top_level_or(text) and _SPARES_AUDIT_LOGS.search(text) is not None


def _why_incomplete(sink: LogSink) -> str:
    """Why the sink does not count ("" when it does): disabled, a filter (the CIS control asks for every
    entry), or an active exclusion that drops, or may drop, audit logs."""
    if sink.disabled:
        return "disabled"
    if sink.filter.strip():
        drops = " (it drops audit logs)" if AUDIT_LOGS in sink.filter else ""
        return f"filter {sink.filter.strip()!r}{drops}"
    active = [e for e in sink.exclusions if not e.disabled and not spares_audit_logs(e.filter)]
    if active:
        audit = [e.name for e in active if AUDIT_LOGS in e.filter or not e.filter.strip()]
        if audit:
            return f"exclusion {', '.join(audit)} drops audit logs ({AUDIT_LOGS})"
        return (
            f"exclusion {', '.join(e.name for e in active)} may drop audit logs (its filter does not leave "
            f"{AUDIT_LOGS} out)"
        )
    return ""


def _scope_label(ancestor: str) -> str:
    kind, _, ident = ancestor.partition("/")
    return f"{kind.removesuffix('s')} {ident}"


@gcp_check(
    id="gcp.logging.sink_all_entries",
    title="A log sink exports every log entry of the project",
    severity=Severity.MEDIUM,
    rationale="Logs stay in Cloud Logging for a limited retention; a sink with no filter, and no active "
    "exclusion that could drop audit logs, keeps a copy of everything (in a bucket, BigQuery or a SIEM "
    "topic), the module's "
    "centralised collection (CIS GCP 2.2 / 2.3 'sinks are configured for all log entries'). The sink may "
    "be the project's own or an aggregated sink (includeChildren) of a folder or the organization above "
    "it; an organization or folder sink without includeChildren exports only that resource's own logs.",
    risk="Logs needed for an investigation expire before anyone looks.",
    remediation=Remediation(
        cli="gcloud logging sinks create all-entries storage.googleapis.com/<bucket> --project={account}  "
        "# or once for every project: gcloud logging sinks create all-entries <destination> "
        "--organization=<org> --include-children",
        text="Create a sink with an empty filter to a Cloud Storage bucket, BigQuery dataset or Pub/Sub "
        "topic, in the project or as an aggregated sink of its folder or organization; an exclusion on it "
        'must leave the audit logs out of what it drops (NOT logName:"cloudaudit.googleapis.com" AND ...).',
    ),
    references=(
        "https://cloud.google.com/logging/docs/export/configure_export_v2",
        "https://cloud.google.com/logging/docs/export/aggregated_sinks",
    ),
    module_section="SIEM Integration > Centralized Log Collection",
    datasets=("log_sinks", "ancestors", "ancestor_sinks"),
)
def sink_all_entries(inv: GcpInventory) -> Iterator[Verdict]:
    resource = project_resource(inv)
    candidates: list[tuple[str, LogSink]] = [("project", s) for s in inv.log_sinks or []]
    ancestor_sinks = inv.ancestor_sinks or {}
    for ancestor in inv.ancestors or []:
        candidates += [(ancestor, s) for s in ancestor_sinks.get(ancestor) or [] if s.include_children]
    complete = [(owner, s) for owner, s in candidates if not _why_incomplete(s)]
    if complete:  # a sink seen to export everything: what could not be read changes nothing
        owner, sink = complete[0]
        where = f"project {inv.project_id}" if owner == "project" else f"{_scope_label(owner)} (aggregated)"
        yield passed(
            resource,
            GLOBAL,
            f"Sink {sink.name} of {where} exports every entry to {sink.destination}",
            sink=sink.name,
            sink_owner=owner if owner != "project" else f"projects/{inv.project_id}",
            covering_sinks=[f"{o}: {s.name}" for o, s in complete],
        )
        return
    unread = [d for d in ("log_sinks", "ancestors", "ancestor_sinks") if getattr(inv, d) is None]
    unread_ancestors = [a for a in inv.ancestors or [] if a in ancestor_sinks and ancestor_sinks[a] is None]
    if unread or unread_ancestors:  # a sink we could not see might export everything
        errors = inv.errors_for(GLOBAL, "log_sinks", "ancestors", "ancestor_sinks")
        yield not_evaluated(resource, GLOBAL, errors)
        return
    rejected = {f"{o}: {s.name}": _why_incomplete(s) for o, s in candidates}
    not_aggregated = [
        f"{a}: {s.name}"
        for a in inv.ancestors or []
        for s in ancestor_sinks.get(a) or []
        if not s.include_children
    ]
    reasons = "; ".join(f"{name} ({why})" for name, why in rejected.items())
    yield failed(
        resource,
        GLOBAL,
        f"No enabled sink without a filter or exclusion exports project {inv.project_id}'s entries"
        + (f": {reasons}" if reasons else ""),
        sinks=[s.name for s in inv.log_sinks or []],
        rejected=rejected,
        **({"not_aggregated_ancestor_sinks": not_aggregated} if not_aggregated else {}),
    )


@gcp_check(
    id="gcp.logging.sink_bucket_retention_locked",
    title="Cloud Storage buckets that receive exported logs have a locked retention policy",
    severity=Severity.MEDIUM,
    rationale="A retention policy locked with Bucket Lock keeps exported logs from being deleted or "
    "shortened by anyone, an attacker with the project's owner role included, until the period ends.",
    risk="An attacker who gains access deletes the exported logs that would show what they did.",
    remediation=Remediation(
        cli="gcloud storage buckets update gs://{resource_name} --retention-period=365d && "
        "gcloud storage buckets update gs://{resource_name} --lock-retention-period",
        text="Set a retention policy on the sink bucket, then lock it (locking cannot be undone).",
    ),
    references=("https://cloud.google.com/storage/docs/bucket-lock",),
    module_section="SIEM Integration > Centralized Log Collection",
    datasets=("log_sinks", "sink_buckets"),
)
def sink_bucket_retention_locked(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "log_sinks", "sink_buckets")) is not None:
        yield verdict
        return
    assert inv.sink_buckets is not None
    if not inv.sink_buckets:
        yield not_applicable(project_resource(inv), GLOBAL, "No log sink exports to a Cloud Storage bucket")
        return
    for name, bucket in sorted(inv.sink_buckets.items()):
        resource = f"//storage.googleapis.com/{name}"
        if bucket is None:
            verdict = not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "sink_buckets", resource=name))
        elif bucket.retention_period_seconds is None:
            verdict = failed(resource, GLOBAL, f"Sink bucket {name} has no retention policy")
        elif not bucket.retention_locked:
            verdict = failed(
                resource,
                GLOBAL,
                f"Sink bucket {name} retains logs {bucket.retention_period_seconds // 86400} days, but the "
                "policy is not locked",
            )
        else:
            verdict = passed(
                resource,
                GLOBAL,
                f"Sink bucket {name} retains logs {bucket.retention_period_seconds // 86400} days under "
                "Bucket Lock",
            )
        yield replace(verdict, resource_name=name)
