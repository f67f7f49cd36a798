"""The overall --timeout and Ctrl-C for Azure: the scan ends with what it has; the rest is ERROR, never lost.

At the wire: the ARM emulator holds every Defender for Cloud answer (``Fault.delay``) far past the scan's
budget, so the security unit is still in flight when the timeout or the interrupt comes; the emulator
lets the held answers go when the test ends (the autouse fixture clears the faults).
"""

from __future__ import annotations

import _thread
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.emulators.arm_server import MAX_DELAY, ArmEmulator, EmulatorCredential, Fault
from auditor.engine import build_scan_result, evaluate
from auditor.inventory.azure import AzureInventory
from auditor.model import Status
from auditor.progress import ProgressEvent
from auditor.providers.azure import collect_azure
from auditor.snapshot import write_snapshot
from tests.providers.azure.conftest import collect, options_for
from tests.providers.azure.estate import PROD

SECURITY = "providers/Microsoft.Security/"
SECURITY_DATASETS = ("defender_plans", "auto_provisioning", "security_settings", "security_contacts")
TIMEOUT = 3.0
SETTLE = 1.0
"""Seconds between the progress event that triggers Ctrl-C and the interrupt."""
DIAGNOSTICS_CHECKS = ("azure.keyvault.logging_enabled", "azure.network.application_gateway_logging_enabled")


@pytest.fixture(scope="module", autouse=True)
def _warm(arm: ArmEmulator) -> None:
    """A first, unhurried scan: the client libraries are imported before any clock runs."""
    collect(arm)


def _hold_security(arm: ArmEmulator) -> Fault:
    return arm.add_fault(Fault(SECURITY, delay=MAX_DELAY))


def _kept(inventory: AzureInventory) -> None:
    """What finished before the stop is there."""
    assert inventory.network_watchers is not None and inventory.network_security_groups is not None
    assert inventory.activity_log_settings is not None and inventory.key_vaults is not None


def test_units_still_running_at_the_timeout_are_not_finished_and_the_rest_is_kept(arm) -> None:
    held = _hold_security(arm)
    started = time.monotonic()
    inventories = collect(arm, timeout=TIMEOUT, retry_total=0, max_workers=8)  # both subscriptions
    elapsed = time.monotonic() - started
    assert held.served, "the Defender reads never reached the emulator"
    assert elapsed < TIMEOUT + 2, f"the scan took {elapsed:.1f} s with a --timeout of {TIMEOUT:g} s"
    assert len(inventories) == 2
    for inventory in inventories:
        _kept(inventory)
        for dataset in SECURITY_DATASETS:
            assert getattr(inventory, dataset) is None, dataset
            [error] = [e for e in inventory.errors if e.dataset == dataset]
            assert (error.kind, error.code, error.service) == ("timeout", "ScanTimeout", "security")
            assert f"--timeout of {TIMEOUT:g} s" in error.message
    findings = evaluate(inventories)
    defender = [f for f in findings if f.check_id.startswith("azure.defender.")]
    assert defender and {f.status for f in defender} == {Status.ERROR}
    for finding in defender:  # the plans and settings (security) and the alerts (defenderalerts) were held
        assert "--timeout" in finding.message, finding.message
        assert "security:" in finding.message or "defenderalerts:" in finding.message, finding.message
    assert any(f.status is not Status.ERROR for f in findings if f.check_id.startswith("azure.network."))
    # the second phase (each resource's diagnostic settings) never ran: its checks say why, per resource
    # (prod has the key vaults and the gateway)
    diagnostics = [f for f in findings if f.check_id in DIAGNOSTICS_CHECKS and f.account == PROD]
    assert diagnostics and {f.status for f in diagnostics} == {Status.ERROR}
    for finding in diagnostics:
        assert "monitor:diagnostic_settings.list in " in finding.message and "--timeout" in finding.message


def test_ctrl_c_keeps_what_was_collected(arm, default_sigint) -> None:
    """Ctrl-C reaches the main thread as KeyboardInterrupt while it waits for the units.
    ``_thread.interrupt_main`` raises it there as the SIGINT handler would, without an OS signal
    (which would also reach the test runner's other processes), a moment after a network unit is in."""
    _hold_security(arm)
    interrupted = threading.Event()

    def progress(event: ProgressEvent) -> None:
        if event.service == "network" and not interrupted.is_set():
            interrupted.set()
            # the event comes from inside the unit's job: give the job a moment to hand in its result
            threading.Timer(SETTLE, _thread.interrupt_main).start()

    started = time.monotonic()
    options = options_for(arm, retry_total=0, max_workers=8)  # the held Defender units leave room
    inventories = collect_azure(options, progress=progress, credential=EmulatorCredential())
    assert interrupted.is_set()
    assert time.monotonic() - started < MAX_DELAY / 2, "the interrupt did not end the scan"
    for inventory in inventories:
        assert inventory.defender_plans is None  # still in flight: not finished, and said so
        stopped = [e for e in inventory.errors if e.code == "Interrupted"]
        assert stopped and all(e.kind == "failed" and "Ctrl-C" in e.message for e in stopped)
        assert "security" in {e.service for e in stopped}
    # the network unit that finished before the interrupt is kept
    assert any(inventory.network_watchers is not None for inventory in inventories)


def test_a_timed_out_scan_exits_with_the_documented_code(arm, tmp_path: Path) -> None:
    """`auditor scan azure` cannot be pointed at the emulator (it talks to ARM with the live
    credential), so the CLI is given the timed-out scan as a snapshot: it finishes, shows the held
    service's controls as not evaluated, and exits 3 (something FAILs; the ERRORs do not hide it)."""
    _hold_security(arm)
    inventories = collect(arm, timeout=TIMEOUT, retry_total=0, max_workers=8)
    now = datetime.now(UTC)
    result = build_scan_result(inventories, started_at=now, finished_at=now, source="live")
    assert result.counts()[Status.FAIL] and result.counts()[Status.ERROR]
    snapshot = tmp_path / "azure.json"
    write_snapshot(snapshot, list(inventories))
    env = {"COLUMNS": "250", "POSTURE_AUDITOR_HOME": str(tmp_path / "home")}
    scanned = CliRunner().invoke(app, ["scan", "--from-snapshot", str(snapshot), "--no-history"], env=env)
    assert scanned.exit_code == 3, scanned.output
    assert "ScanTimeout" in scanned.output or "--timeout" in scanned.output, scanned.output


@pytest.mark.parametrize("value", ["0", "-5"])
def test_scan_azure_refuses_a_timeout_under_a_second(value: str) -> None:
    result = CliRunner().invoke(app, ["scan", "azure", "--timeout", value], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "--timeout" in result.output
