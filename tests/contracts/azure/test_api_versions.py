"""One api-version per operation, the same in three places: the vendored spec, the emulator's route and
the collector's pin. The emulator refuses any other version as ARM does, and a real scan sends each
operation at its pinned version only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.emulators.arm_routes import ROUTES
from auditor.emulators.arm_server import ArmEmulator, EmulatorCredential
from auditor.emulators.azure_seed import seed_azure
from auditor.emulators.estate import bundled_estate, load_estate
from auditor.providers.azure import AzureScanOptions, collect_azure
from auditor.providers.azure.operations import OPERATIONS
from tests.contracts.azure.emulator_answers import get
from tests.contracts.azure.manifest import operations
from tests.contracts.azure.spec_defects import PATH_DEFECTS

EMULATOR = Path(__file__).parents[3] / "auditor" / "emulators" / "arm_routes.py"


def test_every_route_serves_the_version_and_path_of_its_vendored_spec():
    specs = operations()
    for route in ROUTES:
        spec = specs[route.operation_id]
        path = PATH_DEFECTS.get(route.operation_id, (spec.path, ""))[0]
        assert (route.api_version, route.path) == (spec.api_version, path), route.operation_id


def test_the_collector_pins_the_version_the_spec_and_the_emulator_declare():
    specs = operations()
    served = {route.operation_id: route.api_version for route in ROUTES}
    for operation in OPERATIONS.values():
        assert operation.api_version == specs[operation.operation_id].api_version, operation.name
        assert operation.api_version == served[operation.operation_id], operation.name


def test_the_emulator_source_declares_an_api_version_on_every_route():
    """What `grep -n api-version auditor/emulators/arm_routes.py` shows: one version per route."""
    declared = re.findall(r"\?api-version=([0-9a-z-]+)\"", EMULATOR.read_text())
    assert len(declared) == len(ROUTES)


def _concrete(path: str) -> str:
    return re.sub(
        r"\{[A-Za-z]+\}",
        "x",
        path.replace("{scopeId}", "subscriptions/x").replace(
            "{resourceUri}", "subscriptions/x/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v"
        ),
    )


@pytest.mark.parametrize("route", ROUTES, ids=[r.operation_id for r in ROUTES])
def test_a_request_at_another_api_version_gets_arms_400(route):
    with ArmEmulator() as emulator:
        status, body = get(emulator, f"{_concrete(route.path)}?api-version=2015-01-01")
        assert status == 400 and body["error"]["code"] == "InvalidApiVersionParameter"
        assert f"The supported versions are '{route.api_version}'" in body["error"]["message"]
        status, _ = get(emulator, f"{_concrete(route.path)}?api-version={route.api_version}")
        assert status == 404  # the right version reaches the route: nothing is seeded there


def test_a_demo_scan_sends_every_operation_at_its_pinned_version_and_only_that():
    estate = load_estate(bundled_estate("demo")).azure
    assert estate is not None
    emulator = ArmEmulator(page_size=2)
    seed_azure(estate, emulator)
    with emulator:
        options = AzureScanOptions(
            base_url=emulator.url,
            connection_verify=emulator.cert_path,
            retry_total=0,
            management_group="mg-acme",
        )
        [inventory] = collect_azure(options, credential=EmulatorCredential())
        requests = emulator.requests
    assert not inventory.errors
    versions = {route.operation_id: route.api_version for route in ROUTES}
    assert all(r.operation and r.api_version == versions[r.operation] for r in requests), requests
    called = {r.operation for r in requests}
    assert called == {operation.operation_id for operation in OPERATIONS.values()} - {"Subscriptions_List"}
