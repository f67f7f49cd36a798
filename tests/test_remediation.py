from auditor.model import Finding, Severity, Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command


def _finding(**kw):
    base = dict(
        id="x",
        check_id="aws.guardduty.s3_protection_enabled",
        provider="aws",
        service="guardduty",
        severity=Severity.MEDIUM,
        status=Status.FAIL,
        account="111122223333",
        region="eu-west-1",
        resource_id="arn:aws:guardduty:eu-west-1:111122223333:detector/d1",
        message="m",
        evidence={"detector_id": "d1"},
    )
    base.update(kw)
    return Finding(**base)


def test_placeholders_are_filled_and_json_arguments_left_alone():
    meta = load_checks().get("aws.guardduty.s3_protection_enabled").meta
    command = remediation_command(meta, _finding())
    assert "--region eu-west-1" in command
    assert "--detector-id d1" in command
    assert '[{"Name":"S3_DATA_EVENTS","Status":"ENABLED"}]' in command


def test_unknown_placeholders_stay_visible():
    meta = load_checks().get("aws.guardduty.s3_protection_enabled").meta
    assert "--detector-id <detector_id>" in remediation_command(meta, _finding(evidence={}))
    assert "<region>" in remediation_command(meta)
