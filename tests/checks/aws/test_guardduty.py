from auditor.model import Status
from tests.conftest import collection_error, make_inventory, run_check


def _detector(status="ENABLED", **features):
    return {
        "id": "d1",
        "status": status,
        "features": [{"name": name, "status": state} for name, state in features.items()],
    }


def test_enabled_in_every_region_passes_only_where_a_detector_runs():
    inv = make_inventory(
        {
            "us-east-1": {"guardduty_detectors": [_detector()]},
            "eu-west-1": {"guardduty_detectors": []},
            "ap-south-1": {"guardduty_detectors": [_detector(status="DISABLED")]},
        }
    )
    by_region = {f.region: f for f in run_check("aws.guardduty.enabled_all_regions", inv)}
    assert by_region["us-east-1"].status is Status.PASS
    assert by_region["eu-west-1"].status is Status.FAIL
    assert by_region["ap-south-1"].status is Status.FAIL
    assert "DISABLED" in by_region["ap-south-1"].message


def test_denied_region_is_error_and_names_the_call():
    inv = make_inventory(
        {"us-east-1": {"guardduty_detectors": [_detector()]}, "eu-west-1": {}},
        errors=[collection_error("eu-west-1", "guardduty_detectors", "guardduty", operation="ListDetectors")],
    )
    by_region = {f.region: f for f in run_check("aws.guardduty.enabled_all_regions", inv)}
    assert by_region["eu-west-1"].status is Status.ERROR
    assert "guardduty:ListDetectors in eu-west-1" in by_region["eu-west-1"].message
    assert by_region["us-east-1"].status is Status.PASS


def test_no_regions_is_not_applicable():
    findings = run_check("aws.guardduty.enabled_all_regions", make_inventory({}))
    assert [f.status for f in findings] == [Status.NOT_APPLICABLE]


def test_s3_protection_reads_features_then_legacy_data_sources():
    inv = make_inventory(
        {
            "us-east-1": {"guardduty_detectors": [_detector(S3_DATA_EVENTS="ENABLED")]},
            "us-west-2": {"guardduty_detectors": [_detector(S3_DATA_EVENTS="DISABLED")]},
            "eu-west-1": {
                "guardduty_detectors": [
                    {"id": "d2", "status": "ENABLED", "data_sources": {"S3Logs": "ENABLED"}}
                ]
            },
            "eu-central-1": {"guardduty_detectors": []},
        }
    )
    by_region = {f.region: f.status for f in run_check("aws.guardduty.s3_protection_enabled", inv)}
    assert by_region == {
        "us-east-1": Status.PASS,
        "us-west-2": Status.FAIL,
        "eu-west-1": Status.PASS,
        "eu-central-1": Status.FAIL,
    }


def test_eks_protection_fails_when_only_s3_is_on():
    inv = make_inventory(
        {
            "us-east-1": {
                "guardduty_detectors": [_detector(S3_DATA_EVENTS="ENABLED", EKS_AUDIT_LOGS="DISABLED")]
            }
        }
    )
    [finding] = run_check("aws.guardduty.eks_audit_logs_enabled", inv)
    assert finding.status is Status.FAIL
    assert finding.evidence["detector_id"] == "d1"


def test_runtime_monitoring_accepts_the_eks_only_feature():
    inv = make_inventory(
        {"us-east-1": {"guardduty_detectors": [_detector(EKS_RUNTIME_MONITORING="ENABLED")]}}
    )
    [finding] = run_check("aws.guardduty.runtime_monitoring_enabled", inv)
    assert finding.status is Status.PASS


def test_malware_protection_error_region():
    inv = make_inventory({"us-east-1": {}}, errors=[collection_error("us-east-1", "guardduty_detectors")])
    [finding] = run_check("aws.guardduty.malware_protection_enabled", inv)
    assert finding.status is Status.ERROR


def _finding(type_, severity, archived=False, **kw):
    return {"id": f"f-{type_}-{severity}", "arn": f"arn:aws:guardduty:us-east-1:1:finding/{type_}",
            "detector_id": "d1", "type": type_, "severity": severity, "resource_type": "Instance",
            "resource_id": "i-1", "archived": archived, **kw}  # fmt: skip


def test_high_and_critical_active_findings_fail_with_category_and_runbook_response():
    findings = [
        _finding("CryptoCurrency:EC2/BitcoinTool.B!DNS", 7.0),
        _finding("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 8.9),
        _finding("AttackSequence:S3/CompromisedData", 9.0),
        _finding("Recon:EC2/PortProbeUnprotectedPort", 6.9),
    ]
    inv = make_inventory(
        {"us-east-1": {"guardduty_detectors": [_detector()], "guardduty_findings": findings}}
    )
    failing = {f.evidence["type"]: f for f in run_check("aws.guardduty.no_unaddressed_high_findings", inv)}
    assert {k: f.status for k, f in failing.items()} == {
        "CryptoCurrency:EC2/BitcoinTool.B!DNS": Status.FAIL,
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS": Status.FAIL,
        "AttackSequence:S3/CompromisedData": Status.FAIL,
    }
    crypto = failing["CryptoCurrency:EC2/BitcoinTool.B!DNS"]
    assert crypto.evidence["category"] == "instance_compromise"
    assert [r["response"] for r in crypto.evidence["runbook"]] == ["Isolate instance, investigate"]
    assert crypto.message.startswith("High (7) Instance compromise finding")
    account = failing["UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"]
    assert account.evidence["category"] == "account_compromise"
    assert [r["response"] for r in account.evidence["runbook"]] == ["Revoke credentials, audit"]
    critical = failing["AttackSequence:S3/CompromisedData"]
    assert critical.message.startswith("Critical (9) Data exfiltration")
    assert [r["response"] for r in critical.evidence["runbook"]] == ["Revoke access, forensics"]


def test_only_lower_severity_findings_pass_with_counts_by_category():
    findings = [_finding("Recon:EC2/PortProbeUnprotectedPort", 2.0), _finding("Exfiltration:S3/X", 5.0)]
    inv = make_inventory(
        {"us-east-1": {"guardduty_detectors": [_detector()], "guardduty_findings": findings}}
    )
    [finding] = run_check("aws.guardduty.no_unaddressed_high_findings", inv)
    assert finding.status is Status.PASS
    assert finding.evidence["by_category"] == {
        "reconnaissance": 1, "instance_compromise": 0, "account_compromise": 0, "data_exfiltration": 1,
    }  # fmt: skip


def test_unreadable_findings_are_error_and_no_detector_is_not_applicable():
    inv = make_inventory(
        {
            "us-east-1": {"guardduty_detectors": [_detector()]},
            "eu-west-1": {"guardduty_detectors": [], "guardduty_findings": []},
        },
        errors=[collection_error("us-east-1", "guardduty_findings", "guardduty", operation="ListFindings")],
    )
    by_region = {f.region: f for f in run_check("aws.guardduty.no_unaddressed_high_findings", inv)}
    assert by_region["us-east-1"].status is Status.ERROR
    assert "guardduty:ListFindings in us-east-1" in by_region["us-east-1"].message
    assert by_region["eu-west-1"].status is Status.NOT_APPLICABLE
