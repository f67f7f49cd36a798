"""The demo scan for ``auditor tui --demo``: the bundled estate in moto, the real collector, no history."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from auditor.scan_result import ScanResult


def run_demo_scan() -> ScanResult:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo-not-a-real-key")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo-not-a-real-secret")
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import boto3
    from moto import mock_aws

    from auditor.benchmarks import load_benchmark
    from auditor.emulators import moto_extensions
    from auditor.emulators.aws_seed import seed_aws
    from auditor.emulators.estate import bundled_estate, load_estate
    from auditor.engine import build_scan_result
    from auditor.providers.aws import AwsScanOptions, collect_aws

    estate = load_estate(bundled_estate("demo"))
    started = datetime.now(UTC)
    with mock_aws():
        moto_extensions.install()
        session = boto3.Session(
            region_name="us-east-1", aws_access_key_id="demo", aws_secret_access_key="demo"
        )
        assert estate.aws is not None
        seed_aws(estate.aws, session, stable_ids=True)
        inventory = collect_aws(AwsScanOptions(), session=session)
    return build_scan_result(
        [inventory],
        started_at=started,
        finished_at=datetime.now(UTC),
        source="demo",
        benchmarks=[load_benchmark("cis-aws-7.0"), load_benchmark("module4-baseline")],
    )
