"""AWS Config: a recorder of every resource configuration change, running in every region.

CIS AWS 7.0 §4.3 (= 5.0 §3.3). AWS Config is not named in module 4; its history of security-group,
NACL, route-table and flow-log configuration is what the runbook's investigations fall back on.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.aws import AwsInventory, ConfigRecorder
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_evaluated, passed

MODULE_SECTION = "CIS"
DOCS = "https://docs.aws.amazon.com/config/latest/developerguide"


def records_all_resource_types(recorder: ConfigRecorder) -> bool:
    return recorder.all_supported or recorder.recording_strategy == "ALL_SUPPORTED_RESOURCE_TYPES"


def _shortfalls(recorder: ConfigRecorder) -> list[str]:
    gaps = []
    if not records_all_resource_types(recorder):
        gaps.append("records only selected resource types")
    if not recorder.recording:
        gaps.append("is not recording")
    if recorder.last_status == "FAILURE":
        gaps.append("last delivery status FAILURE")
    return gaps


@aws_check(
    id="aws.config.recorder_enabled_all_regions",
    title="AWS Config records all resource types in every region",
    severity=Severity.MEDIUM,
    rationale=(
        "A Config recorder keeps the configuration history of every resource (security groups, NACLs, "
        "route tables, flow logs, trails), so a change found in CloudTrail can be seen in context and an "
        "investigator can tell what the network looked like at the time. It must record all supported "
        "resource types in every region, and global resource types (IAM) in one of them (CIS AWS 7.0 4.3)."
    ),
    risk="Drift and attacker changes in an unrecorded region or resource type leave no history.",
    remediation=Remediation(
        cli=(
            "aws configservice put-configuration-recorder --region {region} --configuration-recorder "
            "name={recorder_name},roleARN=arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/"
            "AWSServiceRoleForConfig --recording-group allSupported=true,includeGlobalResourceTypes=true\n"
            "aws configservice put-delivery-channel --region {region} --delivery-channel "
            "name=default,s3BucketName={config_bucket}\n"
            "aws configservice start-configuration-recorder --region {region} "
            "--configuration-recorder-name {recorder_name}"
        ),
        console=[
            "Open the AWS Config console in the region > Settings > Edit (or Get started).",
            "Recording strategy: All resource types with customizable overrides; include global "
            "resource types in one region only.",
            "Choose the delivery S3 bucket, save, and make sure recording is On.",
        ],
        text=(
            "Record all supported resource types in every enabled region, with a delivery channel, and "
            "keep the recorder running. Record global resource types (IAM) in exactly one region "
            "(use includeGlobalResourceTypes=false in the others) to avoid duplicate configuration items."
        ),
    ),
    references=(
        f"{DOCS}/stop-start-recorder.html",
        f"{DOCS}/select-resources.html",
        f"{DOCS}/gs-cli.html",
    ),
    module_section=MODULE_SECTION,
    datasets=("config_recorders",),
)
def config_recorder_enabled_all_regions(inv: AwsInventory) -> Iterator[Verdict]:
    global_regions = sorted(
        region.name
        for region in inv.region_list()
        for recorder in region.config_recorders or []
        if recorder.include_global_resource_types
        and recorder.recording
        and records_all_resource_types(recorder)
    )
    if global_regions:
        global_note = f"global resource types (IAM) are recorded in {', '.join(global_regions)}"
    else:
        global_note = "global resource types (IAM) are not recorded in any scanned region"

    for region in inv.region_list():
        resource = f"arn:{inv.partition}:config:{region.name}:{inv.account_id}:config-recorder"
        if region.config_recorders is None:
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "config_recorders"))
            continue
        good = [r for r in region.config_recorders if not _shortfalls(r)]
        if good:
            recorder = good[0]
            yield passed(
                f"{resource}/{recorder.name}",
                region.name,
                f"Config recorder {recorder.name} records all resource types in {region.name}; {global_note}",
                recorder_name=recorder.name,
                include_global_resource_types=recorder.include_global_resource_types,
                global_resource_types_recorded_in=global_regions,
            )
        elif region.config_recorders:
            detail = "; ".join(f"{r.name} {', '.join(_shortfalls(r))}" for r in region.config_recorders)
            yield failed(
                resource,
                region.name,
                f"No Config recorder records all resource types in {region.name}: {detail}; {global_note}",
                recorder_name=region.config_recorders[0].name,
                shortfalls={r.name: _shortfalls(r) for r in region.config_recorders},
                global_resource_types_recorded_in=global_regions,
            )
        else:
            yield failed(
                resource,
                region.name,
                f"AWS Config has no configuration recorder in {region.name}; {global_note}",
                recorder_name="default",
                global_resource_types_recorded_in=global_regions,
            )
