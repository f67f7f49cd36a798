"""The validator agrees with the spec's authors on real answers (every vendored example of every
operation validates), and it fails on every kind of drift a served shape can have."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from auditor.emulators.arm_server import ArmEmulator
from auditor.emulators.azure_seed import seed_azure
from auditor.emulators.estate import bundled_estate, load_estate
from tests.contracts.azure.emulator_answers import served
from tests.contracts.azure.manifest import operations

EXAMPLES = [
    (operation.operation_id, path.name)
    for operation in operations().values()
    for path, _, _ in operation.example_bodies()
]


@pytest.mark.parametrize(("operation_id", "example"), EXAMPLES, ids=[f"{o}:{e}" for o, e in EXAMPLES])
def test_every_vendored_example_is_a_valid_answer_of_its_operation(operation_id, example):
    operation = operations()[operation_id]
    [body] = [body for path, _, body in operation.example_bodies() if path.name == example]
    assert operation.problems(body, strict=False) == []


def test_every_operation_the_collector_calls_has_an_example_or_says_why():
    without = sorted(o.operation_id for o in operations().values() if not o.example_bodies())
    # the store holds no example for these (tests/contracts/azure/README.md)
    assert without == ["ApplicationGateways_GetSslPredefinedPolicy", "Resources_List"]


@pytest.fixture(scope="module")
def demo_answers() -> dict[str, Any]:
    """The first page the demo emulator serves for each operation."""
    estate = load_estate(bundled_estate("demo")).azure
    assert estate is not None
    emulator = ArmEmulator()
    seed_azure(estate, emulator)
    answers: dict[str, Any] = {}
    with emulator:
        for route, _, body in served(emulator):
            if body.get("value") or route.operation_id not in answers:
                answers[route.operation_id] = body
    return answers


def _drifted(body: Any, path: tuple[Any, ...], change: Any) -> Any:
    drifted = copy.deepcopy(body)
    node = drifted
    for step in path[:-1]:
        node = node[step]
    change(node, path[-1])
    return drifted


def _rename(new: str) -> Any:
    def change(node: dict[str, Any], key: str) -> None:
        node[new] = node.pop(key)

    return change


def _set(value: Any) -> Any:
    def change(node: Any, key: Any) -> None:
        node[key] = value

    return change


DRIFTS = [
    # (operation, where, the drift, what the validator must say)
    (
        "SecurityContacts_List",
        ("value", 0, "properties", "isEnabled"),
        _rename("enabled"),
        "property 'enabled' is not in the spec",
    ),
    (
        "SecurityContacts_List",
        ("value", 0, "properties", "notificationsSources", 0, "minimalSeverity"),
        _set("Critical"),
        "'Critical' is not one of ['High', 'Medium', 'Low']",
    ),
    (
        "SecurityContacts_List",
        ("value", 0, "properties", "alertNotifications"),
        _set({"state": "On", "minimalSeverity": "High"}),  # the 2020-01-01-preview shape
        "property 'alertNotifications' is not in the spec",
    ),
    (
        "Pricings_List",
        ("value", 0, "properties", "resourcesCoverageStatus"),
        _set("Partial"),
        "'Partial' is not one of ['FullyCovered', 'PartiallyCovered', 'NotCovered']",
    ),
    ("Pricings_List", ("value", 0, "properties", "deprecated"), _set("no"), "the spec says boolean"),
    (
        "FlowLogs_List",
        ("value", 0, "properties", "retentionPolicy", "days"),
        _set("30"),
        "str '30', the spec says integer",
    ),
    (
        "ApplicationGateways_ListAll",
        ("value", 0, "properties", "backendAddressPools"),
        _set([{"id": "/x"}]),
        "its schema is not vendored",
    ),
    (
        "ActivityLogAlerts_ListBySubscriptionId",
        ("value", 0, "properties", "scopes"),
        _set("/subscriptions/x"),
        "the spec says array",
    ),
    (
        "Alerts_List",
        ("value", 0, "properties", "startTimeUtc"),
        _set("yesterday"),
        "'yesterday' is not a date-time",
    ),
    (
        "Subscriptions_Get",
        ("subscriptionId",),
        _set(None),
        "null, which the spec does not allow here",
    ),
]


@pytest.mark.parametrize(
    ("operation_id", "where", "change", "expected"), DRIFTS, ids=[f"{d[0]}:{d[1][-1]}" for d in DRIFTS]
)
def test_a_drift_of_a_served_shape_fails_naming_where(demo_answers, operation_id, where, change, expected):
    operation = operations()[operation_id]
    body = demo_answers[operation_id]
    assert operation.problems(body) == []  # as served: conforms
    problems = operation.problems(_drifted(body, where, change))
    assert any(expected in p for p in problems), problems
