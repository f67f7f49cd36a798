from typing import Any

from auditor.model import Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command
from tests.conftest import ACCOUNT, collection_error, make_inventory, run_check

CHECK = "aws.config.recorder_enabled_all_regions"


def _recorder(name: str = "default", **fields: Any) -> dict[str, Any]:
    recorder: dict[str, Any] = {
        "name": name,
        "all_supported": True,
        "include_global_resource_types": False,
        "recording": True,
        "last_status": "SUCCESS",
    }
    return recorder | fields


def test_recording_all_types_passes_and_names_where_global_types_are_recorded():
    inv = make_inventory(
        {
            "us-east-1": {"config_recorders": [_recorder(include_global_resource_types=True)]},
            "eu-west-1": {"config_recorders": [_recorder()]},
        }
    )
    by_region = {f.region: f for f in run_check(CHECK, inv)}
    assert by_region["us-east-1"].status is Status.PASS
    assert by_region["eu-west-1"].status is Status.PASS
    assert "global resource types (IAM) are recorded in us-east-1" in by_region["eu-west-1"].message
    assert by_region["eu-west-1"].evidence["global_resource_types_recorded_in"] == ["us-east-1"]


def test_recording_strategy_all_supported_counts_as_all_types():
    inv = make_inventory(
        {
            "us-east-1": {
                "config_recorders": [
                    _recorder(all_supported=False, recording_strategy="ALL_SUPPORTED_RESOURCE_TYPES")
                ]
            }
        }
    )
    [finding] = run_check(CHECK, inv)
    assert finding.status is Status.PASS
    # Global types missing everywhere is reported, not failed.
    assert "not recorded in any scanned region" in finding.message


def test_shortfalls_fail_with_reasons():
    inv = make_inventory(
        {
            "us-east-1": {"config_recorders": [_recorder(all_supported=False)]},
            "us-west-2": {"config_recorders": [_recorder(recording=False)]},
            "eu-west-1": {"config_recorders": [_recorder(last_status="FAILURE")]},
            "ap-south-1": {"config_recorders": []},
        }
    )
    by_region = {f.region: f for f in run_check(CHECK, inv)}
    assert {r: f.status for r, f in by_region.items()} == {
        "us-east-1": Status.FAIL,
        "us-west-2": Status.FAIL,
        "eu-west-1": Status.FAIL,
        "ap-south-1": Status.FAIL,
    }
    assert "records only selected resource types" in by_region["us-east-1"].message
    assert "is not recording" in by_region["us-west-2"].message
    assert "last delivery status FAILURE" in by_region["eu-west-1"].message
    assert "no configuration recorder in ap-south-1" in by_region["ap-south-1"].message
    command = remediation_command(load_checks().get(CHECK).meta, by_region["ap-south-1"])
    assert "put-configuration-recorder --region ap-south-1 --configuration-recorder name=default," in command
    assert f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/" in command


def test_unread_region_is_error():
    inv = make_inventory(
        {"us-east-1": {"config_recorders": [_recorder()]}, "eu-west-1": {}},
        errors=[
            collection_error(
                "eu-west-1", "config_recorders", "config", operation="DescribeConfigurationRecorders"
            )
        ],
    )
    by_region = {f.region: f for f in run_check(CHECK, inv)}
    assert by_region["eu-west-1"].status is Status.ERROR
    assert "config:DescribeConfigurationRecorders in eu-west-1" in by_region["eu-west-1"].message
    assert by_region["us-east-1"].status is Status.PASS


def test_no_regions_is_not_applicable():
    assert [f.status for f in run_check(CHECK, make_inventory({}))] == [Status.NOT_APPLICABLE]
