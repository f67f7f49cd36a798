from typing import Any

from auditor.model import Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command
from tests.conftest import ACCOUNT, collection_error, make_inventory, run_check, statuses

MANAGEMENT_ALL: list[dict[str, Any]] = [{"read_write_type": "All", "include_management_events": True}]


def _trail(name: str = "main", region: str = "us-east-1", **fields: Any) -> dict[str, Any]:
    trail: dict[str, Any] = {
        "name": name,
        "arn": f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}",
        "home_region": region,
        "is_multi_region": True,
        "is_logging": True,
        "s3_bucket": "trail-bucket",
        "event_selectors": MANAGEMENT_ALL,
    }
    return trail | fields


def _advanced(*fields: tuple[str, str, list[str]]) -> dict[str, Any]:
    """An advanced event selector from (field, operator, values) triples."""
    return {"field_selectors": [{"field": f, op: values} for f, op, values in fields]}


# --- multi_region_trail_logging -----------------------------------------------------------------


def test_multi_region_logging_trail_with_all_management_events_passes():
    inv = make_inventory({"us-east-1": {"trails": [_trail()]}, "eu-west-1": {"trails": []}})
    [finding] = run_check("aws.cloudtrail.multi_region_trail_logging", inv)
    assert finding.status is Status.PASS
    assert finding.region == "global"
    assert "main" in finding.message


def test_organization_trail_with_advanced_management_selector_passes():
    org_trail = _trail(
        "org",
        "eu-west-1",
        arn="arn:aws:cloudtrail:eu-west-1:999988887777:trail/org",
        is_organization_trail=True,
        event_selectors=[],
        advanced_event_selectors=[_advanced(("eventCategory", "equals", ["Management"]))],
    )
    inv = make_inventory({"eu-west-1": {"trails": [org_trail]}})
    [finding] = run_check("aws.cloudtrail.multi_region_trail_logging", inv)
    assert finding.status is Status.PASS


def test_read_only_and_write_only_selectors_together_cover_all_management_events():
    trail = _trail(
        event_selectors=[
            {"read_write_type": "ReadOnly", "include_management_events": True},
            {"read_write_type": "WriteOnly", "include_management_events": True},
        ]
    )
    [finding] = run_check(
        "aws.cloudtrail.multi_region_trail_logging", make_inventory({"us-east-1": {"trails": [trail]}})
    )
    assert finding.status is Status.PASS


def test_trails_that_fall_short_fail_and_say_why():
    inv = make_inventory(
        {
            "us-east-1": {
                "trails": [
                    _trail("regional", is_multi_region=False),
                    _trail("stopped", is_logging=False),
                    _trail("writes", event_selectors=[{"read_write_type": "WriteOnly"}]),
                    _trail(
                        "adv-writes",
                        event_selectors=[],
                        advanced_event_selectors=[
                            _advanced(
                                ("eventCategory", "equals", ["Management"]), ("readOnly", "equals", ["false"])
                            )
                        ],
                    ),
                ]
            }
        }
    )
    [finding] = run_check("aws.cloudtrail.multi_region_trail_logging", inv)
    assert finding.status is Status.FAIL
    assert "regional: single-region" in finding.message
    assert "stopped: not logging" in finding.message
    assert "writes: management events write-only" in finding.message
    assert "adv-writes: management events write-only" in finding.message


def test_no_trail_at_all_fails():
    [finding] = run_check(
        "aws.cloudtrail.multi_region_trail_logging", make_inventory({"us-east-1": {"trails": []}})
    )
    assert finding.status is Status.FAIL
    assert "no trail exists" in finding.message


def test_unread_region_turns_a_missing_trail_into_error():
    inv = make_inventory(
        {"us-east-1": {"trails": [_trail(is_logging=False)]}, "eu-west-1": {}},
        errors=[collection_error("eu-west-1", "trails", "cloudtrail", operation="DescribeTrails")],
    )
    [finding] = run_check("aws.cloudtrail.multi_region_trail_logging", inv)
    assert finding.status is Status.ERROR
    assert "cloudtrail:DescribeTrails in eu-west-1" in finding.message


def test_unread_region_does_not_hide_a_qualifying_trail():
    inv = make_inventory(
        {"us-east-1": {"trails": [_trail()]}, "eu-west-1": {}},
        errors=[collection_error("eu-west-1", "trails", "cloudtrail")],
    )
    [finding] = run_check("aws.cloudtrail.multi_region_trail_logging", inv)
    assert finding.status is Status.PASS


def test_no_scanned_region_is_not_applicable():
    [finding] = run_check("aws.cloudtrail.multi_region_trail_logging", make_inventory({}))
    assert finding.status is Status.NOT_APPLICABLE


# --- per-trail checks ---------------------------------------------------------------------------


def test_log_file_validation_per_trail_in_home_region():
    inv = make_inventory(
        {
            "us-east-1": {"trails": [_trail("good", log_file_validation=True)]},
            "eu-west-1": {"trails": [_trail("bad", "eu-west-1")]},
        }
    )
    findings = {f.resource_id: f for f in run_check("aws.cloudtrail.log_file_validation_enabled", inv)}
    good = findings[f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/good"]
    bad = findings[f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/bad"]
    assert good.status is Status.PASS
    assert bad.status is Status.FAIL
    assert bad.region == "eu-west-1"
    assert "bad does not validate" in bad.message
    meta = load_checks().get("aws.cloudtrail.log_file_validation_enabled").meta
    assert remediation_command(meta, bad) == (
        f"aws cloudtrail update-trail --region eu-west-1 --name {bad.resource_id} "
        "--enable-log-file-validation"
    )


def test_per_trail_checks_error_on_unread_region_and_are_not_applicable_without_trails():
    inv = make_inventory({"us-east-1": {}}, errors=[collection_error("us-east-1", "trails", "cloudtrail")])
    [error] = run_check("aws.cloudtrail.kms_encryption_enabled", inv)
    assert error.status is Status.ERROR
    assert error.region == "us-east-1"
    [na] = run_check("aws.cloudtrail.kms_encryption_enabled", make_inventory({"us-east-1": {"trails": []}}))
    assert na.status is Status.NOT_APPLICABLE
    assert "No CloudTrail trail" in na.message


def test_kms_encryption_per_trail():
    inv = make_inventory(
        {
            "us-east-1": {
                "trails": [
                    _trail("enc", kms_key_id="arn:aws:kms:us-east-1:111122223333:key/k1"),
                    _trail("plain"),
                ]
            }
        }
    )
    by_name = {
        f.resource_id.rsplit("/", 1)[1]: f for f in run_check("aws.cloudtrail.kms_encryption_enabled", inv)
    }
    assert by_name["enc"].status is Status.PASS
    assert by_name["plain"].status is Status.FAIL
    assert "not encrypted with a KMS key" in by_name["plain"].message


def test_cloudwatch_logs_integration_per_trail():
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:CloudTrail/main:*"
    inv = make_inventory(
        {"us-east-1": {"trails": [_trail("sent", cloudwatch_log_group_arn=group), _trail("s3only")]}},
    )
    by_name = {
        f.resource_id.rsplit("/", 1)[1]: f
        for f in run_check("aws.cloudtrail.cloudwatch_logs_integration", inv)
    }
    assert by_name["sent"].status is Status.PASS
    assert "CloudTrail/main in us-east-1" in by_name["sent"].message
    assert by_name["s3only"].status is Status.FAIL
    inv = make_inventory({"us-east-1": {}}, errors=[collection_error("us-east-1", "trails", "cloudtrail")])
    assert [f.status for f in run_check("aws.cloudtrail.cloudwatch_logs_integration", inv)] == [Status.ERROR]


def test_trail_delivering_needs_logging_and_no_delivery_error():
    inv = make_inventory(
        {
            "us-east-1": {
                "trails": [
                    _trail("ok"),
                    _trail("stopped", is_logging=False),
                    _trail("broken", latest_delivery_error="AccessDenied"),
                ]
            }
        }
    )
    by_name = {f.resource_id.rsplit("/", 1)[1]: f for f in run_check("aws.cloudtrail.trail_delivering", inv)}
    assert by_name["ok"].status is Status.PASS
    assert by_name["stopped"].status is Status.FAIL
    assert "not logging" in by_name["stopped"].message
    assert by_name["broken"].status is Status.FAIL
    assert "AccessDenied" in by_name["broken"].message
    [na] = run_check("aws.cloudtrail.trail_delivering", make_inventory({"us-east-1": {"trails": []}}))
    assert na.status is Status.NOT_APPLICABLE
    inv = make_inventory({"us-east-1": {}}, errors=[collection_error("us-east-1", "trails", "cloudtrail")])
    assert [f.status for f in run_check("aws.cloudtrail.trail_delivering", inv)] == [Status.ERROR]


# --- bucket_access_logging_enabled --------------------------------------------------------------


def test_bucket_access_logging_per_trail_bucket():
    inv = make_inventory(
        {
            "us-east-1": {"trails": [_trail("a", s3_bucket="logged"), _trail("b", s3_bucket="unlogged")]},
            "eu-west-1": {"trails": [_trail("c", "eu-west-1", s3_bucket="logged")]},
        },
        bucket_logging={
            "logged": {"bucket": "logged", "logging_enabled": True, "target_bucket": "access-logs"},
            "unlogged": {"bucket": "unlogged", "logging_enabled": False},
        },
    )
    findings = run_check("aws.cloudtrail.bucket_access_logging_enabled", inv)
    assert statuses(findings) == {"arn:aws:s3:::logged": Status.PASS, "arn:aws:s3:::unlogged": Status.FAIL}
    logged = next(f for f in findings if f.resource_id == "arn:aws:s3:::logged")
    assert logged.evidence["trails"] == ["a", "c"]
    unlogged = next(f for f in findings if f.resource_id == "arn:aws:s3:::unlogged")
    meta = load_checks().get("aws.cloudtrail.bucket_access_logging_enabled").meta
    assert remediation_command(meta, unlogged) == (
        "aws s3api put-bucket-logging --bucket unlogged --bucket-logging-status "
        '\'{"LoggingEnabled":{"TargetBucket":"<access_log_bucket>","TargetPrefix":"unlogged/"}}\''
    )


def test_bucket_access_logging_unreadable_bucket_is_error_for_that_bucket_only():
    inv = make_inventory(
        {"us-east-1": {"trails": [_trail("a", s3_bucket="logged"), _trail("b", s3_bucket="foreign")]}},
        bucket_logging={"logged": {"bucket": "logged", "logging_enabled": True}, "foreign": None},
        errors=[
            collection_error(
                "global", "bucket_logging", "s3", operation="GetBucketLogging", resource="foreign"
            )
        ],
    )
    findings = {f.resource_id: f for f in run_check("aws.cloudtrail.bucket_access_logging_enabled", inv)}
    assert findings["arn:aws:s3:::logged"].status is Status.PASS
    foreign = findings["arn:aws:s3:::foreign"]
    assert foreign.status is Status.ERROR
    assert "s3:GetBucketLogging in global for foreign" in foreign.message


def test_bucket_access_logging_whole_dataset_unread_is_error():
    inv = make_inventory(
        {"us-east-1": {"trails": [_trail()]}},
        errors=[collection_error("global", "bucket_logging", "s3", operation="GetBucketLogging")],
    )
    [finding] = run_check("aws.cloudtrail.bucket_access_logging_enabled", inv)
    assert finding.status is Status.ERROR
    assert "GetBucketLogging" in finding.message


def test_bucket_access_logging_not_applicable_without_trails():
    inv = make_inventory({"us-east-1": {"trails": []}}, bucket_logging={})
    [finding] = run_check("aws.cloudtrail.bucket_access_logging_enabled", inv)
    assert finding.status is Status.NOT_APPLICABLE


# --- S3 object-level data events ----------------------------------------------------------------


def _classic_s3(read_write: str, value: str = "arn:aws:s3") -> list[dict[str, Any]]:
    data = {
        "read_write_type": read_write,
        "include_management_events": False,
        "data_resources": [{"type": "AWS::S3::Object", "values": [value]}],
    }
    return [*MANAGEMENT_ALL, data]


def _s3_status(check: str, **trail_fields: Any) -> Status:
    inv = make_inventory({"us-east-1": {"trails": [_trail(**trail_fields)]}})
    [finding] = run_check(check, inv)
    return finding.status


def test_classic_s3_selectors_for_all_buckets():
    write, read = "aws.cloudtrail.s3_object_write_events", "aws.cloudtrail.s3_object_read_events"
    assert _s3_status(write, event_selectors=_classic_s3("WriteOnly")) is Status.PASS
    assert _s3_status(read, event_selectors=_classic_s3("WriteOnly")) is Status.FAIL
    assert _s3_status(read, event_selectors=_classic_s3("All", "arn:aws:s3:::")) is Status.PASS
    assert _s3_status(write, event_selectors=_classic_s3("All", "arn:aws:s3:::")) is Status.PASS
    # One bucket only is not "all buckets".
    assert _s3_status(write, event_selectors=_classic_s3("All", "arn:aws:s3:::one-bucket/")) is Status.FAIL


def test_advanced_s3_selectors():
    write, read = "aws.cloudtrail.s3_object_write_events", "aws.cloudtrail.s3_object_read_events"
    data = ("eventCategory", "equals", ["Data"])
    s3 = ("resources.type", "equals", ["AWS::S3::Object"])
    all_objects = [_advanced(data, s3)]
    writes_only = [_advanced(data, s3, ("readOnly", "equals", ["false"]))]
    one_bucket = [_advanced(data, s3, ("resources.ARN", "starts_with", ["arn:aws:s3:::one/"]))]
    assert _s3_status(write, advanced_event_selectors=all_objects) is Status.PASS
    assert _s3_status(read, advanced_event_selectors=all_objects) is Status.PASS
    assert _s3_status(write, advanced_event_selectors=writes_only) is Status.PASS
    assert _s3_status(read, advanced_event_selectors=writes_only) is Status.FAIL
    assert _s3_status(write, advanced_event_selectors=one_bucket) is Status.FAIL


def test_s3_events_on_a_stopped_or_single_region_trail_do_not_count():
    write = "aws.cloudtrail.s3_object_write_events"
    assert _s3_status(write, event_selectors=_classic_s3("All"), is_logging=False) is Status.FAIL
    assert _s3_status(write, event_selectors=_classic_s3("All"), is_multi_region=False) is Status.FAIL


def test_s3_events_fail_message_and_remediation_name_the_trail():
    inv = make_inventory({"us-east-1": {"trails": [_trail("main")]}})
    [finding] = run_check("aws.cloudtrail.s3_object_read_events", inv)
    assert finding.status is Status.FAIL
    assert "none of the logging multi-region trails (main)" in finding.message
    command = remediation_command(load_checks().get("aws.cloudtrail.s3_object_read_events").meta, finding)
    assert command.startswith("aws cloudtrail put-event-selectors --region us-east-1 --trail-name main ")
    assert '{"Field":"readOnly","Equals":["true"]}' in command
    assert '{"Field":"eventCategory","Equals":["Management"]}' in command


def test_s3_events_error_when_a_region_is_unread():
    inv = make_inventory(
        {"us-east-1": {"trails": []}, "eu-west-1": {}},
        errors=[collection_error("eu-west-1", "trails", "cloudtrail", operation="GetEventSelectors")],
    )
    for check in ("aws.cloudtrail.s3_object_write_events", "aws.cloudtrail.s3_object_read_events"):
        [finding] = run_check(check, inv)
        assert finding.status is Status.ERROR
        assert "GetEventSelectors" in finding.message
