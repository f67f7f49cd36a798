"""One seeded ARM emulator per test module (page size 2, so every list with 3+ items pages)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from auditor.emulators.arm_server import ArmEmulator, EmulatorCredential
from auditor.emulators.azure_seed import seed_azure
from auditor.inventory.azure import AzureInventory
from auditor.providers.azure import AzureScanOptions, collect_azure
from tests.providers.azure.estate import ESTATE


@pytest.fixture(scope="module")
def arm() -> Iterator[ArmEmulator]:
    emulator = ArmEmulator(page_size=2)
    assert ESTATE.azure is not None
    seed_azure(ESTATE.azure, emulator)
    with emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _clean_emulator(request: pytest.FixtureRequest) -> Iterator[None]:
    """Faults and the request log never leak from one test to the next."""
    if "arm" not in request.fixturenames:
        yield
        return
    emulator: ArmEmulator = request.getfixturevalue("arm")
    emulator.clear_faults()
    emulator.clear_requests()
    yield
    emulator.clear_faults()


def options_for(arm: ArmEmulator, **overrides: Any) -> AzureScanOptions:
    settings: dict[str, Any] = {
        "base_url": arm.url,
        "connection_verify": arm.cert_path,
        "retry_total": 2,
        "retry_backoff_factor": 0.01,
        "max_workers": 4,
        **overrides,
    }
    return AzureScanOptions(**settings)


def collect(arm: ArmEmulator, **overrides: Any) -> list[AzureInventory]:
    return collect_azure(options_for(arm, **overrides), credential=EmulatorCredential())
