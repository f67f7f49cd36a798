"""What the machine exports say about a finding beyond the finding itself, read from the ScanResult and
the check registry, never re-derived: the check's title and remediation (with the command filled in for
this finding) and the benchmark controls the check decides, as scored in ``result.benchmarks``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from auditor.model import CheckMeta, Finding, Status
from auditor.remediation import remediation_command
from auditor.scan_result import ScanResult

__all__ = [
    "PRODUCT_NAME",
    "PRODUCT_VENDOR",
    "ControlRef",
    "FindingFacts",
    "aws_resource_arn",
    "check_meta",
    "controls_by_check",
    "facts_for",
    "partition_of",
    "resource_type",
    "shorten",
    "verdict",
    "xml_safe",
]

PRODUCT_NAME = "posture-auditor"
PRODUCT_VENDOR = "posture-auditor"


@dataclass(frozen=True)
class ControlRef:
    """One benchmark control decided (in part) by a check."""

    benchmark_id: str
    benchmark_title: str
    benchmark_version: str
    control_id: str
    control_title: str

    @property
    def qualified(self) -> str:
        """'cis-aws-7.0:4.7': the form exceptions and the CLI use."""
        return f"{self.benchmark_id}:{self.control_id}"

    @property
    def is_cis(self) -> bool:
        return self.benchmark_id.startswith("cis-")


@dataclass(frozen=True)
class FindingFacts:
    """The check metadata and control mapping of one finding, for the exports."""

    finding: Finding
    meta: CheckMeta | None
    controls: tuple[ControlRef, ...]

    @property
    def title(self) -> str:
        return self.meta.title if self.meta else self.finding.check_id

    @property
    def command(self) -> str:
        """The remediation command with this finding's values filled in ('' when the check is unknown)."""
        return remediation_command(self.meta, self.finding) if self.meta else ""

    @property
    def remediation_text(self) -> str:
        return self.meta.remediation.text if self.meta else ""

    @property
    def references(self) -> list[str]:
        return list(self.meta.references) if self.meta else []

    @property
    def verdict(self) -> Status:
        return verdict(self.finding)


def verdict(finding: Finding) -> Status:
    """The verdict of the check itself: the original status of a muted finding, else its status.

    MUTED without a recorded original status stays MUTED (the verdict is unknown).
    """
    if finding.muted is not None:
        return finding.muted.original_status
    return finding.status


@cache
def check_meta(check_id: str) -> CheckMeta | None:
    """The registered metadata of a check, or None for a check this version does not know."""
    from auditor.registry import load_checks

    registry = load_checks()
    return registry.meta(check_id)


def controls_by_check(result: ScanResult) -> dict[str, tuple[ControlRef, ...]]:
    """check id -> the in-scope benchmark controls it decides, over every benchmark the scan was scored
    against, in benchmark then control order."""
    out: dict[str, list[ControlRef]] = {}
    for score in result.benchmarks:
        for control in score.controls:
            if not control.in_scope:
                continue
            ref = ControlRef(
                benchmark_id=score.benchmark_id,
                benchmark_title=score.title,
                benchmark_version=score.version,
                control_id=control.control_id,
                control_title=control.title,
            )
            for check_id in control.check_ids:
                out.setdefault(check_id, []).append(ref)
    return {check_id: tuple(refs) for check_id, refs in out.items()}


def facts_for(result: ScanResult) -> list[FindingFacts]:
    """The facts of every finding of ``result``, in the result's finding order."""
    controls = controls_by_check(result)
    return [
        FindingFacts(finding=f, meta=check_meta(f.check_id), controls=controls.get(f.check_id, ()))
        for f in result.findings
    ]


def partition_of(region: str) -> str:
    """The AWS partition of a region name ('global' and unknown names are the commercial partition)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates)."""
    return _XML_INVALID.sub("\ufffd", text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


# The ASFF resource types (also used as the OCSF resource type) by ARN service and resource type, and
# by the prefix of a bare resource id. Anything else is "Other".
_ARN_TYPES: dict[tuple[str, str], str] = {
    ("ec2", "vpc"): "AwsEc2Vpc",
    ("ec2", "security-group"): "AwsEc2SecurityGroup",
    ("ec2", "network-acl"): "AwsEc2NetworkAcl",
    ("ec2", "instance"): "AwsEc2Instance",
    ("ec2", "subnet"): "AwsEc2Subnet",
    ("ec2", "vpc-flow-log"): "Other",
    ("cloudtrail", "trail"): "AwsCloudTrailTrail",
    ("s3", ""): "AwsS3Bucket",
    ("kms", "key"): "AwsKmsKey",
    ("cloudfront", "distribution"): "AwsCloudFrontDistribution",
    ("wafv2", "global"): "AwsWafv2WebAcl",
    ("wafv2", "regional"): "AwsWafv2WebAcl",
    ("guardduty", "detector"): "AwsGuardDutyDetector",
    ("logs", "log-group"): "AwsLogsLogGroup",
    ("sns", ""): "AwsSnsTopic",
}
_ID_PREFIXES: dict[str, tuple[str, str]] = {
    # bare id prefix -> (ASFF type, ARN resource type)
    "vpc-": ("AwsEc2Vpc", "vpc"),
    "sg-": ("AwsEc2SecurityGroup", "security-group"),
    "acl-": ("AwsEc2NetworkAcl", "network-acl"),
    "i-": ("AwsEc2Instance", "instance"),
    "subnet-": ("AwsEc2Subnet", "subnet"),
    "fl-": ("Other", "vpc-flow-log"),
}
_ACCOUNT_ID = re.compile(r"^\d{12}$")


def _arn_parts(arn: str) -> tuple[str, str, str] | None:
    """(service, resource type, resource id) of an ARN, or None for anything else."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    service, resource = parts[2], parts[5]
    if service == "apigateway":  # arn:aws:apigateway:region::/restapis/id/stages/name
        return service, "/".join(resource.split("/")[1:2]), resource
    if service == "elasticloadbalancing":  # loadbalancer/app/name/id or loadbalancer/name
        bits = resource.split("/")
        return service, "/".join(bits[:2]) if len(bits) > 2 else bits[0], resource
    for separator in ("/", ":"):
        if separator in resource:
            kind, _, rest = resource.partition(separator)
            return service, kind, rest
    return service, resource if service not in ("s3", "sns") else "", ""


def resource_type(finding: Finding) -> str:
    """The ASFF resource type of a finding's resource ('AwsEc2Vpc', 'AwsAccount', ... or 'Other')."""
    if finding.provider != "aws":
        return "Other"
    rid = finding.resource_id
    if _ACCOUNT_ID.match(rid):
        return "AwsAccount"
    for prefix, (kind, _) in _ID_PREFIXES.items():
        if rid.startswith(prefix):
            return kind
    parts = _arn_parts(rid)
    if parts is None:
        return "Other"
    service, kind, rest = parts
    if service == "apigateway":
        return {"restapis": "AwsApiGatewayStage", "apis": "AwsApiGatewayV2Stage"}.get(kind, "Other")
    if service == "elasticloadbalancing":
        if kind in ("loadbalancer/app", "loadbalancer/net", "loadbalancer/gwy"):
            return "AwsElbv2LoadBalancer"
        return "AwsElbLoadBalancer" if kind == "loadbalancer" else "Other"
    if not rest and service not in ("s3", "sns"):
        return "Other"  # a regional or account-wide verdict ('arn:aws:ec2:r:a:vpc' = no VPC there)
    return _ARN_TYPES.get((service, kind), "Other")


def aws_resource_arn(finding: Finding) -> str:
    """An ARN for the finding's resource: the resource id when it is one, else built from a bare id
    ('vpc-0abc' -> 'arn:aws:ec2:<region>:<account>:vpc/vpc-0abc'); an account is 'AWS::::Account:<id>'
    (the form Security Hub uses); anything else is returned unchanged."""
    rid = finding.resource_id
    if rid.startswith("arn:"):
        return rid
    if _ACCOUNT_ID.match(rid):
        return f"AWS::::Account:{rid}"
    for prefix, (_, arn_type) in _ID_PREFIXES.items():
        if rid.startswith(prefix):
            return (
                f"arn:{partition_of(finding.region)}:ec2:{finding.region}:{finding.account}:{arn_type}/{rid}"
            )
    return rid
