"""CloudTrail: the API-activity log of the account, recorded everywhere, tamper-evident and delivered.

Module 4, "Essential Network Logs > Log Types by Provider" (API activity: CloudTrail) and
"SIEM Integration" (CloudTrail into CloudWatch Logs). CIS AWS 7.0 §4.1, 4.2, 4.4, 4.5, 4.8, 4.9
(= 5.0 §3.1, 3.2, 3.4, 3.5, 3.8, 3.9).

Trails are listed in the ``trails`` dataset of their home region. The account-level checks look at every
trail of every scanned region; when none qualifies but a region's trails could not be read, the verdict
is ERROR, because the unread region may hold the trail that would pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from auditor.inventory.aws import GLOBAL, AdvancedEventSelector, AwsInventory, FieldSelector, Trail
from auditor.model import CollectionError, Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_applicable, not_evaluated, passed

MODULE_SECTION = "Essential Network Logs > Log Types by Provider (API activity: CloudTrail)"
SIEM_SECTION = "SIEM Integration > Centralized Log Collection"
DOCS = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide"

READ = "read"
WRITE = "write"
_CLASSIC_READ_WRITE: dict[str, frozenset[str]] = {
    "All": frozenset({READ, WRITE}),
    "ReadOnly": frozenset({READ}),
    "WriteOnly": frozenset({WRITE}),
}
# Advanced selector fields that only say *which* S3 object events; any other field narrows them.
_S3_ALL_OBJECTS_FIELDS = frozenset({"eventCategory", "resources.type", "readOnly"})


# --- Shared helpers (also used by checks/aws/cloudwatch.py) ----------------------------------


def collected_trails(inv: AwsInventory) -> tuple[list[Trail], list[str]]:
    """Every trail seen in the scanned regions (once per ARN), and the regions whose trails are unread."""
    trails: dict[str, Trail] = {}
    unread: list[str] = []
    for region in inv.region_list():
        if region.trails is None:
            unread.append(region.name)
            continue
        for trail in region.trails:
            trails.setdefault(trail.arn, trail)
    return list(trails.values()), unread


def trail_errors(inv: AwsInventory, regions: list[str]) -> list[CollectionError]:
    return [error for name in regions for error in inv.errors_for(name, "trails")]


def _fields(selector: AdvancedEventSelector, name: str) -> list[FieldSelector]:
    return [f for f in selector.field_selectors if f.field == name]


def _advanced_read_write(selector: AdvancedEventSelector) -> frozenset[str]:
    """Which of read and write events an advanced selector lets through (its readOnly field)."""
    covered = {READ, WRITE}
    for field in _fields(selector, "readOnly"):
        if field.equals:
            allowed = {READ if value.lower() == "true" else WRITE for value in field.equals}
        elif field.not_equals:
            allowed = {READ, WRITE} - {
                READ if value.lower() == "true" else WRITE for value in field.not_equals
            }
        else:
            allowed = {READ, WRITE}
        covered &= allowed
    return frozenset(covered)


def management_coverage(trail: Trail) -> frozenset[str]:
    """Which of read and write management events the trail records (classic or advanced selectors)."""
    covered: set[str] = set()
    for selector in trail.event_selectors:
        if selector.include_management_events:
            covered |= _CLASSIC_READ_WRITE.get(selector.read_write_type, frozenset())
    for advanced in trail.advanced_event_selectors:
        if any("Management" in f.equals for f in _fields(advanced, "eventCategory")):
            covered |= _advanced_read_write(advanced)
    return frozenset(covered)


def records_all_management_events(trail: Trail) -> bool:
    return management_coverage(trail) == {READ, WRITE}


def is_account_trail(trail: Trail) -> bool:
    """CIS 4.1: multi-region, logging, and recording read and write management events."""
    return trail.is_multi_region and trail.is_logging and records_all_management_events(trail)


def s3_object_coverage(trail: Trail, partition: str = "aws") -> frozenset[str]:
    """Which of read and write S3 object-level data events the trail records for *all* buckets."""
    all_buckets = {f"arn:{partition}:s3", f"arn:{partition}:s3:::"}
    covered: set[str] = set()
    for selector in trail.event_selectors:
        if any(r.type == "AWS::S3::Object" and all_buckets & set(r.values) for r in selector.data_resources):
            covered |= _CLASSIC_READ_WRITE.get(selector.read_write_type, frozenset())
    for advanced in trail.advanced_event_selectors:
        if not any("Data" in f.equals for f in _fields(advanced, "eventCategory")):
            continue
        if not any("AWS::S3::Object" in f.equals for f in _fields(advanced, "resources.type")):
            continue
        if any(f.field not in _S3_ALL_OBJECTS_FIELDS for f in advanced.field_selectors):
            continue  # resources.ARN, eventName, userIdentity.arn ...: only some buckets or events
        covered |= _advanced_read_write(advanced)
    return frozenset(covered)


def _trail_shortfalls(trail: Trail) -> list[str]:
    gaps = []
    if not trail.is_multi_region:
        gaps.append("single-region")
    if not trail.is_logging:
        gaps.append("not logging")
    coverage = management_coverage(trail)
    if coverage != {READ, WRITE}:
        gaps.append(
            "no management events"
            if not coverage
            else f"management events {'read' if READ in coverage else 'write'}-only"
        )
    return gaps


def _trail_resource(inv: AwsInventory, region: str) -> str:
    return f"arn:{inv.partition}:cloudtrail:{region}:{inv.account_id}:trail"


def _per_trail(inv: AwsInventory, judge: Callable[[Trail], Verdict]) -> Iterator[Verdict]:
    """One verdict per trail in its home region; ERROR for a region whose trails could not be read."""
    assessed = False
    for region in inv.region_list():
        if region.trails is None:
            assessed = True
            yield not_evaluated(
                _trail_resource(inv, region.name), region.name, inv.errors_for(region.name, "trails")
            )
            continue
        for trail in region.trails:
            assessed = True
            yield judge(trail)
    if not assessed:
        yield not_applicable(
            inv.account_id,
            GLOBAL,
            "No CloudTrail trail exists in the scanned regions "
            "(aws.cloudtrail.multi_region_trail_logging reports the missing trail).",
        )


def _account_verdict(
    inv: AwsInventory, qualifying: list[Trail], unread: list[str], label: str, failure: str, **evidence: Any
) -> Verdict:
    """PASS when a trail qualifies; else ERROR if some region's trails are unread; else FAIL."""
    if qualifying:
        names = ", ".join(t.name for t in qualifying)
        return passed(
            inv.account_id, GLOBAL, f"{label}: recorded by {names}", trails=[t.arn for t in qualifying]
        )
    if unread:
        return not_evaluated(inv.account_id, GLOBAL, trail_errors(inv, unread))
    return failed(inv.account_id, GLOBAL, f"{label}: {failure}", **evidence)


# --- 4.1 CloudTrail enabled in all regions ----------------------------------------------------


@aws_check(
    id="aws.cloudtrail.multi_region_trail_logging",
    title="A multi-region CloudTrail trail is logging read and write management events",
    severity=Severity.HIGH,
    rationale=(
        "CloudTrail is the module's API-activity log: every console, CLI and SDK call, who made it and "
        "from where. A multi-region trail that records all read and write management events is the only "
        "way to see API activity in every region, including regions nobody uses (CIS AWS 7.0 4.1)."
    ),
    risk=(
        "API abuse, credential misuse and changes to network controls leave no trail to investigate or "
        "alert on; the runbook's 'API abuse: CloudTrail anomaly' detection has nothing to read."
    ),
    remediation=Remediation(
        cli=(
            "aws cloudtrail create-trail --region {home_region} --name {trail_name} "
            "--s3-bucket-name {s3_bucket} --is-multi-region-trail --enable-log-file-validation\n"
            "aws cloudtrail put-event-selectors --region {home_region} --trail-name {trail_name} "
            '--event-selectors \'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\'\n'
            "aws cloudtrail start-logging --region {home_region} --name {trail_name}"
        ),
        console=[
            "Open the CloudTrail console > Trails > Create trail (or edit an existing trail).",
            "Apply the trail to all regions (or to the whole organization).",
            "Under Management events choose Read and Write.",
            "Make sure the trail's Logging status is On.",
        ],
        text=(
            "Have at least one trail that is multi-region (or an organization trail), is logging, and "
            "records read and write management events. An existing trail can be converted with "
            "update-trail --is-multi-region-trail."
        ),
    ),
    references=(
        f"{DOCS}/receive-cloudtrail-log-files-from-multiple-regions.html",
        f"{DOCS}/logging-management-events-with-cloudtrail.html",
        f"{DOCS}/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli.html",
    ),
    module_section=MODULE_SECTION,
    datasets=("trails",),
)
def cloudtrail_multi_region_trail_logging(inv: AwsInventory) -> Iterator[Verdict]:
    if not inv.regions:
        return
    trails, unread = collected_trails(inv)
    qualifying = [t for t in trails if is_account_trail(t)]
    if trails:
        detail = "; ".join(f"{t.name}: {', '.join(_trail_shortfalls(t))}" for t in trails)
        failure = f"none of the {len(trails)} trail(s) qualifies ({detail})"
    else:
        failure = "no trail exists in the scanned regions"
    yield _account_verdict(
        inv,
        qualifying,
        unread,
        "Multi-region trail logging read and write management events",
        failure,
        shortfalls={t.arn: _trail_shortfalls(t) for t in trails},
    )


# --- 4.2 log file validation ------------------------------------------------------------------


@aws_check(
    id="aws.cloudtrail.log_file_validation_enabled",
    title="CloudTrail log file validation is enabled",
    severity=Severity.MEDIUM,
    rationale=(
        "Log file validation writes signed digest files, so an investigator can prove that the API "
        "activity log was not altered or deleted after delivery (CIS AWS 7.0 4.2)."
    ),
    risk="An intruder who reaches the log bucket can edit or delete trail files without detection.",
    remediation=Remediation(
        cli="aws cloudtrail update-trail --region {region} --name {resource_id} --enable-log-file-validation",
        console=[
            "CloudTrail console > Trails > select the trail > General details > Edit.",
            "Under Additional settings, enable Log file validation and save.",
        ],
        text="Enable log file validation on the trail; validate later with 'aws cloudtrail validate-logs'.",
    ),
    references=(
        f"{DOCS}/cloudtrail-log-file-validation-enabling.html",
        f"{DOCS}/cloudtrail-log-file-validation-intro.html",
    ),
    module_section=MODULE_SECTION,
    datasets=("trails",),
)
def cloudtrail_log_file_validation(inv: AwsInventory) -> Iterator[Verdict]:
    def judge(trail: Trail) -> Verdict:
        if trail.log_file_validation:
            return passed(trail.arn, trail.home_region, f"Trail {trail.name} has log file validation enabled")
        return failed(
            trail.arn,
            trail.home_region,
            f"Trail {trail.name} does not validate its log files",
            trail_name=trail.name,
        )

    yield from _per_trail(inv, judge)


# --- 4.5 KMS encryption -----------------------------------------------------------------------


@aws_check(
    id="aws.cloudtrail.kms_encryption_enabled",
    title="CloudTrail logs are encrypted at rest with a KMS key",
    severity=Severity.MEDIUM,
    rationale=(
        "SSE-KMS puts a second permission in front of the API-activity log: reading it needs kms:Decrypt "
        "on the key as well as s3:GetObject, and every decryption is itself logged (CIS AWS 7.0 4.5)."
    ),
    risk="Anyone with read access to the log bucket can read the account's full API history.",
    remediation=Remediation(
        cli="aws cloudtrail update-trail --region {region} --name {resource_id} --kms-key-id {kms_key_arn}",
        console=[
            "CloudTrail console > Trails > select the trail > General details > Edit.",
            "Enable Log file SSE-KMS encryption, choose or create a customer managed key, and save.",
        ],
        text=(
            "Encrypt the trail with a customer managed KMS key whose key policy lets "
            "cloudtrail.amazonaws.com encrypt and the log readers decrypt."
        ),
    ),
    references=(
        f"{DOCS}/encrypting-cloudtrail-log-files-with-aws-kms.html",
        f"{DOCS}/create-kms-key-policy-for-cloudtrail.html",
    ),
    module_section=MODULE_SECTION,
    datasets=("trails",),
)
def cloudtrail_kms_encryption(inv: AwsInventory) -> Iterator[Verdict]:
    def judge(trail: Trail) -> Verdict:
        if trail.kms_key_id:
            return passed(
                trail.arn,
                trail.home_region,
                f"Trail {trail.name} is encrypted with KMS key {trail.kms_key_id}",
                kms_key_id=trail.kms_key_id,
            )
        return failed(
            trail.arn,
            trail.home_region,
            f"Trail {trail.name} is not encrypted with a KMS key (S3-managed encryption only)",
            trail_name=trail.name,
        )

    yield from _per_trail(inv, judge)


# --- 4.4 server access logging on the trail bucket --------------------------------------------


@aws_check(
    id="aws.cloudtrail.bucket_access_logging_enabled",
    title="Server access logging is enabled on the CloudTrail S3 bucket",
    severity=Severity.MEDIUM,
    rationale=(
        "Server access logs on the trail bucket record who read, wrote or deleted the API-activity log "
        "itself, which is what an investigator needs when the log is the target (CIS AWS 7.0 4.4)."
    ),
    risk="Reads and deletions of the CloudTrail files are invisible; tampering with evidence goes unseen.",
    remediation=Remediation(
        cli=(
            "aws s3api put-bucket-logging --bucket {bucket} --bucket-logging-status "
            '\'{"LoggingEnabled":{"TargetBucket":"{access_log_bucket}","TargetPrefix":"{bucket}/"}}\''
        ),
        console=[
            "S3 console > the CloudTrail bucket > Properties > Server access logging > Edit.",
            "Enable it with a separate target bucket (not the trail bucket itself) and save.",
        ],
        text="Enable server access logging on every bucket a trail delivers to, into a different bucket.",
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
        f"{DOCS}/create-s3-bucket-policy-for-cloudtrail.html",
    ),
    module_section=MODULE_SECTION,
    datasets=("trails", "bucket_logging"),
)
def cloudtrail_bucket_access_logging(inv: AwsInventory) -> Iterator[Verdict]:
    buckets: dict[str, list[str]] = {}
    assessed = False
    for region in inv.region_list():
        if region.trails is None:
            assessed = True
            yield not_evaluated(
                _trail_resource(inv, region.name), region.name, inv.errors_for(region.name, "trails")
            )
            continue
        for trail in region.trails:
            if trail.s3_bucket:
                buckets.setdefault(trail.s3_bucket, [])
                if trail.name not in buckets[trail.s3_bucket]:
                    buckets[trail.s3_bucket].append(trail.name)
    for bucket, names in sorted(buckets.items()):
        assessed = True
        trail_names = sorted(names)
        resource = f"arn:{inv.partition}:s3:::{bucket}"
        state = None if inv.bucket_logging is None else inv.bucket_logging.get(bucket)
        if state is None:
            yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "bucket_logging", resource=bucket))
        elif state.logging_enabled:
            yield passed(
                resource,
                GLOBAL,
                f"Bucket {bucket} (trails {', '.join(trail_names)}) logs server access to "
                f"{state.target_bucket or 'a target bucket'}",
                bucket=bucket,
                trails=trail_names,
                target_bucket=state.target_bucket,
            )
        else:
            yield failed(
                resource,
                GLOBAL,
                f"Bucket {bucket} receives CloudTrail logs (trails {', '.join(trail_names)}) "
                "but has no server access logging",
                bucket=bucket,
                trails=trail_names,
            )
    if not assessed:
        yield not_applicable(inv.account_id, GLOBAL, "No CloudTrail trail delivers to an S3 bucket")


# --- 4.8 / 4.9 S3 object-level data events ----------------------------------------------------


def _s3_object_events(inv: AwsInventory, wanted: str, label: str) -> Iterator[Verdict]:
    if not inv.regions:
        return
    trails, unread = collected_trails(inv)
    account_trails = [t for t in trails if t.is_multi_region and t.is_logging]
    qualifying = [t for t in account_trails if wanted in s3_object_coverage(t, inv.partition)]
    evidence: dict[str, Any] = {}
    if account_trails:
        evidence = {"trail_name": account_trails[0].name, "home_region": account_trails[0].home_region}
        names = ", ".join(t.name for t in account_trails)
        failure = f"none of the logging multi-region trails ({names}) records them"
    else:
        failure = "no logging multi-region trail exists to record them"
    evidence["coverage"] = {t.arn: sorted(s3_object_coverage(t, inv.partition)) for t in account_trails}
    yield _account_verdict(
        inv, qualifying, unread, f"S3 object-level {label} events for all buckets", failure, **evidence
    )


def _s3_remediation(read_only: str, label: str) -> Remediation:
    return Remediation(
        cli=(
            "aws cloudtrail put-event-selectors --region {home_region} --trail-name {trail_name} "
            "--advanced-event-selectors '["
            '{"Name":"Management events","FieldSelectors":['
            '{"Field":"eventCategory","Equals":["Management"]}]},'
            f'{{"Name":"S3 object-level {label} events","FieldSelectors":['
            '{"Field":"eventCategory","Equals":["Data"]},'
            '{"Field":"resources.type","Equals":["AWS::S3::Object"]},'
            f'{{"Field":"readOnly","Equals":["{read_only}"]}}]}}'
            "]'"
        ),
        console=[
            "CloudTrail console > Trails > the multi-region trail > Data events > Edit.",
            "Add a data event: Data event type S3, Log selector template "
            f"'Log {label}only events' (or 'Log all events') for all current and future buckets.",
        ],
        text=(
            f"Record S3 object-level {label} data events for all buckets on a logging multi-region trail. "
            "put-event-selectors replaces the trail's selectors, so keep the management-event selector "
            "(shown) and any other selector the trail already has."
        ),
    )


@aws_check(
    id="aws.cloudtrail.s3_object_write_events",
    title="CloudTrail records S3 object-level write events for all buckets",
    severity=Severity.MEDIUM,
    rationale=(
        "Management events do not include PutObject or DeleteObject. Object-level write events show who "
        "changed or destroyed data in S3 (CIS AWS 7.0 4.8)."
    ),
    risk="Object overwrites, deletions and ransomware-style encryption of S3 data cannot be attributed.",
    remediation=_s3_remediation("false", "write"),
    references=(f"{DOCS}/logging-data-events-with-cloudtrail.html", f"{DOCS}/filtering-data-events.html"),
    module_section=MODULE_SECTION,
    datasets=("trails",),
)
def cloudtrail_s3_object_write_events(inv: AwsInventory) -> Iterator[Verdict]:
    yield from _s3_object_events(inv, WRITE, "write")


@aws_check(
    id="aws.cloudtrail.s3_object_read_events",
    title="CloudTrail records S3 object-level read events for all buckets",
    severity=Severity.MEDIUM,
    rationale=(
        "Object-level read events (GetObject) are what shows the module's 'Data exfiltration: S3' "
        "scenario in the API log: which principal read which objects, from where (CIS AWS 7.0 4.9)."
    ),
    risk="Bulk downloads from S3 by stolen credentials leave no per-object record.",
    remediation=_s3_remediation("true", "read"),
    references=(f"{DOCS}/logging-data-events-with-cloudtrail.html", f"{DOCS}/filtering-data-events.html"),
    module_section=MODULE_SECTION,
    datasets=("trails",),
)
def cloudtrail_s3_object_read_events(inv: AwsInventory) -> Iterator[Verdict]:
    yield from _s3_object_events(inv, READ, "read")


# --- CloudWatch Logs delivery (SIEM integration) ----------------------------------------------


@aws_check(
    id="aws.cloudtrail.cloudwatch_logs_integration",
    title="CloudTrail trails deliver to CloudWatch Logs",
    severity=Severity.MEDIUM,
    rationale=(
        "A trail that also delivers to a CloudWatch Logs group can be searched in near real time, feeds "
        "the CIS metric filters and alarms, and is the usual path into the module's SIEM aggregation."
    ),
    risk="API activity is only in S3: no metric-filter alarms, no Logs Insights queries, slower SIEM intake.",
    remediation=Remediation(
        cli=(
            "aws cloudtrail update-trail --region {region} --name {resource_id} "
            "--cloud-watch-logs-log-group-arn {log_group_arn} --cloud-watch-logs-role-arn {role_arn}"
        ),
        console=[
            "CloudTrail console > Trails > select the trail > CloudWatch Logs > Edit.",
            "Enable CloudWatch Logs, choose or create a log group and an IAM role, and save.",
        ],
        text=(
            "Send the trail to a CloudWatch Logs log group, with a role that allows logs:CreateLogStream "
            "and logs:PutLogEvents on it."
        ),
    ),
    references=(
        f"{DOCS}/send-cloudtrail-events-to-cloudwatch-logs.html",
        f"{DOCS}/monitor-cloudtrail-log-files-with-cloudwatch-logs.html",
    ),
    module_section=SIEM_SECTION,
    datasets=("trails",),
)
def cloudtrail_cloudwatch_logs_integration(inv: AwsInventory) -> Iterator[Verdict]:
    def judge(trail: Trail) -> Verdict:
        if trail.cloudwatch_log_group_arn:
            return passed(
                trail.arn,
                trail.home_region,
                f"Trail {trail.name} delivers to CloudWatch Logs group {trail.cloudwatch_log_group_name} "
                f"in {trail.cloudwatch_log_group_region}",
                log_group_arn=trail.cloudwatch_log_group_arn,
            )
        return failed(
            trail.arn,
            trail.home_region,
            f"Trail {trail.name} does not deliver to CloudWatch Logs",
            trail_name=trail.name,
        )

    yield from _per_trail(inv, judge)


# --- Trail delivering -------------------------------------------------------------------------


@aws_check(
    id="aws.cloudtrail.trail_delivering",
    title="CloudTrail trails are logging and delivering without errors",
    severity=Severity.HIGH,
    rationale=(
        "A trail that exists but is stopped, or whose deliveries to S3 fail (a changed bucket policy, a "
        "deleted bucket, a KMS key it cannot use), records nothing: configuration alone proves nothing."
    ),
    risk="The API-activity log silently stops; the gap is discovered during an incident.",
    remediation=Remediation(
        cli=(
            "aws cloudtrail start-logging --region {region} --name {resource_id}\n"
            "aws cloudtrail get-trail-status --region {region} --name {resource_id}"
        ),
        console=[
            "CloudTrail console > Trails > select the trail: check Logging status and the last delivery.",
            "If delivery fails, fix the S3 bucket policy or the KMS key policy, then start logging.",
        ],
        text=(
            "Start logging, then read LatestDeliveryError from get-trail-status and fix its cause "
            "(usually the bucket policy or the KMS key policy)."
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html",
        f"{DOCS}/create-s3-bucket-policy-for-cloudtrail.html",
    ),
    module_section=MODULE_SECTION,
    datasets=("trails",),
)
def cloudtrail_trail_delivering(inv: AwsInventory) -> Iterator[Verdict]:
    def judge(trail: Trail) -> Verdict:
        if not trail.is_logging:
            return failed(trail.arn, trail.home_region, f"Trail {trail.name} is not logging (stopped)")
        if trail.latest_delivery_error:
            return failed(
                trail.arn,
                trail.home_region,
                f"Trail {trail.name} is logging but its last delivery failed: {trail.latest_delivery_error}",
                latest_delivery_error=trail.latest_delivery_error,
            )
        return passed(trail.arn, trail.home_region, f"Trail {trail.name} is logging and delivering")

    yield from _per_trail(inv, judge)
