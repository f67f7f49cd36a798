"""The demo: seed a simulated estate into the local emulators and collect it with the real collectors.

``collect_demo(estate, progress)`` returns one inventory per simulated account, subscription or
project, in provider order. The CLI (`auditor demo`) and the TUI (`auditor tui --demo`, the scan
screen's demo switch) both call it, so they show the same thing. No credentials and no network:
every client talks to an emulator on loopback or in-process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from auditor.emulators.estate import Estate
from auditor.inventory import Inventory
from auditor.progress import ProgressCallback

if TYPE_CHECKING:
    from auditor.providers.scan_pool import ScanStop


class DemoFailed(Exception):
    """The demo could not collect one of its simulated providers; the message says which and why."""


def collect_demo(
    estate: Estate, progress: ProgressCallback | None = None, stop: ScanStop | None = None
) -> list[Inventory]:
    """Seed and collect every provider the estate describes. ``stop`` (the TUI's Cancel) ends the
    collection early; what was collected is kept, the rest is ERROR (not finished)."""
    runs: list[Callable[[], list[Inventory]]] = []
    if estate.aws is not None:
        from auditor.demo.aws import collect_aws_demo

        spec = estate.aws
        runs.append(lambda: collect_aws_demo(spec, progress, stop))
    if estate.azure is not None:
        from auditor.demo.azure import collect_azure_demo

        azure_spec = estate.azure
        runs.append(lambda: collect_azure_demo(azure_spec, progress, stop))
    if estate.gcp is not None:
        from auditor.demo.gcp import collect_gcp_demo

        gcp_spec = estate.gcp
        runs.append(lambda: collect_gcp_demo(gcp_spec, progress, stop))
    if not runs:
        raise DemoFailed("the estate describes no provider to simulate (aws:, azure: or gcp:)")
    inventories: list[Inventory] = []
    for run in runs:
        if stop is not None and stop.reason is not None:
            break  # stopped: the providers not yet started are left out
        inventories.extend(run())
    return inventories
