"""GuardDuty: threat detection enabled in every region, with S3, EKS, runtime and malware protection.

Module 4, "Cloud-Native Threat Detection > AWS GuardDuty".
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.aws import AwsInventory, AwsRegion, GuardDutyDetector
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_evaluated, passed

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
