"""Property: GetEnabledStandards pages return every subscription exactly once, whatever the page size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from auditor.emulators import moto_extensions
from tests.emulators.conftest import standards_except_cis_120

REGION = "eu-west-1"
AVAILABLE = standards_except_cis_120(REGION)


@pytest.fixture(scope="module")
def hub() -> Iterator[Any]:
    moto_extensions.install()
    with mock_aws():
        yield boto3.client("securityhub", region_name=REGION)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    wanted=st.lists(st.sampled_from(AVAILABLE), unique=True, max_size=len(AVAILABLE)),
    page_size=st.integers(min_value=1, max_value=10),
)
def test_pages_cover_every_subscription_once(hub: Any, wanted: list[str], page_size: int) -> None:
    hub.enable_security_hub(EnableDefaultStandards=False)
    try:
        if wanted:
            hub.batch_enable_standards(
                StandardsSubscriptionRequests=[{"StandardsArn": arn} for arn in wanted]
            )
        seen: list[str] = []
        token: str | None = None
        while True:
            page = hub.get_enabled_standards(MaxResults=page_size, **({"NextToken": token} if token else {}))
            assert len(page["StandardsSubscriptions"]) <= page_size
            seen += [s["StandardsArn"] for s in page["StandardsSubscriptions"]]
            token = page.get("NextToken")
            if not token:
                break
        assert sorted(seen) == sorted(wanted)
    finally:
        hub.disable_security_hub()  # drops every subscription, as in AWS
