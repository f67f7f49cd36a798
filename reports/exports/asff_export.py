"""AWS Security Finding Format (ASFF) for Security Hub ``BatchImportFindings``: a JSON array of findings.

Only AWS findings are exported. Every finding carries the ProductArn of the account's default product
in one import region (``import_region``), so the whole file is imported with one region's endpoint;
the resource's own region is kept in ``Resources[].Region``. Import at most ``ASFF_BATCH_SIZE``
findings per call (see docs/exports.md).

Mapping of our statuses:

=============== ==================== ================= ===========================================
our status      Compliance.Status    Workflow.Status   Severity.Label
=============== ==================== ================= ===========================================
PASS            PASSED               NEW               INFORMATIONAL (as Security Hub's own
                                                       controls do; the check's severity stays in
                                                       Severity.Original)
FAIL            FAILED               NEW               from the check's severity
ERROR           NOT_AVAILABLE        NEW               from the check's severity
                ("API error")
MANUAL          WARNING              NEW               from the check's severity
NOT_APPLICABLE  NOT_AVAILABLE        NEW               INFORMATIONAL
MUTED           from the original    SUPPRESSED (with  from the original status, as above
                status               a Note: owner,
                                     reason, expiry)
=============== ==================== ================= ===========================================
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from auditor.model import Severity, Status
from auditor.scan_result import ScanResult
from reports.exports.finding_facts import (
    PRODUCT_NAME,
    PRODUCT_VENDOR,
    FindingFacts,
    aws_resource_arn,
    facts_for,
    partition_of,
    resource_type,
    shorten,
)

__all__ = [
    "ASFF_BATCH_SIZE",
    "ASFF_MEDIA_TYPE",
    "ASFF_SCHEMA_VERSION",
    "ASFF_SUFFIX",
    "COMPLIANCE_STATUS",
    "DEFAULT_IMPORT_REGION",
    "SEVERITY_LABELS",
    "TYPE_BEST_PRACTICES",
    "TYPE_CIS",
    "asff_findings",
    "import_region",
    "to_asff",
]

ASFF_SCHEMA_VERSION = "2018-10-08"
ASFF_SUFFIX = ".asff.json"
ASFF_MEDIA_TYPE = "application/json"
ASFF_BATCH_SIZE = 100
"""BatchImportFindings accepts at most 100 findings per call."""
DEFAULT_IMPORT_REGION = "us-east-1"

TYPE_CIS = "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
TYPE_BEST_PRACTICES = "Software and Configuration Checks/AWS Security Best Practices"

SEVERITY_LABELS: dict[Severity, str] = {
    Severity.INFO: "INFORMATIONAL",
    Severity.LOW: "LOW",
    Severity.MEDIUM: "MEDIUM",
    Severity.HIGH: "HIGH",
    Severity.CRITICAL: "CRITICAL",
}
COMPLIANCE_STATUS: dict[Status, str] = {
    Status.PASS: "PASSED",
    Status.FAIL: "FAILED",
    Status.ERROR: "NOT_AVAILABLE",
    Status.MANUAL: "WARNING",
    Status.NOT_APPLICABLE: "NOT_AVAILABLE",
    Status.MUTED: "NOT_AVAILABLE",  # muted with no recorded original verdict
}
_INFORMATIONAL_VERDICTS = frozenset({Status.PASS, Status.NOT_APPLICABLE})

# ASFF limits (Security Hub user guide, "ASFF required attributes" / "Optional top-level attributes").
TITLE_MAX = 256
DESCRIPTION_MAX = 1024
RECOMMENDATION_TEXT_MAX = 512
NOTE_TEXT_MAX = 512
PRODUCT_FIELD_VALUE_MAX = 2048
RELATED_REQUIREMENTS_MAX = 32
TAGS_MAX = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256


def _timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and 'Z', the form Security Hub documents."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def import_region(result: ScanResult) -> str:
    """The region the file is meant to be imported into: us-east-1 when it was scanned (or nothing was),
    else the first scanned AWS region in alphabetical order."""
    regions = sorted({r for scope in result.scopes if scope.provider == "aws" for r in scope.regions})
    if not regions or DEFAULT_IMPORT_REGION in regions:
        return DEFAULT_IMPORT_REGION
    return regions[0]


def _product_arn(region: str, account: str) -> str:
    return f"arn:{partition_of(region)}:securityhub:{region}:{account}:product/{account}/default"


def _non_blank(text: str, fallback: str) -> str:
    return text if text.strip() else fallback


def _finding(facts: FindingFacts, result: ScanResult, region: str) -> dict[str, Any]:
    finding = facts.finding
    verdict = facts.verdict
    label = "INFORMATIONAL" if verdict in _INFORMATIONAL_VERDICTS else SEVERITY_LABELS[finding.severity]
    moment = _timestamp(result.finished_at)
    resource: dict[str, Any] = {
        "Type": resource_type(finding),
        "Id": aws_resource_arn(finding),
        "Partition": partition_of(finding.region),
    }
    if finding.region != "global":
        resource["Region"] = finding.region
    tags = {
        shorten(key, TAG_KEY_MAX): shorten(value, TAG_VALUE_MAX)
        for key, value in sorted(finding.tags.items())[:TAGS_MAX]
        if key.strip() and value.strip()
    }
    if tags:
        resource["Tags"] = tags

    compliance: dict[str, Any] = {"Status": COMPLIANCE_STATUS[verdict]}
    requirements = [f"{ref.benchmark_title}/{ref.control_id}" for ref in facts.controls]
    if requirements:
        compliance["RelatedRequirements"] = [shorten(r, 256) for r in requirements[:RELATED_REQUIREMENTS_MAX]]

    description = finding.message
    if finding.muted is not None:
        description += f" (muted by exception {finding.muted.exception_id})"

    out: dict[str, Any] = {
        "SchemaVersion": ASFF_SCHEMA_VERSION,
        "Id": f"{PRODUCT_NAME}/{finding.account}/{finding.check_id}/{finding.id}",
        "ProductArn": _product_arn(region, finding.account),
        "ProductName": PRODUCT_NAME,
        "CompanyName": PRODUCT_VENDOR,
        "GeneratorId": f"{PRODUCT_NAME}/{finding.check_id}",
        "AwsAccountId": finding.account,
        "Types": [TYPE_CIS if any(ref.is_cis for ref in facts.controls) else TYPE_BEST_PRACTICES],
        "CreatedAt": moment,
        "UpdatedAt": moment,
        "LastObservedAt": moment,
        "Severity": {"Label": label, "Original": finding.severity.value},
        "Title": shorten(_non_blank(facts.title, finding.check_id), TITLE_MAX),
        "Description": shorten(_non_blank(description, facts.title or finding.check_id), DESCRIPTION_MAX),
        "Resources": [resource],
        "Compliance": compliance,
        "Workflow": {"Status": "SUPPRESSED" if finding.muted is not None else "NEW"},
        "RecordState": "ACTIVE",
        "ProductFields": _product_fields(facts, result),
    }
    recommendation = _recommendation(facts)
    if recommendation:
        out["Remediation"] = {"Recommendation": recommendation}
    if finding.muted is not None:
        mute = finding.muted
        out["Note"] = {
            "Text": shorten(
                f"Accepted risk until {mute.expires.isoformat()} "
                f"(exception {mute.exception_id}): {mute.reason}",
                NOTE_TEXT_MAX,
            ),
            "UpdatedBy": shorten(_non_blank(mute.owner, "unknown"), 512),
            "UpdatedAt": moment,
        }
    return out


_SEE_COMMAND = f" The exact command is in ProductFields '{PRODUCT_NAME}/RemediationCommand'."


def _recommendation(facts: FindingFacts) -> dict[str, str]:
    """Text: what to change and the fix command; when both do not fit in 512 characters, the text
    points to the command in ProductFields instead of cutting the command in half."""
    advice = facts.remediation_text.strip()
    text = " ".join(part for part in (advice, f"Fix: {facts.command}" if facts.command else "") if part)
    if len(text) > RECOMMENDATION_TEXT_MAX and facts.command:
        text = (shorten(advice, RECOMMENDATION_TEXT_MAX - len(_SEE_COMMAND)) + _SEE_COMMAND).strip()
    recommendation: dict[str, str] = {}
    if text:
        recommendation["Text"] = shorten(text, RECOMMENDATION_TEXT_MAX)
    url = next((ref for ref in facts.references if ref.startswith("https://")), None)
    if url:
        recommendation["Url"] = url
    return recommendation


def _product_fields(facts: FindingFacts, result: ScanResult) -> dict[str, str]:
    finding = facts.finding
    fields = {
        f"{PRODUCT_NAME}/CheckId": finding.check_id,
        f"{PRODUCT_NAME}/FindingId": finding.id,
        f"{PRODUCT_NAME}/Status": finding.status.value,
        f"{PRODUCT_NAME}/Service": finding.service,
        f"{PRODUCT_NAME}/Region": finding.region,
        f"{PRODUCT_NAME}/ResourceId": finding.resource_id,
        f"{PRODUCT_NAME}/ResourceName": finding.resource_name,
        f"{PRODUCT_NAME}/Controls": "; ".join(ref.qualified for ref in facts.controls),
        f"{PRODUCT_NAME}/RemediationCommand": facts.command,
        f"{PRODUCT_NAME}/ToolVersion": result.tool_version,
        f"{PRODUCT_NAME}/InventoryHash": result.inventory_hash,
    }
    if finding.muted is not None:
        fields[f"{PRODUCT_NAME}/OriginalStatus"] = finding.muted.original_status.value
        fields[f"{PRODUCT_NAME}/MutedBy"] = finding.muted.exception_id
        fields[f"{PRODUCT_NAME}/MuteOwner"] = finding.muted.owner
        fields[f"{PRODUCT_NAME}/MuteExpires"] = finding.muted.expires.isoformat()
    return {key: shorten(value, PRODUCT_FIELD_VALUE_MAX) for key, value in fields.items() if value.strip()}


def asff_findings(result: ScanResult, region: str | None = None) -> list[dict[str, Any]]:
    """The ASFF findings of the AWS findings of ``result``, for import into ``region`` (default:
    ``import_region(result)``)."""
    target = region or import_region(result)
    return [_finding(facts, result, target) for facts in facts_for(result) if facts.finding.provider == "aws"]


def to_asff(result: ScanResult) -> str:
    """The ASFF findings as one JSON array (the value of ``--findings`` in batch-import-findings)."""
    return json.dumps(asff_findings(result), indent=1, ensure_ascii=False)
