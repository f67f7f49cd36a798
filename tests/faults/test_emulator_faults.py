"""The emulators' own fault machinery: held answers end on time and never hold a test's teardown,
raw bodies go out as given."""

from __future__ import annotations

import threading
import time

import requests

from auditor.emulators.arm_server import EMPTY_LIST, MAX_DELAY, NOT_JSON, ArmEmulator, Fault
from auditor.emulators.gcp_faults import FaultPlan

PRICINGS = "/subscriptions/s/providers/Microsoft.Security/pricings"
PRICINGS_URL = PRICINGS + "?api-version=2024-01-01"


def _get_in_background(arm: ArmEmulator) -> tuple[threading.Thread, dict[str, object]]:
    outcome: dict[str, object] = {}

    def get() -> None:
        try:
            outcome["status"] = requests.get(
                arm.url + PRICINGS_URL, verify=str(arm.cert_path), timeout=60
            ).status_code
        except requests.ConnectionError as error:
            outcome["error"] = error

    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    return thread, outcome


def _wait_until_served(fault: Fault) -> None:
    deadline = time.monotonic() + 10
    while not fault.served and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fault.served


def test_an_arm_answer_held_by_a_delay_is_let_go_by_clear_faults_and_by_stop() -> None:
    arm = ArmEmulator().start()
    try:
        arm.add_collection(PRICINGS, [{"name": "VirtualMachines"}], paged=False)
        for release in (arm.clear_faults, arm.stop):
            fault = arm.add_fault(Fault("providers/Microsoft.Security/", delay=MAX_DELAY))
            thread, outcome = _get_in_background(arm)
            _wait_until_served(fault)
            started = time.monotonic()
            release()
            thread.join(5)
            assert not thread.is_alive() and time.monotonic() - started < 5, release.__name__
            assert "error" in outcome, outcome  # let go: the connection closes with no answer
    finally:
        arm.stop()


def test_a_slow_arm_path_answers_normally_after_its_delay_and_raw_bodies_go_out_as_given() -> None:
    with ArmEmulator() as arm:
        arm.add_collection(PRICINGS, [{"name": "VirtualMachines"}], paged=False)
        verify = str(arm.cert_path)
        arm.add_fault(Fault("providers/Microsoft.Security/", delay=0.3, times=1))
        started = time.monotonic()
        slow = requests.get(arm.url + PRICINGS_URL, verify=verify, timeout=10)
        assert time.monotonic() - started >= 0.3
        assert slow.status_code == 200 and slow.json() == {"value": [{"name": "VirtualMachines"}]}
        for body in (NOT_JSON, EMPTY_LIST):
            arm.add_fault(Fault("providers/Microsoft.Security/", body=body, times=1))
            answer = requests.get(arm.url + PRICINGS_URL, verify=verify, timeout=10)
            assert (answer.status_code, answer.text) == (200, body)


def test_a_slow_gcp_answer_is_held_for_its_delay_or_until_the_plan_is_cleared() -> None:
    plan = FaultPlan()
    plan.inject("logging.ListSinks", "slow", delay=0.2, times=1)
    started = time.monotonic()
    assert plan.take("logging.ListSinks") == "slow"
    assert time.monotonic() - started >= 0.2
    assert plan.take("logging.ListSinks") is None  # once only

    plan.inject("logging.ListSinks", "slow", delay=MAX_DELAY)
    taken: list[object] = []
    thread = threading.Thread(target=lambda: taken.append(plan.take("logging.ListSinks")), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while plan.served("logging.ListSinks") < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    plan.clear()
    thread.join(5)
    assert taken == ["slow"] and time.monotonic() - started < 5
