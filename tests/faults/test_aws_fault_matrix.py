"""The AWS fault matrix: every collected service under each fault, injected at the wire.

For each (service, fault) the real collector scans a seeded moto account (one region plus the
account-wide units) while that service's endpoint answers with the fault. For every case: the scan
completes; the findings of checks fed by the service become ERROR naming the service and the region
(for an empty answer: whatever the checks decide on "nothing there", or ERROR where a field AWS always
returns is missing); every other finding is unchanged; nothing that was not PASS becomes PASS; the
benchmark coverage does not rise; and the history keeps the partial scan.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlparse

import boto3
import pytest
from moto import mock_aws

from auditor.benchmarks import load_benchmark
from auditor.emulators import moto_extensions
from auditor.emulators.aws_seed import seed_aws
from auditor.emulators.estate import bundled_estate, load_estate
from auditor.engine import build_scan_result
from auditor.history import HistoryStore
from auditor.model import Finding, Status
from auditor.providers.aws import AwsScanOptions, collect_aws
from auditor.providers.aws.units import GLOBAL_UNITS, REGIONAL_UNITS
from auditor.registry import load_checks
from tests.faults.aws_wire import FAULTS, inject
from tests.providers.aws.conftest import new_session

REGION = "us-east-1"
DATASETS: dict[str, set[str]] = {}
for _unit in (*REGIONAL_UNITS, *GLOBAL_UNITS):
    DATASETS.setdefault(_unit.service, set()).update(_unit.datasets)
DATASETS["s3"] = {"bucket_logging"}  # the trail buckets' logging, read once the trails are known
DATASETS["logs"].add("cloudfront_log_deliveries")  # CloudFront's standard logging v2 lives in CloudWatch Logs
DEPENDENTS = {"cloudtrail": {"s3"}}
"""A service whose answer decides what another reads: no trails read, no trail bucket to look at."""
GLOBAL_SERVICES = {"cloudfront", "s3"}
DEEP = ("ec2", "guardduty", "cloudtrail", "s3")  # every fault on these; denial on every service
CASES = [(service, "denied") for service in sorted(DATASETS)] + [
    (service, fault) for service in DEEP for fault in FAULTS if fault != "denied"
]
BENCHMARK = "cis-aws-7.0"


def _key(finding: Finding) -> tuple[str, str, str]:
    return (finding.check_id, finding.region, finding.resource_id)


def _scan(session: boto3.Session):
    inventory = collect_aws(
        AwsScanOptions(regions=(REGION,), max_attempts=2, read_timeout=2), session=session
    )
    now = datetime.now(UTC)
    return build_scan_result(
        [inventory], started_at=now, finished_at=now, source="live", benchmarks=[load_benchmark(BENCHMARK)]
    )


@pytest.fixture(scope="module")
def seeded():
    estate = load_estate(bundled_estate("demo")).aws
    assert estate is not None
    with mock_aws():
        moto_extensions.install()
        seed_aws(estate.model_copy(update={"organization": None}), boto3.Session(region_name=REGION))
        yield _scan(new_session())


def _sharing_endpoint(service: str) -> set[str]:
    """Services whose clients reach the same host (elb and elbv2 share elasticloadbalancing)."""

    def host(name: str) -> str:
        return urlparse(new_session().client(name, region_name=REGION).meta.endpoint_url).hostname or ""

    sharing = {name for name in DATASETS if host(name) == host(service)}
    return sharing | {dependent for name in sharing for dependent in DEPENDENTS.get(name, set())}


def _affected_checks(services: set[str]) -> set[str]:
    datasets = {dataset for name in services for dataset in DATASETS[name]}
    return {check.id for check in load_checks().all("aws") if datasets & set(check.meta.datasets)}


@pytest.mark.parametrize(("service", "fault"), CASES, ids=[f"{s}-{f}" for s, f in CASES])
def test_a_fault_makes_only_its_services_checks_error_and_never_pass(
    seeded, tmp_path, monkeypatch, service, fault
):
    baseline = {_key(f): f for f in seeded.findings}
    session = new_session()
    injected = inject(session, service, REGION, fault)
    result = _scan(session)  # completes: no exception escapes the collector
    assert injected.attempts, f"the fault was never hit: no call reached {injected.hosts}"

    services = _sharing_endpoint(service)
    affected = _affected_checks(services)
    assert affected, f"no check declares a dataset of {service}"
    after = {_key(f): f for f in result.findings}

    for key, finding in after.items():
        before = baseline.get(key)
        if finding.status is Status.PASS:
            assert before is not None and before.status is Status.PASS, f"{key} became PASS under {fault}"
        if finding.check_id not in affected:
            assert before is not None and before.status is finding.status, f"{key} changed under {fault}"

    errors = [f for f in result.findings if f.status is Status.ERROR]
    if fault == "empty":
        # an answer with nothing in it is read as "nothing there"; only a field AWS always returns
        # (EbsEncryptionByDefault...) being absent makes the read malformed, never PASS
        assert {e.kind for e in result.collection_errors} <= {"malformed"}
        assert all(f.check_id in affected for f in errors)
    else:
        assert errors and all(f.check_id in affected for f in errors)
        for finding in errors:
            assert any(f"{name}:" in finding.message for name in services), finding.message
            assert f" in {REGION}" in finding.message or " in global" in finding.message, finding.message
        assert {e.service for e in result.collection_errors} <= services
        own = {e.kind for e in result.collection_errors if e.service == service}
        assert own == {_KIND_OVERRIDES.get((service, fault), _KIND[fault])}
        # what depends on the faulted service is not attempted, and says so
        dependents = DEPENDENTS.get(service, set())
        assert all(e.code == "NotAttempted" for e in result.collection_errors if e.service in dependents)

    before_cov = seeded.benchmarks[0].figures.coverage or 0
    after_cov = result.benchmarks[0].figures.coverage or 0
    assert after_cov <= before_cov

    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    store = HistoryStore()
    scan_id = store.save(result, result.benchmarks)
    kept = store.load(scan_id)
    assert [(f.id, f.status) for f in kept.findings] == [(f.id, f.status) for f in result.findings]
    assert len(kept.collection_errors) == len(result.collection_errors)


_KIND_OVERRIDES = {("s3", "malformed"): "failed"}
"""botocore reads an unparseable S3 200 answer as an S3 "200 with error" and turns it into a 500."""

_KIND = {
    "denied": "denied",
    "throttled": "throttled",
    "timeout": "timeout",
    "server_error": "failed",
    "malformed": "malformed",
}
