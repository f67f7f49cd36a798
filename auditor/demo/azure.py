"""The Azure part of the demo: the estate's ``azure:`` part in the HTTPS ARM emulator on loopback,
collected through the real azure-mgmt clients with the emulator's fake credential: every subscription
of the estate's first top-level management group if it declares one, else every one visible."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.emulators.estate_azure import AzureEstate
from auditor.inventory import Inventory
from auditor.progress import ProgressCallback

if TYPE_CHECKING:
    from auditor.providers.scan_pool import ScanStop


def collect_azure_demo(
    spec: AzureEstate, progress: ProgressCallback | None = None, stop: ScanStop | None = None
) -> list[Inventory]:
    from auditor.demo import DemoFailed
    from auditor.emulators.arm_server import ArmEmulator, EmulatorCredential
    from auditor.emulators.azure_seed import seed_azure
    from auditor.providers.azure import AzureCollectionFailed, AzureScanOptions, collect_azure

    emulator = ArmEmulator()
    seed_azure(spec, emulator)
    with emulator:
        options = AzureScanOptions(
            base_url=emulator.url,
            connection_verify=emulator.cert_path,
            retry_total=1,
            retry_backoff_factor=0.01,
            max_workers=8,
            management_group=next((g.id for g in spec.management_groups if g.parent is None), None),
        )
        try:
            return list(collect_azure(options, progress=progress, credential=EmulatorCredential(), stop=stop))
        except AzureCollectionFailed as error:
            raise DemoFailed(f"Azure: {error}") from error
