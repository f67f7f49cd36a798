"""The overall --timeout and Ctrl-C for GCP: the scan ends with what it has; the rest is ERROR, never lost.

At the wire: the gRPC emulator holds every Cloud Logging ``ListSinks`` answer (the ``slow`` fault) far past
the scan's budget, so the logging unit is still in flight when the timeout or the interrupt comes; the
emulator lets the held answers go when each test ends (``faults.clear()``).
"""

from __future__ import annotations

import _thread
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.emulators.estate import bundled_estate, load_estate
from auditor.emulators.gcp_emulator import GcpEmulator
from auditor.emulators.gcp_faults import MAX_DELAY
from auditor.engine import evaluate
from auditor.inventory.gcp import GcpInventory
from auditor.model import Status
from auditor.progress import ProgressEvent
from auditor.providers.gcp import GcpScanOptions, collect_gcp

HELD = "logging.ListSinks"
LOGGING_DATASETS = ("log_sinks", "sink_buckets", "log_metrics")
TIMEOUT = 3.0
SETTLE = 1.0
"""Seconds between the progress event that triggers Ctrl-C and the interrupt."""


@pytest.fixture(scope="module")
def gcp() -> Iterator[GcpEmulator]:
    spec = load_estate(bundled_estate("demo")).gcp
    assert spec is not None and spec.organization is not None
    with GcpEmulator.from_estate(spec) as emulator:
        emulator.organization = spec.organization.id  # type: ignore[attr-defined]
        _collect(emulator)  # a first, unhurried scan: the client libraries are imported before the clock runs
        yield emulator


@pytest.fixture
def held(gcp: GcpEmulator) -> Iterator[GcpEmulator]:
    """Every ListSinks answer held (until the test ends: ``clear()`` lets them go)."""
    gcp.faults.clear()
    gcp.faults.inject(HELD, "slow", delay=MAX_DELAY)
    yield gcp
    gcp.faults.clear()


def _collect(gcp: GcpEmulator, **options: Any) -> list[GcpInventory]:
    settings: dict[str, Any] = {
        "organization": gcp.organization,  # type: ignore[attr-defined]
        "endpoints": gcp.endpoints(),
        "anonymous": True,
        "retry_initial": 0.01,
        "retry_deadline": 0.5,
    }
    progress = options.pop("progress", None)
    return collect_gcp(GcpScanOptions(**settings, **options), progress=progress)


def test_units_still_running_at_the_timeout_are_not_finished_and_the_rest_is_kept(held) -> None:
    served = held.faults.served(HELD)
    started = time.monotonic()
    inventories = _collect(held, timeout=TIMEOUT)
    elapsed = time.monotonic() - started
    assert held.faults.served(HELD) > served, "no ListSinks call reached the emulator"
    assert elapsed < TIMEOUT + 2, f"the scan took {elapsed:.1f} s with a --timeout of {TIMEOUT:g} s"
    assert inventories
    for inventory in inventories:
        assert inventory.subnetworks is not None and inventory.alert_policies is not None  # kept
        assert inventory.scc_services is not None  # the organization's SCC unit finished too
        for dataset in LOGGING_DATASETS:
            assert getattr(inventory, dataset) is None, dataset
            [error] = [e for e in inventory.errors if e.dataset == dataset]
            assert (error.kind, error.code, error.service) == ("timeout", "ScanTimeout", "logging")
            assert f"--timeout of {TIMEOUT:g} s" in error.message
    findings = evaluate(inventories)
    logging = [f for f in findings if f.check_id.startswith("gcp.logging.sink")]
    assert logging and {f.status for f in logging} == {Status.ERROR}
    assert all("logging:" in f.message and "--timeout" in f.message for f in logging), logging[0].message
    assert any(f.status is not Status.ERROR for f in findings if f.check_id.startswith("gcp.compute."))


def test_ctrl_c_keeps_what_was_collected(held, default_sigint) -> None:
    """Ctrl-C reaches the main thread as KeyboardInterrupt while it waits for the units.
    ``_thread.interrupt_main`` raises it there as the SIGINT handler would, without an OS signal
    (which would also reach the test runner's other processes), a moment after a compute unit is in."""
    interrupted = threading.Event()

    def progress(event: ProgressEvent) -> None:
        if event.service == "compute" and not interrupted.is_set():
            interrupted.set()
            # the event comes from inside the unit's job: give the job a moment to hand in its result
            threading.Timer(SETTLE, _thread.interrupt_main).start()

    started = time.monotonic()
    inventories = _collect(held, progress=progress)
    assert interrupted.is_set()
    assert time.monotonic() - started < MAX_DELAY / 2, "the interrupt did not end the scan"
    assert any(i.subnetworks is not None for i in inventories)  # finished before the interrupt: kept
    for inventory in inventories:
        assert inventory.log_sinks is None  # still in flight: not finished, and said so
        stopped = [e for e in inventory.errors if e.code == "Interrupted"]
        assert stopped and all(e.kind == "failed" and "Ctrl-C" in e.message for e in stopped)
        assert "logging" in {e.service for e in stopped}


def test_a_timed_out_scan_exits_with_the_documented_code(held, tmp_path: Path) -> None:
    """`auditor scan gcp --timeout` against the emulators (its endpoint options, anonymous): the scan
    finishes at the budget, shows the held service's controls as not evaluated, and exits 3 (something
    FAILs; the ERRORs do not hide it)."""
    endpoints = held.endpoints()
    out = tmp_path / "scan.json"
    args = ["scan", "gcp", "--organization", held.organization, "--endpoint", endpoints.rest]  # type: ignore[attr-defined]
    args += ["--grpc-endpoint", str(endpoints.grpc), "--anonymous", "--timeout", f"{TIMEOUT:g}"]
    env = {"COLUMNS": "250", "POSTURE_AUDITOR_HOME": str(tmp_path / "home")}
    started = time.monotonic()
    scanned = CliRunner().invoke(app, [*args, "--json", str(out), "--no-history"], env=env)
    assert time.monotonic() - started < TIMEOUT + 5
    assert scanned.exit_code == 3, scanned.output
    assert "--timeout" in scanned.output, scanned.output
    statuses = {f["status"] for f in json.loads(out.read_text())["findings"]}
    assert {"FAIL", "ERROR"} <= statuses


@pytest.mark.parametrize("value", ["0", "-5"])
def test_scan_gcp_refuses_a_timeout_under_a_second(value: str) -> None:
    result = CliRunner().invoke(app, ["scan", "gcp", "--timeout", value], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "--timeout" in result.output
