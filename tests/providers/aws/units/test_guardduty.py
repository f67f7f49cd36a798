"""GuardDuty: legacy data sources flattened, features with their additional configuration."""

from __future__ import annotations

from auditor.providers.aws.units.guardduty import data_source_statuses, detector


def test_data_sources_are_flattened_to_dotted_names() -> None:
    sources = {
        "CloudTrail": {"Status": "ENABLED"},
        "S3Logs": {"Status": "ENABLED"},
        "Kubernetes": {"AuditLogs": {"Status": "DISABLED"}},
        "MalwareProtection": {
            "ScanEc2InstanceWithFindings": {"EbsVolumes": {"Status": "ENABLED", "Reason": "x"}},
            "ServiceRole": "arn:aws:iam::1:role/x",
        },
    }
    assert data_source_statuses(sources) == {
        "CloudTrail": "ENABLED",
        "S3Logs": "ENABLED",
        "Kubernetes.AuditLogs": "DISABLED",
        "MalwareProtection.ScanEc2InstanceWithFindings.EbsVolumes": "ENABLED",
    }


def test_legacy_data_sources_still_answer_feature_questions() -> None:
    found = detector("d-1", {"Status": "ENABLED", "DataSources": {"S3Logs": {"Status": "ENABLED"}}})
    assert found.features == []
    assert found.feature_enabled("S3_DATA_EVENTS")
    assert not found.feature_enabled("EKS_AUDIT_LOGS")
