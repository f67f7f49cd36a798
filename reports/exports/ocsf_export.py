"""OCSF: one Compliance Finding event (class 2003, category 2 Findings) per finding, as a JSON array.

Schema version ``OCSF_VERSION`` (1.3.0) with the ``cloud`` profile. A check verdict about a resource is
what the Compliance Finding class is for ("results of evaluations performed against resources, to check
compliance with ... CIS AWS Foundations Benchmark"); Detection Finding (2004) is meant for threats and
detections, so it is not used.

Mapping of our statuses (see docs/exports.md):

=============== ============================ =====================================================
our status      compliance.status_id         event status_id
=============== ============================ =====================================================
PASS            1 Pass                       1 New
FAIL            3 Fail                       1 New
ERROR           0 Unknown (status_detail:    1 New
                the collection error)
MANUAL          2 Warning (no result: a      1 New
                person must judge)
NOT_APPLICABLE  99 Other, status             1 New
                "Not Applicable"
MUTED           from the original status     3 Suppressed (status_detail: exception, owner,
                                             reason, expiry)
=============== ============================ =====================================================
"""

from __future__ import annotations

import json
from typing import Any

from auditor.model import Finding, Severity, Status
from auditor.scan_result import ScanResult
from reports.exports.finding_facts import (
    PRODUCT_NAME,
    PRODUCT_VENDOR,
    FindingFacts,
    facts_for,
    partition_of,
    resource_type,
)

__all__ = [
    "ACTIVITY_CREATE",
    "CATEGORY_FINDINGS",
    "CLASS_COMPLIANCE_FINDING",
    "COMPLIANCE_STATUS",
    "EVENT_STATUS_NEW",
    "EVENT_STATUS_SUPPRESSED",
    "OCSF_MEDIA_TYPE",
    "OCSF_SUFFIX",
    "OCSF_VERSION",
    "SEVERITY_IDS",
    "TYPE_UID",
    "ocsf_events",
    "to_ocsf",
]

OCSF_VERSION = "1.3.0"
OCSF_SUFFIX = ".ocsf.json"
OCSF_MEDIA_TYPE = "application/json"

CATEGORY_FINDINGS = 2
CLASS_COMPLIANCE_FINDING = 2003
ACTIVITY_CREATE = 1
TYPE_UID = CLASS_COMPLIANCE_FINDING * 100 + ACTIVITY_CREATE  # 200301: Compliance Finding: Create

SEVERITY_IDS: dict[Severity, tuple[int, str]] = {
    Severity.INFO: (1, "Informational"),
    Severity.LOW: (2, "Low"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.HIGH: (4, "High"),
    Severity.CRITICAL: (5, "Critical"),
}

# compliance.status_id: 0 Unknown, 1 Pass, 2 Warning, 3 Fail, 99 Other.
COMPLIANCE_STATUS: dict[Status, tuple[int, str]] = {
    Status.PASS: (1, "Pass"),
    Status.FAIL: (3, "Fail"),
    Status.ERROR: (0, "Unknown"),
    Status.MANUAL: (2, "Warning"),
    Status.NOT_APPLICABLE: (99, "Not Applicable"),
    Status.MUTED: (0, "Unknown"),  # muted with no recorded original verdict
}

# Finding (event) status_id: 1 New, 2 In Progress, 3 Suppressed, 4 Resolved, 99 Other.
EVENT_STATUS_NEW = (1, "New")
EVENT_STATUS_SUPPRESSED = (3, "Suppressed")

_STATUS_DETAIL = {
    Status.ERROR: "Not evaluated: the data the check needs could not be collected. ",
    Status.MANUAL: "No automated result: a person must judge this control. ",
    Status.NOT_APPLICABLE: "Nothing to assess. ",
}

_ACCOUNT_TYPES = {
    "aws": (10, "AWS Account"),
    "azure": (99, "Azure Subscription"),
    "gcp": (99, "GCP Project"),
}
_PROVIDER_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}


def _ms(result: ScanResult) -> int:
    """OCSF timestamp_t: milliseconds since the epoch."""
    return int(result.finished_at.timestamp() * 1000)


def _compliance(facts: FindingFacts) -> dict[str, Any]:
    verdict = facts.verdict
    status_id, status = COMPLIANCE_STATUS[verdict]
    standards = sorted({ref.benchmark_title for ref in facts.controls}) or [
        f"{PRODUCT_NAME} checks (no benchmark control in this scan)"
    ]
    compliance: dict[str, Any] = {
        "standards": standards,
        "status_id": status_id,
        "status": status,
        "status_code": verdict.value,
        "status_detail": _STATUS_DETAIL.get(verdict, "") + facts.finding.message,
    }
    if facts.controls:
        compliance["control"] = ", ".join(ref.qualified for ref in facts.controls)
        compliance["requirements"] = [
            f"{ref.benchmark_title} {ref.control_id}: {ref.control_title}" for ref in facts.controls
        ]
    return compliance


def _resource(finding: Finding) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "uid": finding.resource_id,
        "name": finding.resource_name or None,
        "type": resource_type(finding),
        "region": finding.region,
        "cloud_partition": partition_of(finding.region) if finding.provider == "aws" else None,
        "labels": [f"{key}:{value}" for key, value in sorted(finding.tags.items())] or None,
    }
    return {key: value for key, value in resource.items() if value is not None}


def _event(facts: FindingFacts, result: ScanResult) -> dict[str, Any]:
    finding = facts.finding
    severity_id, severity = SEVERITY_IDS[finding.severity]
    if finding.muted is not None:
        (status_id, status) = EVENT_STATUS_SUPPRESSED
        mute = finding.muted
        status_detail = (
            f"Muted by exception {mute.exception_id} (owner {mute.owner}, until "
            f"{mute.expires.isoformat()}): {mute.reason}"
        )
    else:
        (status_id, status) = EVENT_STATUS_NEW
        status_detail = ""
    account_type_id, account_type = _ACCOUNT_TYPES[finding.provider]
    time_ms = _ms(result)
    event: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_FINDINGS,
        "category_name": "Findings",
        "class_uid": CLASS_COMPLIANCE_FINDING,
        "class_name": "Compliance Finding",
        "type_uid": TYPE_UID,
        "type_name": "Compliance Finding: Create",
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "status_code": finding.status.value,
        "time": time_ms,
        "message": finding.message,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": PRODUCT_NAME,
                "vendor_name": PRODUCT_VENDOR,
                "version": result.tool_version,
            },
            "profiles": ["cloud"],
            "uid": finding.id,
            "event_code": finding.check_id,
            "log_name": "posture-audit",
        },
        "finding_info": {
            "uid": finding.id,
            "title": facts.title,
            "desc": facts.meta.rationale if facts.meta else finding.message,
            "types": [f"{_PROVIDER_NAMES[finding.provider]} {finding.service} posture check"],
            "created_time": time_ms,
            "last_seen_time": time_ms,
            "product_uid": PRODUCT_NAME,
        },
        "compliance": _compliance(facts),
        "resources": [_resource(finding)],
        "cloud": {
            "provider": _PROVIDER_NAMES[finding.provider],
            "region": finding.region,
            "account": {"uid": finding.account, "type_id": account_type_id, "type": account_type},
        },
        "remediation": {
            "desc": _remediation_desc(facts),
            "references": facts.references,
        },
        "unmapped": {
            "check_id": finding.check_id,
            "service": finding.service,
            "evidence": finding.evidence,
            "scan": {
                "source": result.source,
                "started_at": result.started_at.isoformat(),
                "finished_at": result.finished_at.isoformat(),
                "inventory_hash": result.inventory_hash,
            },
        },
    }
    if status_detail:
        event["status_detail"] = status_detail
    if finding.muted is not None:
        event["unmapped"]["mute"] = finding.muted.model_dump(mode="json")
    if not facts.references:
        del event["remediation"]["references"]
    return event


def _remediation_desc(facts: FindingFacts) -> str:
    parts = [facts.remediation_text.strip()]
    if facts.command:
        parts.append(f"Command: {facts.command}")
    return (
        " ".join(part for part in parts if part)
        or f"See the documentation of check {facts.finding.check_id}."
    )


def ocsf_events(result: ScanResult) -> list[dict[str, Any]]:
    """One OCSF Compliance Finding event per finding, in the result's order."""
    return [_event(facts, result) for facts in facts_for(result)]


def to_ocsf(result: ScanResult) -> str:
    """The OCSF events of the scan as one JSON array."""
    return json.dumps(ocsf_events(result), indent=1, ensure_ascii=False)
