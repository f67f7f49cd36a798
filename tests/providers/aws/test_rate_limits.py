"""The per-service rate limit at the wire: requests leave no faster than the rate past the burst."""

from __future__ import annotations

import time
from typing import Any

from tests.providers.test_rate_limit import paced


def test_an_aws_scan_paces_one_service_at_the_wire(session) -> None:
    from auditor.providers.aws import AwsScanOptions, collect_aws
    from tests.providers.aws.conftest import new_session

    sent: list[float] = []
    slow = new_session()

    def before_send(request: Any, event_name: str, **_: Any) -> None:
        if event_name.startswith("before-send.ec2.") and not event_name.endswith(".DescribeRegions"):
            sent.append(time.monotonic())

    slow.events.register("before-send", before_send)
    options = AwsScanOptions(regions=("us-east-1",), rate_limits=(("ec2", 2.0),))
    inventory = collect_aws(options, session=slow)
    assert inventory.regions["us-east-1"].vpcs is not None
    paced(sorted(sent), rate=2.0, burst=4)
