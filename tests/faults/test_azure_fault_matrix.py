"""The Azure fault matrix: each ARM resource provider the collector reads, answered by the HTTPS ARM
emulator on the demo's subscription with every fault: denied (403), throttled past the retries (429 with
Retry-After), a read timeout (the answer held past the client's read timeout), failing (500), a 200 that
is not JSON, a 200 of the wrong JSON shape, and an empty, valid list. Every failure must be contained and
the empty answer read honestly (tests/faults/invariants.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auditor.benchmarks import load_benchmark
from auditor.emulators.arm_server import (
    EMPTY_LIST,
    NOT_JSON,
    WRONG_SHAPE,
    ArmEmulator,
    EmulatorCredential,
    Fault,
)
from auditor.emulators.azure_seed import seed_azure
from auditor.emulators.estate import bundled_estate, load_estate
from auditor.engine import build_scan_result
from auditor.providers.azure import AzureScanOptions, collect_azure
from tests.faults.invariants import assert_empty_is_honest, assert_fault_contained

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
HELD = 3.0
"""How long a timeout case holds each answer: well past ``READ_TIMEOUT``."""
READ_TIMEOUT = 0.5


def _fault(path: str, kind: str) -> Fault:
    return {
        "denied": lambda: Fault(path, 403),
        "throttled": lambda: Fault(path, 429, retry_after=0),
        "timeout": lambda: Fault(path, delay=HELD),
        "server_error": lambda: Fault(path, 500),
        "malformed": lambda: Fault(path, body=NOT_JSON),
        "wrong_shape": lambda: Fault(path, body=WRONG_SHAPE),
        "empty": lambda: Fault(path, body=EMPTY_LIST),
    }[kind]()


KINDS = {
    "denied": "denied",
    "throttled": "throttled",
    "timeout": "timeout",
    "server_error": "failed",
    "malformed": "malformed",
    "wrong_shape": "malformed",
}
"""The ``CollectionError.kind`` each failing fault must be recorded as ("empty" is no failure)."""
FAULTS = (*KINDS, "empty")
CASES = [(area, fault) for area in PATHS for fault in FAULTS]


@pytest.fixture(scope="module")
def arm():
    spec = load_estate(bundled_estate("demo")).azure
    assert spec is not None
    emulator = ArmEmulator(page_size=3)
    seed_azure(spec, emulator)
    with emulator:
        yield emulator


def _scan(arm: ArmEmulator, fault: str = ""):
    # a timeout case reads with a short read timeout and no retry, to stay fast
    budget = {"read_timeout": READ_TIMEOUT, "retry_total": 0} if fault == "timeout" else {"retry_total": 1}
    options = AzureScanOptions(
        base_url=arm.url, connection_verify=arm.cert_path, retry_backoff_factor=0.01, max_workers=4, **budget
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
    injected = arm.add_fault(_fault(PATHS[area], fault))
    try:
        faulted = _scan(arm, fault)
    finally:
        arm.clear_faults()  # lets a held answer go
    assert injected.served, f"no request reached {PATHS[area]}"
    if fault == "empty":
        assert_empty_is_honest(baseline, faulted, SERVICES[area], tmp_path, monkeypatch)
        return
    kinds = {e.kind for e in faulted.collection_errors}
    assert kinds == {KINDS[fault]}, kinds
    assert_fault_contained(baseline, faulted, SERVICES[area], tmp_path, monkeypatch)
