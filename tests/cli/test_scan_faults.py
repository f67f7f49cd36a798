"""`auditor scan aws` end to end when the cloud refuses: faults injected at the wire, inside moto.

GuardDuty answers AccessDenied (HTTP 403) in eu-west-1 and AWS Config throttles (HTTP 400
ThrottlingException, past every retry) in ap-southeast-2. The real CLI, collector and botocore retry
machinery see real error responses. Those regions' controls must be ERROR naming the service and region,
the other regions unaffected, nothing PASS that was not seen, and the scan must complete with exit 3.
"""

import json
from collections import Counter

import boto3
import pytest
from moto import mock_aws
from moto.config.responses import ConfigResponse
from moto.core.exceptions import JsonRESTError
from moto.guardduty.responses import GuardDutyResponse
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.emulators import moto_extensions
from auditor.emulators.aws_seed import seed_aws
from auditor.emulators.estate import bundled_estate, load_estate

runner = CliRunner()


class _Denied(JsonRESTError):
    code = 403


def _fail_in(region, original, error):
    calls = Counter()

    def answer(self):
        if self.region == region:
            calls[region] += 1
            raise error()
        return original(self)

    return answer, calls


@pytest.fixture(scope="module")
def scan_with_faults(tmp_path_factory):
    denied, denied_calls = _fail_in(
        "eu-west-1",
        GuardDutyResponse.list_detectors,
        lambda: _Denied(
            "AccessDeniedException", "User is not authorized to perform: guardduty:ListDetectors"
        ),
    )
    throttled, throttled_calls = _fail_in(
        "ap-southeast-2",
        ConfigResponse.describe_configuration_recorders,
        lambda: JsonRESTError("ThrottlingException", "Rate exceeded"),
    )
    with mock_aws(), pytest.MonkeyPatch.context() as monkeypatch:
        moto_extensions.install()
        seed_aws(load_estate(bundled_estate("demo")).aws, boto3.Session(region_name="us-east-1"))
        monkeypatch.setattr(GuardDutyResponse, "list_detectors", denied)
        monkeypatch.setattr(ConfigResponse, "describe_configuration_recorders", throttled)
        out = tmp_path_factory.mktemp("faults") / "scan.json"
        result = runner.invoke(
            app,
            ["scan", "aws", "--json", str(out), "--max-attempts", "2", "--quiet"],
            env={"COLUMNS": "250"},
        )
    return result, json.loads(out.read_text()), denied_calls, throttled_calls


def _by(findings, check_id):
    return {f["region"]: f for f in findings if f["check_id"] == check_id}


def test_the_scan_completes_and_exits_3(scan_with_faults):
    result, _, denied_calls, throttled_calls = scan_with_faults
    assert result.exit_code == 3, result.output
    assert denied_calls["eu-west-1"] == 1  # a denial is not retried
    assert throttled_calls["ap-southeast-2"] == 2  # throttling is retried, up to --max-attempts


def test_affected_regions_are_error_naming_service_and_region(scan_with_faults):
    _, data, _, _ = scan_with_faults
    guardduty = _by(data["findings"], "aws.guardduty.enabled_all_regions")
    assert guardduty["eu-west-1"]["status"] == "ERROR"
    assert "guardduty:ListDetectors in eu-west-1" in guardduty["eu-west-1"]["message"]
    assert "denied" in guardduty["eu-west-1"]["message"]
    config = _by(data["findings"], "aws.config.recorder_enabled_all_regions")
    assert config["ap-southeast-2"]["status"] == "ERROR"
    assert "in ap-southeast-2" in config["ap-southeast-2"]["message"]
    assert "throttled" in config["ap-southeast-2"]["message"]
    kinds = {(e["service"], e["region"], e["kind"]) for e in data["collection_errors"]}
    assert ("guardduty", "eu-west-1", "denied") in kinds
    assert ("config", "ap-southeast-2", "throttled") in kinds


def test_other_regions_are_unaffected(scan_with_faults):
    _, data, _, _ = scan_with_faults
    guardduty = _by(data["findings"], "aws.guardduty.enabled_all_regions")
    assert guardduty["us-east-1"]["status"] == "PASS"
    assert guardduty["ap-southeast-2"]["status"] == "FAIL"
    config = _by(data["findings"], "aws.config.recorder_enabled_all_regions")
    assert config["us-east-1"]["status"] == "PASS"
    assert config["eu-west-1"]["status"] == "FAIL"


def test_nothing_that_was_not_seen_passes(scan_with_faults):
    _, data, _, _ = scan_with_faults
    for finding in data["findings"]:
        if finding["service"] == "guardduty" and finding["region"] == "eu-west-1":
            assert finding["status"] == "ERROR", finding
        if finding["service"] == "config" and finding["region"] == "ap-southeast-2":
            assert finding["status"] == "ERROR", finding
