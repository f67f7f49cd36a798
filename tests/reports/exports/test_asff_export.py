"""The ASFF export: valid against botocore's own BatchImportFindings input shape, and accepted by
Security Hub (moto) through a real boto3 client."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.validate import ParamValidator
from moto import mock_aws

from auditor.model import Status
from reports.exports.asff_export import (
    ASFF_BATCH_SIZE,
    ASFF_SCHEMA_VERSION,
    DESCRIPTION_MAX,
    RECOMMENDATION_TEXT_MAX,
    TITLE_MAX,
    TYPE_BEST_PRACTICES,
    TYPE_CIS,
    asff_findings,
    import_region,
    to_asff,
)

from .conftest import ACCOUNT


def input_shape() -> Shape:
    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def model_rule_errors(value: Any, shape: Shape, path: str) -> list[str]:
    """What botocore's ParamValidator leaves to the server: the model's enums, patterns and max lengths."""
    errors: list[str] = []
    meta = shape.metadata
    if isinstance(value, str):
        if "enum" in meta and value not in meta["enum"]:
            errors.append(f"{path}: {value!r} not one of {meta['enum']}")
        if "pattern" in meta and not re.fullmatch(meta["pattern"], value, flags=re.DOTALL):
            errors.append(f"{path}: {value!r} does not match {meta['pattern']}")
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"{path}: longer than {meta['max']}")
    elif isinstance(shape, StructureShape) and isinstance(value, dict):
        for key, item in value.items():
            if key in shape.members:
                errors += model_rule_errors(item, shape.members[key], f"{path}.{key}")
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value):
            errors += model_rule_errors(item, shape.member, f"{path}[{index}]")
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            errors += model_rule_errors(key, shape.key, f"{path} key")
            errors += model_rule_errors(item, shape.value, f"{path}[{key}]")
    return errors


def validation_errors(findings: list[dict[str, Any]]) -> str:
    """botocore's own validation of a BatchImportFindings request (the shape the CLI and SDK send:
    required members, types, minimum lengths), plus the enums and patterns of the same model."""
    shape = input_shape()
    report = ParamValidator().validate({"Findings": findings}, shape)
    errors = [report.generate_report()] if report.has_errors() else []
    errors += model_rule_errors({"Findings": findings}, shape, "")
    return "\n".join(errors)


@pytest.fixture(params=["demo_result", "demo_muted_result", "edge_result"])
def any_result(request):
    return request.getfixturevalue(request.param)


def test_every_finding_matches_the_botocore_shape(any_result):
    findings = json.loads(to_asff(any_result))
    assert findings
    for finding in findings:
        assert validation_errors([finding]) == "", finding["Id"]


def test_the_shape_check_catches_a_broken_finding(edge_result):
    [finding, *_] = asff_findings(edge_result)
    broken = dict(finding, Compliance={"Status": "BROKEN"})
    del broken["Title"]
    report = validation_errors([broken])
    assert "Title" in report and "BROKEN" in report


def test_limits_and_required_values(any_result):
    for finding in asff_findings(any_result):
        assert finding["SchemaVersion"] == ASFF_SCHEMA_VERSION
        assert 0 < len(finding["Title"]) <= TITLE_MAX
        assert 0 < len(finding["Description"]) <= DESCRIPTION_MAX
        assert len(finding["Id"]) <= 512
        text = finding.get("Remediation", {}).get("Recommendation", {}).get("Text", "x")
        assert 0 < len(text) <= RECOMMENDATION_TEXT_MAX
        assert finding["RecordState"] == "ACTIVE"
        assert finding["Types"] in ([TYPE_CIS], [TYPE_BEST_PRACTICES])
        for stamp in (finding["CreatedAt"], finding["UpdatedAt"]):
            assert stamp.endswith("Z")
            datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        for key, value in finding["ProductFields"].items():
            assert len(key) <= 128 and 0 < len(value) <= 2048
        assert len(finding["ProductFields"]) <= 50
        account = finding["AwsAccountId"]
        region = import_region(any_result)
        assert finding["ProductArn"] == f"arn:aws:securityhub:{region}:{account}:product/{account}/default"


def test_only_aws_findings(edge_result):
    findings = asff_findings(edge_result)
    assert len(findings) == sum(1 for f in edge_result.findings if f.provider == "aws")
    assert all(f["Resources"][0]["Partition"] == "aws" for f in findings)


def test_ids_are_stable_and_unique(demo_result):
    first = [f["Id"] for f in asff_findings(demo_result)]
    assert len(set(first)) == len(first)
    assert first == [f["Id"] for f in asff_findings(demo_result)]
    aws = [f for f in demo_result.findings if f.provider == "aws"]  # ASFF carries AWS findings only
    assert all(f.id in asff_id for f, asff_id in zip(aws, first, strict=True))


def test_status_mapping(edge_result):
    by_resource = {f["Resources"][0]["Id"]: f for f in asff_findings(edge_result)}
    vpc = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/"

    def states(resource_id: str) -> tuple[str, str, str]:
        f = by_resource[resource_id]
        return f["Compliance"]["Status"], f["Workflow"]["Status"], f["Severity"]["Label"]

    assert states(vpc + "vpc-0fail") == ("FAILED", "NEW", "MEDIUM")
    assert states(vpc + "vpc-0muted") == ("FAILED", "SUPPRESSED", "MEDIUM")
    assert states(f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/vpc-0pass") == ("PASSED", "NEW", "INFORMATIONAL")
    assert states(vpc + "vpc-0manual") == ("WARNING", "NEW", "MEDIUM")
    assert states(f"arn:aws:guardduty:eu-west-1:{ACCOUNT}:detector") == ("NOT_AVAILABLE", "NEW", "HIGH")
    assert states(f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc") == ("NOT_AVAILABLE", "NEW", "INFORMATIONAL")
    assert states(f"AWS::::Account:{ACCOUNT}") == ("PASSED", "NEW", "INFORMATIONAL")
    assert by_resource[f"AWS::::Account:{ACCOUNT}"]["Severity"]["Original"] == "critical"


def test_muted_finding_has_a_note(edge_result):
    muted = next(f for f in asff_findings(edge_result) if f["Resources"][0]["Id"].endswith("vpc-0muted"))
    note = muted["Note"]
    assert note["UpdatedBy"] == "alice@example.com"
    assert "2027-03-31" in note["Text"] and "legacy-vpc" in note["Text"]
    assert muted["ProductFields"]["posture-auditor/OriginalStatus"] == "FAIL"


def test_resource_types_and_ids(demo_result):
    findings = asff_findings(demo_result)
    types = {f["Resources"][0]["Type"] for f in findings}
    assert {
        "AwsEc2Vpc",
        "AwsEc2SecurityGroup",
        "AwsEc2NetworkAcl",
        "AwsAccount",
        "AwsCloudTrailTrail",
    } <= types
    aws = [f for f in demo_result.findings if f.provider == "aws"]  # ASFF carries AWS findings only
    for finding, source in zip(findings, aws, strict=True):
        resource = finding["Resources"][0]
        if source.resource_id.startswith("sg-"):
            assert resource == {
                "Type": "AwsEc2SecurityGroup",
                "Id": f"arn:aws:ec2:{source.region}:{source.account}:security-group/{source.resource_id}",
                "Partition": "aws",
                "Region": source.region,
            }
        if source.region == "global":
            assert "Region" not in resource


def test_cis_controls_are_related_requirements(demo_result):
    flow = next(
        f
        for f in asff_findings(demo_result)
        if f["GeneratorId"].endswith("/aws.vpc.flow_logs_enabled") and f["Compliance"]["Status"] == "FAILED"
    )
    assert flow["Types"] == [TYPE_CIS]
    assert (
        "CIS Amazon Web Services Foundations Benchmark v7.0.0/4.7"
        in flow["Compliance"]["RelatedRequirements"]
    )
    assert flow["Remediation"]["Recommendation"]["Url"].startswith("https://docs.aws.amazon.com/")
    assert "aws ec2 create-flow-logs" in flow["Remediation"]["Recommendation"]["Text"]


def test_long_commands_are_pointed_to_not_cut(demo_result):
    long_ones = [
        f
        for f in asff_findings(demo_result)
        if len(f["ProductFields"].get("posture-auditor/RemediationCommand", "")) > RECOMMENDATION_TEXT_MAX
    ]
    assert long_ones
    for finding in long_ones:
        assert (
            "ProductFields 'posture-auditor/RemediationCommand'"
            in finding["Remediation"]["Recommendation"]["Text"]
        )


def test_import_region_prefers_us_east_1(edge_result):
    assert import_region(edge_result) == "us-east-1"
    scopes = [s.model_copy(update={"regions": ["eu-west-1", "ap-south-1"]}) for s in edge_result.scopes]
    elsewhere = edge_result.model_copy(update={"scopes": scopes})
    assert import_region(elsewhere) == "ap-south-1"
    assert asff_findings(elsewhere)[0]["ProductArn"].startswith("arn:aws:securityhub:ap-south-1:")


def test_hostile_text_is_data(edge_result):
    hostile = next(f for f in asff_findings(edge_result) if f["Resources"][0]["Id"].endswith("sg-0hostile"))
    assert hostile["ProductFields"]["posture-auditor/ResourceName"].startswith('=HYPERLINK("http://evil')
    assert hostile["Resources"][0]["Tags"]["Name"].startswith("@SUM")


def _import(client: Any, findings: list[dict[str, Any]]) -> tuple[int, int]:
    failed = succeeded = 0
    for start in range(0, len(findings), ASFF_BATCH_SIZE):
        answer = client.batch_import_findings(Findings=findings[start : start + ASFF_BATCH_SIZE])
        failed += answer["FailedCount"]
        succeeded += answer["SuccessCount"]
        assert answer["FailedFindings"] == []
    return failed, succeeded


@pytest.mark.parametrize("fixture", ["demo_result", "demo_muted_result"])
def test_security_hub_accepts_and_returns_them(fixture, request):
    result = request.getfixturevalue(fixture)
    findings = json.loads(to_asff(result))
    assert len(findings) > ASFF_BATCH_SIZE  # several calls, as the docs describe
    with mock_aws():
        client = boto3.client("securityhub", region_name=import_region(result))
        client.enable_security_hub()
        assert _import(client, findings) == (0, len(findings))
        stored = []
        for page in client.get_paginator("get_findings").paginate():
            stored += page["Findings"]
        assert sorted(f["Id"] for f in stored) == sorted(f["Id"] for f in findings)
    # moto does not implement GetFindings filters: compare what came back with what was sent.
    sent = {f["Id"]: f for f in findings}
    for back in stored:
        assert back["Workflow"] == sent[back["Id"]]["Workflow"]
        assert back["Compliance"] == sent[back["Id"]]["Compliance"]
        assert back["Resources"] == sent[back["Id"]]["Resources"]
    suppressed = [f for f in stored if f["Workflow"]["Status"] == "SUPPRESSED"]
    assert len(suppressed) == sum(1 for f in result.findings if f.status is Status.MUTED)
