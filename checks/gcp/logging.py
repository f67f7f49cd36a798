"""Cloud Logging: Data Access audit logs for every service with no exempted user, and a sink that
exports every log entry.

and the Cloud Storage buckets those sinks export to retain logs under Bucket Lock.

Module 4, "Essential Network Logs > Log Types by Provider: API activity / GCP Cloud Audit Logs" (Admin
Activity audit logs are always on; Data Access logs must be switched on); CIS GCP 5.0 2.1, 2.3
and 2.4 (4.0 2.1, 2.2, 2.3).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from auditor.inventory.gcp import GLOBAL, GcpInventory
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


@gcp_check(
    id="gcp.logging.sink_all_entries",
    title="A log sink exports every log entry",
    severity=Severity.MEDIUM,
    rationale="Logs stay in Cloud Logging for a limited retention; a sink with no filter keeps a copy of "
    "everything (in a bucket, BigQuery or a SIEM topic), the module's centralised collection.",
    risk="Logs needed for an investigation expire before anyone looks.",
    remediation=Remediation(
        cli="gcloud logging sinks create all-entries storage.googleapis.com/<bucket> --project={account}",
        text="Create a sink with an empty filter to a Cloud Storage bucket, BigQuery dataset or Pub/Sub "
        "topic.",
    ),
    references=("https://cloud.google.com/logging/docs/export/configure_export_v2",),
    module_section="SIEM Integration > Centralized Log Collection",
    datasets=("log_sinks",),
)
def sink_all_entries(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "log_sinks")) is not None:
        yield verdict
        return
    assert inv.log_sinks is not None
    complete = [s for s in inv.log_sinks if not s.filter.strip() and not s.disabled]
    if complete:
        yield passed(
            project_resource(inv),
            GLOBAL,
            f"Sink {complete[0].name} exports every entry to {complete[0].destination}",
        )
    else:
        yield failed(
            project_resource(inv),
            GLOBAL,
            f"No enabled sink without a filter in project {inv.project_id}",
            sinks=[s.name for s in inv.log_sinks],
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
