"""collect_live: the one entry point the TUI's scan screen uses, over each collector."""

from __future__ import annotations

import pytest
from moto import mock_aws

from auditor.inventory import AwsInventory
from auditor.providers.live import LiveScanFailed, collect_live


def test_aws_is_collected_with_the_profile_and_regions(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    events = []
    with mock_aws():
        [inventory] = collect_live("aws", None, ["eu-west-1"], progress=events.append)
    assert isinstance(inventory, AwsInventory) and list(inventory.regions) == ["eu-west-1"]
    assert events and events[-1].done == events[-1].total


def test_an_unknown_region_is_a_clear_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws(), pytest.raises(LiveScanFailed, match=r"AWS scan failed: .*xx-nowhere-1"):
        collect_live("aws", None, ["xx-nowhere-1"])


def test_a_malformed_gcp_organization_is_a_clear_failure() -> None:
    with pytest.raises(LiveScanFailed, match=r"GCP scan failed: .*numeric organization id"):
        collect_live("gcp", "acme.example", [])


def test_a_malformed_management_group_or_folder_is_a_clear_failure() -> None:
    with pytest.raises(LiveScanFailed, match=r"Azure scan failed: .*management group id"):
        collect_live("azure", None, [], group="mg/../root")
    with pytest.raises(LiveScanFailed, match=r"GCP scan failed: .*numeric folder id"):
        collect_live("gcp", None, [], group="engineering")
