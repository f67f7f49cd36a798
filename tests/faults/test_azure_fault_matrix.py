"""The Azure fault matrix: each ARM resource provider the collector reads, denied (403), throttled past
the retries (429 with Retry-After), failing (500), answered by the HTTPS ARM emulator on the demo's
subscription. Every case must be contained (tests/faults/invariants.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auditor.benchmarks import load_benchmark
from auditor.emulators.arm_server import ArmEmulator, EmulatorCredential, Fault
from auditor.emulators.azure_seed import seed_azure
from auditor.emulators.estate import bundled_estate, load_estate
from auditor.engine import build_scan_result
from auditor.providers.azure import AzureScanOptions, collect_azure
from tests.faults.invariants import assert_fault_contained

PATHS = {
    "security": "providers/Microsoft.Security/",
    "monitor": "providers/Microsoft.Insights/",
    "network watchers": "/networkWatchers",
    "application gateways": "/applicationGateways",
    "key vaults": "providers/Microsoft.KeyVault/",
    "dns security policies": "/dnsResolverPolicies",
}
SERVICES = {
    "security": {"security"},
    "monitor": {"monitor"},
    "network watchers": {"network"},
    "application gateways": {"network"},
    "key vaults": {"monitor"},  # vaults are listed through Resource Graph-style resources; their
    # diagnostic settings live under the vault's path
    "dns security policies": {"dnsresolver"},
}
"""The collector service whose reads each path feeds (what the errors must name, and only that)."""
STATUSES = {"denied": 403, "throttled": 429, "server_error": 500}
CASES = [(area, fault) for area in PATHS for fault in STATUSES]


@pytest.fixture(scope="module")
def arm():
    spec = load_estate(bundled_estate("demo")).azure
    assert spec is not None
    emulator = ArmEmulator(page_size=3)
    seed_azure(spec, emulator)
    with emulator:
        yield emulator


def _scan(arm: ArmEmulator):
    options = AzureScanOptions(
        base_url=arm.url,
        connection_verify=arm.cert_path,
        retry_total=1,
        retry_backoff_factor=0.01,
        max_workers=4,
    )
    inventories = collect_azure(options, credential=EmulatorCredential())
    now = datetime.now(UTC)
    return build_scan_result(
        inventories,
        started_at=now,
        finished_at=now,
        source="live",
        benchmarks=[load_benchmark("cis-azure-6.0")],
    )


@pytest.fixture(scope="module")
def baseline(arm):
    arm.clear_faults()
    return _scan(arm)


@pytest.mark.parametrize(("area", "fault"), CASES, ids=[f"{a.replace(' ', '-')}-{f}" for a, f in CASES])
def test_an_arm_fault_is_contained(arm, baseline, tmp_path, monkeypatch, area, fault):
    arm.clear_faults()
    arm.add_fault(Fault(PATHS[area], STATUSES[fault], retry_after=0))
    try:
        faulted = _scan(arm)
    finally:
        arm.clear_faults()
    kinds = {e.kind for e in faulted.collection_errors}
    assert kinds == {{"denied": "denied", "throttled": "throttled", "server_error": "failed"}[fault]}, kinds
    assert_fault_contained(baseline, faulted, SERVICES[area], tmp_path, monkeypatch)
