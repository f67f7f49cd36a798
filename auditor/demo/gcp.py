"""The GCP part of the demo: the estate's ``gcp:`` part in the REST and gRPC emulators on loopback,
collected through the real Google clients with anonymous credentials."""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.emulators.estate_gcp import GcpEstate
from auditor.inventory import Inventory
from auditor.progress import ProgressCallback

if TYPE_CHECKING:
    from auditor.providers.scan_pool import ScanStop


def collect_gcp_demo(
    spec: GcpEstate, progress: ProgressCallback | None = None, stop: ScanStop | None = None
) -> list[Inventory]:
    from auditor.demo import DemoFailed
    from auditor.emulators.gcp_emulator import GcpEmulator
    from auditor.providers.gcp import GcpCollectionFailed, GcpScanOptions, collect_gcp

    with GcpEmulator.from_estate(spec) as emulator:
        options = GcpScanOptions(
            organization=spec.organization.id if spec.organization is not None else None,
            endpoints=emulator.endpoints(),
            anonymous=True,
            retry_initial=0.05,
            retry_deadline=5.0,
            num_retries=1,
            call_timeout=10.0,
        )
        try:
            return list(collect_gcp(options, progress=progress, stop=stop))
        except GcpCollectionFailed as error:
            raise DemoFailed(f"GCP: {error}") from error
