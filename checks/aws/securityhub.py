"""Security Hub: findings aggregated per region, with the current CIS standard and FSBP running.

Module 4, "SIEM Integration > AWS Security Hub". CIS AWS 7.0 §5.16 (= 5.0 §4.16).

The module's own example enables ``arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0``,
which is the oldest CIS version Security Hub still offers; Security Hub CSPM supports CIS v5.0.0, v3.0.0,
v1.4.0 and v1.2.0, and v5.0.0 is the current one. FSBP's ARN is regional:
``arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.inventory.aws import AwsInventory, AwsRegion, SecurityHubStandard
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_evaluated, passed

MODULE_SECTION = "SIEM Integration > AWS Security Hub"
DOCS = "https://docs.aws.amazon.com/securityhub/latest/userguide"

CIS_CURRENT_VERSION = (5, 0, 0)
_CIS_VERSION = re.compile(r"cis-aws-foundations-benchmark/v/(\d+)\.(\d+)\.(\d+)$")
_FSBP = "standards/aws-foundational-security-best-practices/v/1.0.0"


def cis_standard_arn(partition: str, region: str) -> str:
    """The ARN to enable for the current CIS AWS Foundations Benchmark standard in a region."""
    version = ".".join(str(n) for n in CIS_CURRENT_VERSION)
    return f"arn:{partition}:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/{version}"


def fsbp_standard_arn(partition: str, region: str) -> str:
    return f"arn:{partition}:securityhub:{region}::{_FSBP}"


def _cis_version(standard: SecurityHubStandard) -> tuple[int, int, int] | None:
    match = _CIS_VERSION.search(standard.standards_arn)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def _hub_resource(inv: AwsInventory, region: AwsRegion) -> str:
    hub = region.security_hub
    if hub is not None and hub.hub_arn:
        return hub.hub_arn
    return f"arn:{inv.partition}:securityhub:{region.name}:{inv.account_id}:hub/default"


@aws_check(
    id="aws.securityhub.enabled",
    title="Security Hub is enabled in every enabled region",
    severity=Severity.MEDIUM,
    rationale=(
        "Security Hub aggregates GuardDuty, Inspector, Macie, IAM Access Analyzer and partner findings with "
        "its own control checks into one place per region, the module's 'aggregate findings from multiple "
        "services' (CIS AWS 7.0 5.16)."
    ),
    risk="Findings stay scattered across services and regions; nothing correlates or escalates them.",
    remediation=Remediation(
        cli="aws securityhub enable-security-hub --region {region} --enable-default-standards",
        console=[
            "Open the Security Hub console in the region.",
            "Choose Go to Security Hub, pick the standards to enable, then Enable Security Hub.",
        ],
        text=(
            "Enable Security Hub in every enabled region (from the delegated administrator with central "
            "configuration in an organization), and set a finding aggregation region."
        ),
    ),
    references=(f"{DOCS}/securityhub-settingup.html", f"{DOCS}/finding-aggregation.html"),
    module_section=MODULE_SECTION,
    datasets=("security_hub",),
)
def securityhub_enabled(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        resource = _hub_resource(inv, region)
        if region.security_hub is None:
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "security_hub"))
        elif region.security_hub.enabled:
            yield passed(resource, region.name, f"Security Hub is enabled in {region.name}")
        else:
            yield failed(resource, region.name, f"Security Hub is not enabled in {region.name}")


@aws_check(
    id="aws.securityhub.cis_standard_current",
    title="Security Hub runs the current CIS AWS Foundations Benchmark standard",
    severity=Severity.LOW,
    rationale=(
        "The CIS standard in Security Hub checks the benchmark's controls continuously. Older versions "
        "(v3.0.0, v1.4.0 and the v1.2.0 ruleset the module shows) check retired recommendations and miss "
        "current ones, so their score says little about today's benchmark."
    ),
    risk="Compliance scores and findings follow an outdated benchmark; current CIS gaps are not reported.",
    remediation=Remediation(
        cli=(
            "aws securityhub batch-enable-standards --region {region} "
            "--standards-subscription-requests StandardsArn={standards_arn}"
        ),
        console=[
            "Security Hub console > Security standards.",
            "Enable 'CIS AWS Foundations Benchmark v5.0.0'; once it is ready, disable older CIS versions.",
        ],
        text=(
            "Enable the current CIS standard (v5.0.0) in every region, then disable outdated CIS versions "
            "with "
            "'aws securityhub batch-disable-standards --standards-subscription-arns <subscription-arn>'."
        ),
    ),
    references=(f"{DOCS}/cis-aws-foundations-benchmark.html", f"{DOCS}/enable-standards.html"),
    module_section=MODULE_SECTION,
    datasets=("security_hub",),
)
def securityhub_cis_standard_current(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        resource = _hub_resource(inv, region)
        wanted = cis_standard_arn(inv.partition, region.name)
        hub = region.security_hub
        if hub is None:
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "security_hub"))
            continue
        if not hub.enabled:
            yield failed(
                resource, region.name, f"Security Hub is not enabled in {region.name}", standards_arn=wanted
            )
            continue
        cis = [(s, v) for s in hub.standards if (v := _cis_version(s)) is not None]
        current = [s for s, version in cis if version >= CIS_CURRENT_VERSION]
        outdated = [s.standards_arn for s, version in cis if version < CIS_CURRENT_VERSION]
        ready = [s for s in current if s.status == "READY"]
        if ready:
            yield passed(
                resource,
                region.name,
                f"The current CIS standard {ready[0].standards_arn} is enabled in {region.name}",
                standards_arn=ready[0].standards_arn,
                outdated_standards=outdated,
            )
        elif current:
            yield failed(
                resource,
                region.name,
                f"The current CIS standard {current[0].standards_arn} is {current[0].status}, not READY, "
                f"in {region.name}",
                standards_arn=current[0].standards_arn,
                status=current[0].status,
            )
        elif outdated:
            yield failed(
                resource,
                region.name,
                f"Only outdated CIS standards are enabled in {region.name} ({', '.join(outdated)}); "
                f"enable {wanted}",
                standards_arn=wanted,
                outdated_standards=outdated,
            )
        else:
            yield failed(
                resource,
                region.name,
                f"No CIS AWS Foundations Benchmark standard is enabled in {region.name}; enable {wanted}",
                standards_arn=wanted,
            )


@aws_check(
    id="aws.securityhub.fsbp_enabled",
    title="Security Hub runs AWS Foundational Security Best Practices",
    severity=Severity.LOW,
    rationale=(
        "FSBP is the module's second standard: AWS's own control set, which covers logging and detection "
        "settings (flow logs, ELB and WAF logging, GuardDuty) beyond the CIS benchmark."
    ),
    risk="Service misconfigurations outside CIS (load-balancer logs, WAF logging ...) are not reported.",
    remediation=Remediation(
        cli=(
            "aws securityhub batch-enable-standards --region {region} "
            "--standards-subscription-requests StandardsArn={standards_arn}"
        ),
        console=[
            "Security Hub console > Security standards.",
            "Enable 'AWS Foundational Security Best Practices v1.0.0'.",
        ],
        text="Enable the FSBP v1.0.0 standard in every region where Security Hub runs.",
    ),
    references=(f"{DOCS}/fsbp-standard.html", f"{DOCS}/enable-standards.html"),
    module_section=MODULE_SECTION,
    datasets=("security_hub",),
)
def securityhub_fsbp_enabled(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        resource = _hub_resource(inv, region)
        wanted = fsbp_standard_arn(inv.partition, region.name)
        hub = region.security_hub
        if hub is None:
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "security_hub"))
            continue
        if not hub.enabled:
            yield failed(
                resource, region.name, f"Security Hub is not enabled in {region.name}", standards_arn=wanted
            )
            continue
        fsbp = [s for s in hub.standards if s.standards_arn.endswith(_FSBP)]
        ready = [s for s in fsbp if s.status == "READY"]
        if ready:
            yield passed(
                resource,
                region.name,
                f"AWS Foundational Security Best Practices is enabled in {region.name}",
                standards_arn=ready[0].standards_arn,
            )
        elif fsbp:
            yield failed(
                resource,
                region.name,
                f"AWS Foundational Security Best Practices is {fsbp[0].status}, not READY, in {region.name}",
                standards_arn=fsbp[0].standards_arn,
                status=fsbp[0].status,
            )
        else:
            yield failed(
                resource,
                region.name,
                f"AWS Foundational Security Best Practices is not enabled in {region.name}; enable {wanted}",
                standards_arn=wanted,
            )
