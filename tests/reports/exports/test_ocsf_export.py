"""The OCSF export: Compliance Finding (2003) events with every required attribute and valid enums."""

from __future__ import annotations

import json
from typing import Any

import pytest

from auditor.model import Status
from reports.exports.ocsf_export import OCSF_VERSION, ocsf_events, to_ocsf

# Required attributes of OCSF 1.3.0, hard-coded from the schema (https://schema.ocsf.io/1.3.0/):
# - base_event (events/base_event.json): activity_id, category_uid, class_uid, metadata, severity_id,
#   time, type_uid; finding (events/findings/finding.json): finding_info;
#   compliance_finding (events/findings/compliance_finding.json, class uid 3 in category 2 = 2003):
#   compliance; the cloud profile (profiles/cloud.json): cloud.
# - objects: metadata {product, version}; product {vendor_name}; finding_info {uid, title};
#   compliance {standards}; cloud {provider}; remediation {desc}; resource_details: at least one of
#   uid / name (constraint).
# Cross-checked with prowler-cloud/py-ocsf-models (py_ocsf_models/events/findings/compliance_finding.py,
# objects/compliance.py, compliance_status.py, metadata.py, product.py, cloud.py, remediation.py).
CLASS_REQUIRED = {
    "activity_id",
    "category_uid",
    "class_uid",
    "compliance",
    "finding_info",
    "metadata",
    "severity_id",
    "time",
    "type_uid",
    "cloud",  # cloud profile
}
OBJECT_REQUIRED = {
    "metadata": {"product", "version"},
    "metadata.product": {"vendor_name"},
    "finding_info": {"uid", "title"},
    "compliance": {"standards"},
    "cloud": {"provider"},
    "remediation": {"desc"},
}
ENUMS = {
    "activity_id": {0: "Unknown", 1: "Create", 2: "Update", 3: "Close", 99: "Other"},
    "category_uid": {2: "Findings"},
    "class_uid": {2003: "Compliance Finding"},
    "severity_id": {
        0: "Unknown",
        1: "Informational",
        2: "Low",
        3: "Medium",
        4: "High",
        5: "Critical",
        6: "Fatal",
        99: "Other",
    },
    "status_id": {0: "Unknown", 1: "New", 2: "In Progress", 3: "Suppressed", 4: "Resolved", 99: "Other"},
    "compliance.status_id": {0: "Unknown", 1: "Pass", 2: "Warning", 3: "Fail", 99: "Other"},
    "cloud.account.type_id": {
        0: "Unknown",
        5: "GCP Account",
        6: "Azure AD Account",
        10: "AWS Account",
        99: "Other",
    },
}
# Sibling string attributes normalised to the caption of their _id (except for 99 Other).
CAPTIONS = {
    "activity_id": "activity_name",
    "category_uid": "category_name",
    "class_uid": "class_name",
    "severity_id": "severity",
    "status_id": "status",
    "compliance.status_id": "compliance.status",
    "cloud.account.type_id": "cloud.account.type",
}


def get(event: dict[str, Any], path: str) -> Any:
    value: Any = event
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def problems(event: dict[str, Any]) -> list[str]:
    """Everything in ``event`` that breaks the OCSF 1.3.0 Compliance Finding rules checked here."""
    out = [f"missing {name}" for name in sorted(CLASS_REQUIRED - event.keys())]
    for path, required in OBJECT_REQUIRED.items():
        obj = get(event, path)
        if obj is None:
            if path == "remediation":
                continue  # recommended, not required
            out.append(f"missing {path}")
            continue
        out += [f"missing {path}.{name}" for name in sorted(required - obj.keys())]
        out += [f"empty {path}.{name}" for name in sorted(required) if obj.get(name) in ("", [], None)]
    for path, allowed in ENUMS.items():
        value = get(event, path)
        if value is None:
            continue
        if value not in allowed:
            out.append(f"{path}={value!r} not in {sorted(allowed)}")
            continue
        caption = get(event, CAPTIONS[path])
        if value != 99 and caption is not None and caption != allowed[value]:
            out.append(f"{CAPTIONS[path]}={caption!r} is not the caption of {path}={value}")
        if value == 99 and not caption:
            out.append(f"{path}=99 (Other) needs {CAPTIONS[path]}")
    if event.get("type_uid") != event.get("class_uid", 0) * 100 + event.get("activity_id", 0):
        out.append("type_uid != class_uid * 100 + activity_id")
    if not isinstance(event.get("time"), int) or event["time"] < 10**12:
        out.append("time is not a timestamp_t in milliseconds")
    if get(event, "metadata.version") != OCSF_VERSION:
        out.append("metadata.version is not the OCSF version")
    for index, resource in enumerate(event.get("resources") or []):
        if not (resource.get("uid") or resource.get("name")):
            out.append(f"resources[{index}] has neither uid nor name")
    if not isinstance(get(event, "compliance.standards"), list):
        out.append("compliance.standards is not an array")
    return out


@pytest.fixture(params=["demo_result", "demo_muted_result", "edge_result"])
def any_result(request):
    return request.getfixturevalue(request.param)


def test_every_event_is_a_valid_compliance_finding(any_result):
    events = json.loads(to_ocsf(any_result))
    assert isinstance(events, list)
    assert len(events) == len(any_result.findings)
    for event in events:
        assert problems(event) == [], event["finding_info"]["uid"]


def test_the_validator_catches_broken_events(edge_result):
    event = ocsf_events(edge_result)[0]
    broken = json.loads(json.dumps(event))
    del broken["compliance"]["standards"]
    broken["severity_id"] = 7
    broken["type_uid"] = 200302
    del broken["metadata"]["product"]["vendor_name"]
    found = problems(broken)
    assert "missing compliance.standards" in found
    assert "missing metadata.product.vendor_name" in found
    assert any(p.startswith("severity_id=7") for p in found)
    assert "type_uid != class_uid * 100 + activity_id" in found


def test_status_mapping(edge_result):
    events = {e["resources"][0]["uid"]: e for e in ocsf_events(edge_result)}

    def pair(uid: str) -> tuple[int, int, str]:
        e = events[uid]
        return e["compliance"]["status_id"], e["status_id"], e["compliance"]["status_code"]

    assert pair("vpc-0fail") == (3, 1, "FAIL")
    assert pair("vpc-0pass") == (1, 1, "PASS")
    assert pair("vpc-0muted") == (3, 3, "FAIL")  # still a Fail, but Suppressed
    assert pair("vpc-0manual") == (2, 1, "MANUAL")
    error = events["arn:aws:guardduty:eu-west-1:123456789012:detector"]
    assert (error["compliance"]["status_id"], error["compliance"]["status"]) == (0, "Unknown")
    assert "Not evaluated" in error["compliance"]["status_detail"]
    assert "AccessDenied" in error["compliance"]["status_detail"]
    na = events["arn:aws:ec2:eu-west-1:123456789012:vpc"]
    assert (na["compliance"]["status_id"], na["compliance"]["status"]) == (99, "Not Applicable")


def test_muted_event_explains_the_exception(edge_result):
    event = next(e for e in ocsf_events(edge_result) if e["resources"][0]["uid"] == "vpc-0muted")
    assert event["status"] == "Suppressed"
    assert event["status_code"] == "MUTED"
    assert "legacy-vpc" in event["status_detail"] and "alice@example.com" in event["status_detail"]
    assert event["unmapped"]["mute"]["original_status"] == "FAIL"


def test_severity_mapping(edge_result):
    by_severity = {
        f.severity.value: e["severity_id"]
        for f, e in zip(edge_result.findings, ocsf_events(edge_result), strict=True)
    }
    assert by_severity == {"medium": 3, "high": 4, "low": 2, "critical": 5, "info": 1}


def test_compliance_names_the_cis_controls(demo_result):
    events = ocsf_events(demo_result)
    flow = next(e for e in events if e["metadata"]["event_code"] == "aws.vpc.flow_logs_enabled")
    compliance = flow["compliance"]
    assert compliance["standards"] == [
        "CIS Amazon Web Services Foundations Benchmark v7.0.0",
        "Module 4 baseline: network logging and threat detection",
    ]
    assert compliance["control"] == "cis-aws-7.0:4.7, module4-baseline:LOG-AWS-FLOW"
    assert compliance["requirements"][0].startswith(
        "CIS Amazon Web Services Foundations Benchmark v7.0.0 4.7: "
    )


def test_event_carries_resource_cloud_and_remediation(demo_result):
    events = ocsf_events(demo_result)
    for event, finding in zip(events, demo_result.findings, strict=True):
        assert event["finding_info"]["uid"] == finding.id == event["metadata"]["uid"]
        assert event["message"] == finding.message
        provider, type_id, account_type = {
            "aws": ("AWS", 10, "AWS Account"),
            "azure": ("Azure", 99, "Azure Subscription"),
            "gcp": ("GCP", 99, "GCP Project"),
        }[finding.provider]
        assert event["cloud"] == {
            "provider": provider,
            "region": finding.region,
            "account": {"uid": finding.account, "type_id": type_id, "type": account_type},
        }
        [resource] = event["resources"]
        assert resource["uid"] == finding.resource_id and resource["region"] == finding.region
        assert event["remediation"]["desc"]
        assert all(ref.startswith("https://") for ref in event["remediation"].get("references", []))
    vpc = next(e for e in events if e["resources"][0]["uid"].startswith("vpc-"))
    assert vpc["resources"][0]["type"] == "AwsEc2Vpc"
    assert "aws ec2 create-flow-logs" in next(
        e["remediation"]["desc"] for e in events if e["metadata"]["event_code"] == "aws.vpc.flow_logs_enabled"
    )


def test_time_is_the_scan_end(edge_result):
    [first, *_] = ocsf_events(edge_result)
    assert first["time"] == int(edge_result.finished_at.timestamp() * 1000)


def test_non_aws_findings_are_events_too(edge_result):
    azure = next(e for e in ocsf_events(edge_result) if e["cloud"]["provider"] == "Azure")
    assert azure["cloud"]["account"]["type_id"] == 99 and azure["cloud"]["account"]["type"]
    assert "cloud_partition" not in azure["resources"][0]
    assert problems(azure) == []


def test_statuses_cover_every_status():
    from reports.exports.ocsf_export import COMPLIANCE_STATUS

    assert set(COMPLIANCE_STATUS) == set(Status)
