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


def test_active_findings_are_listed_then_fetched_in_batches(pool) -> None:
    import boto3

    from auditor.emulators import moto_extensions
    from auditor.providers.aws.units import guardduty
    from tests.providers.aws.estate import ACCOUNT, EAST

    moto_extensions.install()
    client = boto3.client("guardduty", EAST)
    detector_id = client.create_detector(Enable=True)["DetectorId"]
    types = [f"Recon:EC2/Sample{i}" for i in range(60)] + ["CryptoCurrency:EC2/BitcoinTool.B!DNS"]
    client.create_sample_findings(DetectorId=detector_id, FindingTypes=types)
    archived = client.list_findings(DetectorId=detector_id, MaxResults=1)["FindingIds"]
    client.archive_findings(DetectorId=detector_id, FindingIds=archived)

    context = guardduty.UNIT.run(pool, ACCOUNT, EAST)
    assert context.errors == []
    found = context.values["guardduty_findings"]
    assert len(found) == 60  # 61 sample findings, one archived
    top = found[0]  # the highest severity first
    assert (top.type, top.severity, top.resource_type, top.sample) == (
        "CryptoCurrency:EC2/BitcoinTool.B!DNS",
        8.0,
        "Instance",
        True,
    )
    assert top.resource_id.startswith("i-") and top.detector_id == detector_id
    assert archived[0] not in {f.id for f in found}


def test_findings_of_unreadable_detectors_stay_unknown(session, pool) -> None:
    from auditor.providers.aws.units import guardduty
    from tests.providers.aws.estate import ACCOUNT, EAST
    from tests.providers.aws.wire import answer_error

    answer_error(session, "guardduty", "ListDetectors", "AccessDeniedException", "no", status=403)
    context = guardduty.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values == {"guardduty_detectors": None, "guardduty_findings": None}
    assert [(e.operation, e.dataset) for e in context.errors] == [("ListDetectors", "guardduty_detectors")]


def test_denied_list_findings_is_an_error_of_its_own_dataset(session, pool) -> None:
    import boto3

    from auditor.providers.aws.units import guardduty
    from tests.providers.aws.estate import ACCOUNT, EAST
    from tests.providers.aws.wire import answer_error

    boto3.client("guardduty", EAST).create_detector(Enable=True)
    answer_error(session, "guardduty", "ListFindings", "AccessDeniedException", "no", status=403)
    context = guardduty.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values["guardduty_findings"] is None
    assert len(context.values["guardduty_detectors"]) == 1
    assert [(e.operation, e.dataset, e.kind) for e in context.errors] == [
        ("ListFindings", "guardduty_findings", "denied")
    ]
