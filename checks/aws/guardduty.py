"""GuardDuty: threat detection enabled in every region, with S3, EKS, runtime and malware protection; and
no active High / Critical finding left unaddressed, each grouped into module 4's four finding types with
its runbook response.

Module 4, "Cloud-Native Threat Detection > AWS GuardDuty".
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.aws import AwsInventory, AwsRegion, GuardDutyDetector, GuardDutyFinding
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_applicable, not_evaluated, passed
from auditor.runbook import runbook_for
from auditor.threats.categories import (
    CATEGORIES,
    CATEGORY_TITLES,
    guardduty_category,
    guardduty_severity_band,
)

MODULE_SECTION = "Cloud-Native Threat Detection > AWS GuardDuty"
DOCS = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-features-activation-model.html"


# Verdicts are per region, so their resource id is the region's detector ARN prefix (the same whether
# a detector exists or not); the detector id goes in the evidence. That keeps a finding's id stable
# when GuardDuty is switched on, so history and diff show "FAIL -> PASS", not "gone" and "new".


def _enabled_detector(region: AwsRegion) -> GuardDutyDetector | None:
    for detector in region.guardduty_detectors or []:
        if detector.status == "ENABLED":
            return detector
    return None


@aws_check(
    id="aws.guardduty.enabled_all_regions",
    title="GuardDuty is enabled in every enabled region",
    severity=Severity.HIGH,
    rationale=(
        "GuardDuty analyses CloudTrail, VPC flow logs and DNS logs for reconnaissance, instance and "
        "account compromise and exfiltration. Attackers use the regions nobody watches, so a detector "
        "must run in every enabled region."
    ),
    risk="Port scans, crypto-mining, credential abuse and exfiltration in an unwatched region go unseen.",
    remediation=Remediation(
        cli="aws guardduty create-detector --enable --region {region}",
        console=[
            "Open the GuardDuty console in the region.",
            "Choose Get started, then Enable GuardDuty.",
        ],
        text="Create an enabled detector in the region (or enable it organization-wide from the "
        "delegated administrator).",
    ),
    references=(DOCS, "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html"),
    module_section=MODULE_SECTION,
    datasets=("guardduty_detectors",),
)
def guardduty_enabled_all_regions(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        resource = f"arn:{inv.partition}:guardduty:{region.name}:{inv.account_id}:detector"
        if region.guardduty_detectors is None:
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "guardduty_detectors"))
            continue
        detector = _enabled_detector(region)
        if detector is None:
            states = [d.status for d in region.guardduty_detectors]
            yield failed(
                resource,
                region.name,
                f"No enabled GuardDuty detector in {region.name}"
                + (f" (detectors present but {', '.join(states)})" if states else ""),
                detectors=[d.id for d in region.guardduty_detectors],
            )
        else:
            yield passed(
                resource,
                region.name,
                f"GuardDuty detector {detector.id} is enabled in {region.name}",
                detector_id=detector.id,
            )


def _feature_verdicts(inv: AwsInventory, feature_names: tuple[str, ...], label: str) -> Iterator[Verdict]:
    """One verdict per region for a detector feature; no detector at all is a FAIL of its own kind."""
    for region in inv.region_list():
        resource = f"arn:{inv.partition}:guardduty:{region.name}:{inv.account_id}:detector"
        if region.guardduty_detectors is None:
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "guardduty_detectors"))
            continue
        detector = _enabled_detector(region)
        if detector is None:
            yield failed(
                resource, region.name, f"{label} is off: GuardDuty itself is not enabled in {region.name}"
            )
            continue
        features = {f.name: f.status for f in detector.features if f.name in feature_names}
        if detector.feature_enabled(*feature_names):
            yield passed(
                resource,
                region.name,
                f"{label} is enabled on detector {detector.id}",
                detector_id=detector.id,
                features=features,
            )
        else:
            yield failed(
                resource,
                region.name,
                f"{label} is not enabled on detector {detector.id} in {region.name}",
                detector_id=detector.id,
                features=features,
            )


@aws_check(
    id="aws.guardduty.s3_protection_enabled",
    title="GuardDuty S3 Protection (S3 data events) is enabled",
    severity=Severity.MEDIUM,
    rationale=(
        "S3 Protection lets GuardDuty analyse S3 data-plane events and detect unusual access patterns "
        "(the module's 'Data exfiltration: Unusual S3 access patterns')."
    ),
    risk="Bucket enumeration and bulk downloads by stolen credentials are not detected.",
    remediation=Remediation(
        cli=(
            "aws guardduty update-detector --region {region} --detector-id {detector_id} "
            '--features \'[{"Name":"S3_DATA_EVENTS","Status":"ENABLED"}]\''
        ),
        console=["GuardDuty console > Protection plans > S3 Protection > Enable."],
        text="Enable the S3_DATA_EVENTS feature on the detector (the module's S3Logs data source).",
    ),
    references=("https://docs.aws.amazon.com/guardduty/latest/ug/s3-protection.html",),
    module_section=MODULE_SECTION,
    datasets=("guardduty_detectors",),
)
def guardduty_s3_protection(inv: AwsInventory) -> Iterator[Verdict]:
    yield from _feature_verdicts(inv, ("S3_DATA_EVENTS",), "S3 Protection")


@aws_check(
    id="aws.guardduty.eks_audit_logs_enabled",
    title="GuardDuty EKS Protection (EKS audit logs) is enabled",
    severity=Severity.MEDIUM,
    rationale=(
        "EKS audit-log monitoring lets GuardDuty detect suspicious Kubernetes API activity "
        "(the module's EKS protection step)."
    ),
    risk="Compromised cluster credentials and malicious workloads in EKS are not detected.",
    remediation=Remediation(
        cli=(
            "aws guardduty update-detector --region {region} --detector-id {detector_id} "
            '--features \'[{"Name":"EKS_AUDIT_LOGS","Status":"ENABLED"}]\''
        ),
        console=["GuardDuty console > Protection plans > EKS Protection > Enable."],
        text="Enable the EKS_AUDIT_LOGS feature on the detector.",
    ),
    references=("https://docs.aws.amazon.com/guardduty/latest/ug/kubernetes-protection.html",),
    module_section=MODULE_SECTION,
    datasets=("guardduty_detectors",),
)
def guardduty_eks_audit_logs(inv: AwsInventory) -> Iterator[Verdict]:
    yield from _feature_verdicts(inv, ("EKS_AUDIT_LOGS",), "EKS Protection (audit logs)")


@aws_check(
    id="aws.guardduty.runtime_monitoring_enabled",
    title="GuardDuty Runtime Monitoring is enabled",
    severity=Severity.LOW,
    rationale=(
        "Runtime Monitoring watches process and network activity on EC2, ECS and EKS, which is what "
        "detects the module's 'Instance compromise: Cryptocurrency mining, malware communication'."
    ),
    risk="On-host compromise is only seen indirectly, through network and API signals.",
    remediation=Remediation(
        cli=(
            "aws guardduty update-detector --region {region} --detector-id {detector_id} "
            '--features \'[{"Name":"RUNTIME_MONITORING","Status":"ENABLED"}]\''
        ),
        console=["GuardDuty console > Protection plans > Runtime Monitoring > Enable."],
        text="Enable RUNTIME_MONITORING (or at least EKS_RUNTIME_MONITORING) on the detector.",
    ),
    references=("https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html",),
    module_section=MODULE_SECTION,
    datasets=("guardduty_detectors",),
)
def guardduty_runtime_monitoring(inv: AwsInventory) -> Iterator[Verdict]:
    yield from _feature_verdicts(inv, ("RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"), "Runtime Monitoring")


@aws_check(
    id="aws.guardduty.malware_protection_enabled",
    title="GuardDuty Malware Protection for EC2 is enabled",
    severity=Severity.LOW,
    rationale=(
        "Malware Protection scans the EBS volumes of instances GuardDuty suspects, confirming the "
        "module's 'malware communication' findings."
    ),
    risk="Suspected instances are not scanned for malware automatically.",
    remediation=Remediation(
        cli=(
            "aws guardduty update-detector --region {region} --detector-id {detector_id} "
            '--features \'[{"Name":"EBS_MALWARE_PROTECTION","Status":"ENABLED"}]\''
        ),
        console=["GuardDuty console > Protection plans > Malware Protection for EC2 > Enable."],
        text="Enable EBS_MALWARE_PROTECTION on the detector.",
    ),
    references=("https://docs.aws.amazon.com/guardduty/latest/ug/malware-protection.html",),
    module_section=MODULE_SECTION,
    datasets=("guardduty_detectors",),
)
def guardduty_malware_protection(inv: AwsInventory) -> Iterator[Verdict]:
    yield from _feature_verdicts(inv, ("EBS_MALWARE_PROTECTION",), "Malware Protection for EC2")


# --- Active findings ----------------------------------------------------------------------------------

HIGH_SEVERITY = 7.0  # GuardDuty: High 7.0-8.9, Critical 9.0-10.0


@aws_check(
    id="aws.guardduty.no_unaddressed_high_findings",
    title="No unaddressed High or Critical GuardDuty finding",
    severity=Severity.HIGH,
    rationale=(
        "GuardDuty's findings are the module's four threat types (reconnaissance, instance compromise, "
        "account compromise, data exfiltration). A High (7.0-8.9) or Critical (9.0+) finding that is still "
        "active (not archived) is an incident nobody has closed; the runbook says what to do."
    ),
    risk="A compromised instance, stolen credentials or an exfiltration in progress stays unanswered.",
    remediation=Remediation(
        cli="aws guardduty archive-findings --detector-id {detector_id} --finding-ids {finding_id} "
        "--region {region}",
        console=[
            "Open GuardDuty > Findings in the region and filter on severity High and Critical.",
            "Follow the runbook response for the finding's category, then archive the finding.",
        ],
        text="Respond as the runbook says for the finding's category (block the source via NACL, isolate "
        "the instance, revoke credentials, forensics), then archive the finding "
        "(aws guardduty archive-findings) so that what remains active is what is still open.",
    ),
    references=(
        "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html",
        "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-active.html",
    ),
    module_section="Cloud-Native Threat Detection > AWS GuardDuty: finding types",
    datasets=("guardduty_detectors", "guardduty_findings"),
)
def guardduty_no_unaddressed_high_findings(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        resource = f"arn:{inv.partition}:guardduty:{region.name}:{inv.account_id}:detector"
        if region.guardduty_detectors is None or region.guardduty_findings is None:
            datasets = ("guardduty_detectors", "guardduty_findings")
            yield not_evaluated(
                resource, region.name, [e for d in datasets for e in inv.errors_for(region.name, d)]
            )
            continue
        if _enabled_detector(region) is None:
            yield not_applicable(resource, region.name, f"No enabled GuardDuty detector in {region.name}")
            continue
        by_category = active_threats_by_category(region.guardduty_findings)
        high = [f for f in region.guardduty_findings if f.severity >= HIGH_SEVERITY]
        for item in high:
            category = guardduty_category(item.type)
            yield failed(
                item.arn or item.id,
                region.name,
                f"{guardduty_severity_band(item.severity).capitalize()} ({item.severity:g}) "
                f"{CATEGORY_TITLES.get(category or '', 'uncategorised')} finding {item.type} on "
                f"{item.resource_type} {item.resource_id} is still active",
                finding_id=item.id,
                detector_id=item.detector_id,
                type=item.type,
                severity=item.severity,
                category=category or "uncategorised",
                affected=f"{item.resource_type} {item.resource_id}".strip(),
                runbook=threat_runbook(category),
                sample=item.sample,
            )
        if not high:
            yield passed(
                resource,
                region.name,
                f"No active High or Critical finding in {region.name} "
                f"({len(region.guardduty_findings)} active finding(s) of lower severity)",
                by_category=by_category,
            )


def active_threats_by_category(findings: list[GuardDutyFinding]) -> dict[str, int]:
    counts = dict.fromkeys(CATEGORIES, 0)
    for item in findings:
        category = guardduty_category(item.type) or "uncategorised"
        counts[category] = counts.get(category, 0) + 1
    return counts


def threat_runbook(category: str | None) -> list[dict[str, str]]:
    """The module's runbook rows for a category (``threats.<category>`` in checks/runbook.yaml)."""
    if category is None:
        return []
    return [
        {"scenario": e.scenario, "detection": e.detection, "response": e.response}
        for e in runbook_for(f"aws.threats.{category}")
    ]
