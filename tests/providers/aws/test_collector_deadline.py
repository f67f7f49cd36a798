"""The overall --timeout and Ctrl-C: the scan ends with what it has; the rest is ERROR, never lost."""

from __future__ import annotations

import threading
from typing import Any

import boto3

from auditor.engine import evaluate
from auditor.model import Status
from auditor.progress import ProgressEvent
from auditor.providers.aws import AwsScanOptions, collect_aws
from auditor.providers.aws.organization import collect_aws_organization
from tests.providers.aws.conftest import new_session

REGION = "us-east-1"


class _Held:
    """Every HTTP attempt to a host containing ``host_part`` waits until released (or 30 s): a call
    still in flight. Released at the end of the test, inside moto, so no thread outlives it."""

    def __init__(self, session: boto3.Session, host_part: str) -> None:
        self.release = threading.Event()

        def before_send(request: Any, **_: Any) -> None:
            if host_part in request.url:
                self.release.wait(30)

        session.events.register_first("before-send", before_send)


def test_units_still_running_at_the_timeout_are_not_finished_and_the_rest_is_kept(session) -> None:
    slow = new_session()
    held = _Held(slow, "guardduty.")
    try:
        inventory = collect_aws(AwsScanOptions(regions=(REGION,), timeout=6.0, max_attempts=1), session=slow)
    finally:
        held.release.set()
    region = inventory.regions[REGION]
    assert region.guardduty_detectors is None
    assert region.vpcs is not None and region.trails is not None  # finished in time: kept
    [error] = [e for e in inventory.errors if e.dataset == "guardduty_detectors"]
    assert (error.kind, error.code, error.service) == ("timeout", "ScanTimeout", "guardduty")
    assert "--timeout of 6 s" in error.message
    findings = [f for f in evaluate([inventory]) if f.check_id.startswith("aws.guardduty.")]
    assert findings and {f.status for f in findings} == {Status.ERROR}


def test_ctrl_c_keeps_what_was_collected(session, monkeypatch) -> None:
    """Ctrl-C reaches the main thread as KeyboardInterrupt while it waits for the units. A real SIGINT
    would also hit the test runner's worker, so the interrupt is raised from inside the wait instead,
    once EC2 is in (the wait is the standard library's, not ours)."""
    from concurrent.futures import wait as real_wait

    from auditor.providers.aws import collector

    ec2_done = threading.Event()

    def interrupted_wait(futures, timeout=None, return_when=None):
        while not ec2_done.is_set():
            done, pending = real_wait(futures, timeout=0.05, return_when=return_when)
            if not pending:
                return done, pending
        raise KeyboardInterrupt

    monkeypatch.setattr(collector, "wait", interrupted_wait)
    slow = new_session()
    held = _Held(slow, "guardduty.")

    def progress(event: ProgressEvent) -> None:
        if event.service == "ec2":
            ec2_done.set()

    try:
        options = AwsScanOptions(regions=(REGION,), max_attempts=1)
        inventory = collect_aws(options, progress=progress, session=slow)
    finally:
        held.release.set()
    region = inventory.regions[REGION]
    assert region.vpcs is not None  # finished before the interrupt: kept
    assert region.guardduty_detectors is None  # still in flight: not finished, and said so
    interrupted = [e for e in inventory.errors if e.code == "Interrupted"]
    assert interrupted and all(e.kind == "failed" and "Ctrl-C" in e.message for e in interrupted)
    assert "guardduty" in {e.service for e in interrupted}


def test_an_organization_scan_out_of_time_reports_the_accounts_it_never_started(session) -> None:
    from auditor.emulators import moto_extensions
    from auditor.emulators.aws_seed import seed_aws
    from auditor.emulators.estate import parse_estate
    from tests.providers.aws.test_organization import ESTATE, LEGACY, MANAGEMENT, SHARED

    moto_extensions.install()
    estate = parse_estate(ESTATE, "org.yaml").aws
    assert estate is not None
    seed_aws(estate, session)
    slow = new_session()
    held = _Held(slow, "guardduty.")  # the first account's GuardDuty never answers in time
    try:
        options = AwsScanOptions(organization=True, timeout=3.0, max_attempts=1)
        inventories = collect_aws_organization(options, session=slow)
    finally:
        held.release.set()
    assert [i.account_id for i in inventories] == [MANAGEMENT, SHARED, LEGACY]
    first = inventories[0]
    assert first.entry_error is None and first.regions["us-east-1"].guardduty_detectors is None
    not_started = [i for i in inventories[1:] if i.entry_error is not None]
    assert [i.account_id for i in not_started] == [SHARED, LEGACY]
    assert all(
        i.entry_error.code == "ScanTimeout" and "ran out first" in i.entry_error.message for i in not_started
    )
