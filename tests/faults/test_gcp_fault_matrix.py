"""The GCP fault matrix: operations of every collected GCP service, answered by the REST and gRPC
emulators on the demo's organization and project with every fault: denied (PERMISSION_DENIED / 403),
throttled past the retry deadline (RESOURCE_EXHAUSTED / 429), held past the call timeout
(DEADLINE_EXCEEDED / a read timeout), unavailable past the retry deadline (UNAVAILABLE / 503), a
malformed body, and a valid empty answer. Every failure must be contained and the empty answer read
honestly (tests/faults/invariants.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auditor.benchmarks import load_benchmark
from auditor.emulators.estate import bundled_estate, load_estate
from auditor.emulators.gcp_emulator import GcpEmulator
from auditor.engine import build_scan_result
from auditor.model import Status
from auditor.providers.gcp import GcpScanOptions, collect_gcp
from tests.faults.invariants import assert_empty_is_honest, assert_fault_contained

OPERATIONS = {  # operation -> the collector service whose errors it must cause
    "compute.subnetworks.aggregatedList": "compute",
    "compute.backendServices.aggregatedList": "compute",
    "dns.policies.list": "dns",
    "logging.ListSinks": "logging",  # the project's, its folder's and its organization's sinks
    "monitoring.ListAlertPolicies": "monitoring",
    "resourcemanager.projects.getIamPolicy": "resourcemanager",
    "scc.ListSources": "securitycenter",
    "scc.ListFindings": "securitycenter",
    "networkmanagement.vpcFlowLogsConfigs.list": "networkmanagement",
}
KINDS = {  # fault -> the CollectionError.kind it must be recorded as ("empty" is no failure)
    "denied": "denied",
    "throttled": "throttled",
    "slow": "timeout",
    "unavailable": "endpoint",  # 503 past the retry deadline: the service could not be reached
    "malformed": "malformed",
}
FAULTS = (*KINDS, "empty")
CASES = [(operation, fault) for operation in OPERATIONS for fault in FAULTS]
HELD = 3.0
"""How long a slow case holds each answer: well past ``CALL_TIMEOUT``."""
CALL_TIMEOUT = 0.5


@pytest.fixture(scope="module")
def gcp():
    spec = load_estate(bundled_estate("demo")).gcp
    assert spec is not None
    with GcpEmulator.from_estate(spec, page_size=2) as emulator:
        emulator.organization = spec.organization.id if spec.organization is not None else None
        yield emulator


def _scan(gcp: GcpEmulator, fault: str = ""):
    options = GcpScanOptions(
        organization=gcp.organization,
        endpoints=gcp.endpoints(),
        anonymous=True,
        retry_initial=0.01,
        retry_maximum=0.05,
        retry_deadline=0.3,
        num_retries=1,
        call_timeout=CALL_TIMEOUT if fault == "slow" else 5.0,  # a slow case stays fast
    )
    now = datetime.now(UTC)
    return build_scan_result(
        collect_gcp(options),
        started_at=now,
        finished_at=now,
        source="live",
        benchmarks=[load_benchmark("cis-gcp-5.0")],
    )


@pytest.fixture(scope="module")
def baseline(gcp):
    gcp.faults.clear()
    return _scan(gcp)


@pytest.mark.parametrize(("operation", "fault"), CASES, ids=[f"{o}-{f}" for o, f in CASES])
def test_a_gcp_fault_is_contained(gcp, baseline, tmp_path, monkeypatch, operation, fault):
    gcp.faults.clear()
    served = gcp.faults.served(operation)
    gcp.faults.inject(operation, fault, delay=HELD)
    try:
        faulted = _scan(gcp, fault)
    finally:
        gcp.faults.clear()  # lets a held answer go
    assert gcp.faults.served(operation) > served, f"no request reached {operation}"
    if (operation, fault) == ("scc.ListFindings", "empty"):
        _assert_no_finding_is_no_finding(baseline, faulted)
        return
    if fault == "empty":
        assert_empty_is_honest(baseline, faulted, {OPERATIONS[operation]}, tmp_path, monkeypatch)
        return
    kinds = {e.kind for e in faulted.collection_errors}
    assert kinds == {KINDS[fault]}, kinds
    assert_fault_contained(baseline, faulted, {OPERATIONS[operation]}, tmp_path, monkeypatch)


def _assert_no_finding_is_no_finding(baseline, faulted) -> None:
    """An empty ListFindings answer is a valid "no active finding": the one check that is about the
    absence of findings passes, nothing else moves, and nothing is an error."""
    assert faulted.collection_errors == []
    before = {(f.check_id, f.resource_id): f.status for f in baseline.findings}
    changed = {
        (f.check_id, before[(f.check_id, f.resource_id)], f.status)
        for f in faulted.findings
        if before.get((f.check_id, f.resource_id)) is not f.status
    }
    assert changed == {("gcp.scc.no_active_high_findings", Status.FAIL, Status.PASS)}
