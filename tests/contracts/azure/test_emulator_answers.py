"""Every answer the ARM emulator serves, for every operation the collector calls, is a response the Azure
REST API specification defines for that operation at that api-version (strict: an undeclared property, a
value outside an enum, a wrong type, a schema the vendored fragment lacks, all fail)."""

from __future__ import annotations

import pytest

from auditor.emulators.arm_server import ArmEmulator
from auditor.emulators.azure_seed import seed_azure
from auditor.emulators.estate import Estate, bundled_estate, load_estate
from auditor.providers.azure.operations import OPERATIONS
from tests.contracts.azure.emulator_answers import served
from tests.contracts.azure.manifest import operations
from tests.providers.azure import test_dns_policy_links
from tests.providers.azure.estate import ESTATE

ESTATES: dict[str, Estate] = {
    "demo": load_estate(bundled_estate("demo")),
    "demo-remediated": load_estate(bundled_estate("demo-remediated")),
    "collector-tests": ESTATE,
    "dns-links": test_dns_policy_links.ESTATE,
}


def answers_problems(emulator: ArmEmulator) -> tuple[list[str], set[str]]:
    """Every problem of every served page, and the operations served."""
    specs = operations()
    problems: list[str] = []
    seen: set[str] = set()
    for route, url, body in served(emulator):
        seen.add(route.operation_id)
        problems += [f"{route.operation_id} {url}: {p}" for p in specs[route.operation_id].problems(body)]
    return problems, seen


@pytest.mark.parametrize("name", sorted(ESTATES))
def test_every_answer_the_emulator_serves_is_a_response_of_its_operations_spec(name):
    spec = ESTATES[name].azure
    assert spec is not None
    emulator = ArmEmulator(page_size=2)  # every list of 3+ items pages
    seed_azure(spec, emulator)
    with emulator:
        problems, seen = answers_problems(emulator)
    assert not problems, "\n".join(problems)
    if name == "demo":  # the demo serves every operation the collector calls
        assert {o.operation_id for o in OPERATIONS.values()} <= seen | {"Subscriptions_List"}
