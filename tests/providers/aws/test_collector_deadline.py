"""The overall --timeout and Ctrl-C: the scan ends with what it has; the rest is ERROR, never lost."""

from __future__ import annotations

import _thread
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


def test_ctrl_c_keeps_what_was_collected(session, default_sigint) -> None:
    """Ctrl-C reaches the main thread as KeyboardInterrupt while it waits for the units.
    ``_thread.interrupt_main`` raises it there as the SIGINT handler would, without an OS signal
    (which would also reach the test runner's other processes), a second after EC2's progress event
    (the event is sent just before the unit's result is handed in; GuardDuty is held for 30 s)."""
    slow = new_session()
    held = _Held(slow, "guardduty.")
    interrupted = threading.Event()

    def progress(event: ProgressEvent) -> None:
        if event.service == "ec2" and not interrupted.is_set():
            interrupted.set()
            threading.Timer(1.0, _thread.interrupt_main).start()

    try:
        options = AwsScanOptions(regions=(REGION,), max_attempts=1)
        inventory = collect_aws(options, progress=progress, session=slow)
    finally:
        held.release.set()
    region = inventory.regions[REGION]
    assert region.vpcs is not None  # finished before the interrupt: kept
    assert region.guardduty_detectors is None  # still in flight: not finished, and said so
    stopped = [e for e in inventory.errors if e.code == "Interrupted"]
    assert stopped and all(e.kind == "failed" and "Ctrl-C" in e.message for e in stopped)
    assert "guardduty" in {e.service for e in stopped}


def _organization(session: boto3.Session, **options: Any) -> list[Any]:
    """The three-account organization (the last one's role cannot be assumed), every GuardDuty call of
    every account held past the --timeout (the members' clients come from the caller's session)."""
    from auditor.emulators import moto_extensions
    from auditor.emulators.aws_seed import seed_aws
    from auditor.emulators.estate import parse_estate
    from tests.providers.aws.test_organization import ESTATE

    moto_extensions.install()
    estate = parse_estate(ESTATE, "org.yaml").aws
    assert estate is not None
    seed_aws(estate, session)
    slow = new_session()
    held = _Held(slow, "guardduty.")
    try:
        return collect_aws_organization(
            AwsScanOptions(organization=True, regions=(REGION,), timeout=3.0, max_attempts=1, **options),
            session=slow,
        )
    finally:
        held.release.set()


def test_an_organization_scan_out_of_time_reports_the_accounts_it_never_started(session) -> None:
    from tests.providers.aws.test_organization import LEGACY, MANAGEMENT, SHARED

    inventories = _organization(session, parallel_accounts=1)  # one account at a time
    assert [i.account_id for i in inventories] == [MANAGEMENT, SHARED, LEGACY]
    first = inventories[0]
    assert first.entry_error is None and first.regions["us-east-1"].guardduty_detectors is None
    not_started = [i for i in inventories[1:] if i.entry_error is not None]
    assert [i.account_id for i in not_started] == [SHARED, LEGACY]
    assert all(
        i.entry_error.code == "ScanTimeout" and "ran out first" in i.entry_error.message for i in not_started
    )


def test_organization_accounts_are_collected_side_by_side_on_one_pool(session) -> None:
    """With accounts in parallel, every enterable account is in before the 3 s --timeout, though each
    one's GuardDuty never answers: both keep what they collected, GuardDuty is ERROR in both."""
    from tests.providers.aws.test_organization import LEGACY, MANAGEMENT, SHARED

    inventories = _organization(session, parallel_accounts=3, max_workers=8)
    by_id = {i.account_id: i for i in inventories}
    assert list(by_id) == [MANAGEMENT, SHARED, LEGACY]
    for account in (MANAGEMENT, SHARED):
        inventory = by_id[account]
        assert inventory.entry_error is None
        region = inventory.regions["us-east-1"]
        assert region.vpcs is not None and region.guardduty_detectors is None
        [error] = [e for e in inventory.errors if e.dataset == "guardduty_detectors"]
        assert (error.code, error.account) == ("ScanTimeout", account)
    legacy = by_id[LEGACY].entry_error
    assert legacy is not None and (legacy.service, legacy.operation) == ("sts", "AssumeRole")
