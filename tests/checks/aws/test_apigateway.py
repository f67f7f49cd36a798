import re

import pytest

from auditor.model import Finding, Status
from auditor.registry import load_checks
from tests.conftest import collection_error, make_inventory, run_check

CHECK = "aws.apigateway.stage_access_logging_enabled"


def _unfilled(finding: Finding) -> set[str]:
    cli = load_checks().get(finding.check_id).meta.remediation.cli
    return set(re.findall(r"\{([A-Za-z_]\w*)\}", cli)) - {
        "region",
        "resource_id",
        "account",
        *finding.evidence,
    }


def _stage(api_id, api_type, stage_name="prod", destination=""):
    return {
        "api_id": api_id,
        "api_name": f"{api_id}-name",
        "api_type": api_type,
        "stage_name": stage_name,
        "access_log_destination": destination,
    }


@pytest.mark.parametrize(
    ("api_type", "collection"), [("REST", "restapis"), ("HTTP", "apis"), ("WEBSOCKET", "apis")]
)
def test_every_api_type_is_assessed_per_stage(api_type, collection):
    log_group = "arn:aws:logs:us-east-1:111122223333:log-group:api-access"
    inv = make_inventory(
        {
            "us-east-1": {
                "api_stages": [_stage("a1", api_type, "prod", log_group), _stage("a1", api_type, "dev")]
            }
        }
    )
    findings = {f.resource_id: f for f in run_check(CHECK, inv)}
    prod = findings[f"arn:aws:apigateway:us-east-1::/{collection}/a1/stages/prod"]
    dev = findings[f"arn:aws:apigateway:us-east-1::/{collection}/a1/stages/dev"]
    assert prod.status is Status.PASS
    assert log_group in prod.message
    assert dev.status is Status.FAIL
    assert f"Stage dev of {api_type} API a1-name has no access log destination" == dev.message
    assert dev.evidence["api_type"] == api_type
    assert _unfilled(dev) == set()


def test_unreadable_stages_are_an_error():
    inv = make_inventory(
        {"us-east-1": {"api_stages": []}, "eu-west-1": {}},
        errors=[collection_error("eu-west-1", "api_stages", "apigateway", operation="GetStages")],
    )
    [finding] = run_check(CHECK, inv)
    assert finding.status is Status.ERROR
    assert finding.region == "eu-west-1"
    assert "apigateway:GetStages in eu-west-1" in finding.message


def test_no_stages_is_not_applicable():
    [finding] = run_check(CHECK, make_inventory({"us-east-1": {"api_stages": []}}))
    assert finding.status is Status.NOT_APPLICABLE
