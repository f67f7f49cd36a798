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
