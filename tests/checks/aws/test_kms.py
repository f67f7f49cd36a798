from typing import Any

from auditor.model import Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command
from tests.conftest import ACCOUNT, collection_error, make_inventory, run_check, statuses

CHECK = "aws.kms.cmk_rotation_enabled"


def _key(key_id: str, **fields: Any) -> dict[str, Any]:
    key: dict[str, Any] = {
        "id": key_id,
        "arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}",
        "manager": "CUSTOMER",
        "state": "Enabled",
        "rotation_enabled": True,
    }
    return key | fields


def _arn(key_id: str) -> str:
    return f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}"


def test_rotation_per_in_scope_key_and_out_of_scope_keys_skipped():
    inv = make_inventory(
        {
            "us-east-1": {
                "kms_keys": [
                    _key("rotates"),
                    _key("static", rotation_enabled=False),
                    _key("aws-managed", manager="AWS", rotation_enabled=False),
                    _key("asymmetric", spec="RSA_2048", rotation_enabled=None),
                    _key("disabled", state="Disabled", rotation_enabled=False),
                    _key("imported", origin="EXTERNAL", rotation_enabled=None),
                ]
            }
        }
    )
    findings = run_check(CHECK, inv)
    assert statuses(findings) == {_arn("rotates"): Status.PASS, _arn("static"): Status.FAIL}
    static = next(f for f in findings if f.status is Status.FAIL)
    assert "static does not rotate" in static.message
    assert remediation_command(load_checks().get(CHECK).meta, static) == (
        f"aws kms enable-key-rotation --region us-east-1 --key-id {_arn('static')} "
        "--rotation-period-in-days 365"
    )


def test_region_without_in_scope_keys_is_not_applicable():
    inv = make_inventory(
        {
            "us-east-1": {"kms_keys": [_key("aws-managed", manager="AWS")]},
            "eu-west-1": {"kms_keys": []},
        }
    )
    by_region = {f.region: f for f in run_check(CHECK, inv)}
    assert by_region["us-east-1"].status is Status.NOT_APPLICABLE
    assert "1 key(s) out of scope" in by_region["us-east-1"].message
    assert by_region["eu-west-1"].status is Status.NOT_APPLICABLE


def test_unread_region_is_error():
    inv = make_inventory(
        {"us-east-1": {}}, errors=[collection_error("us-east-1", "kms_keys", "kms", operation="ListKeys")]
    )
    [finding] = run_check(CHECK, inv)
    assert finding.status is Status.ERROR
    assert "kms:ListKeys in us-east-1" in finding.message


def test_unknown_rotation_status_of_an_in_scope_key_is_error_for_that_key():
    inv = make_inventory(
        {"us-east-1": {"kms_keys": [_key("unknown", rotation_enabled=None), _key("rotates")]}},
        errors=[
            collection_error(
                "us-east-1", "kms_keys", "kms", operation="GetKeyRotationStatus", resource=_arn("unknown")
            )
        ],
    )
    assert statuses(run_check(CHECK, inv)) == {_arn("unknown"): Status.ERROR, _arn("rotates"): Status.PASS}
