"""Azure subscriptions scanned on a real Dask LocalCluster (2 worker processes over TCP) against the
HTTPS ARM emulator, with a DNS security policy of one subscription linking a VNet of the other (the one
thing the client must join across shards): the same result as one process, and a subscription whose
every worker dies is ERROR "worker lost" while the links from it are unknown, never assumed."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from auditor.emulators.arm_server import ArmEmulator, Fault
from auditor.emulators.azure_seed import seed_azure
from auditor.engine import build_scan_result
from auditor.inventory.azure import AzureInventory
from auditor.model import Status
from auditor.providers.azure import AzureScanOptions, collect_azure
from auditor.providers.azure.credentials import PlaceholderCredential
from auditor.providers.azure.shards import collect_azure_on_cluster
from auditor.providers.cluster import ClusterSpec, cluster_client
from tests.providers.azure.test_dns_policy_links import ESTATE, HUB, SPOKE

LOCAL = ClusterSpec(local_workers=2)


@pytest.fixture(scope="module")
def arm() -> Iterator[ArmEmulator]:
    emulator = ArmEmulator(page_size=2)
    assert ESTATE.azure is not None
    seed_azure(ESTATE.azure, emulator)
    with emulator:
        yield emulator


@pytest.fixture(scope="module")
def client(arm: ArmEmulator) -> Iterator[Any]:
    with cluster_client(LOCAL, log_level=logging.WARNING) as opened:
        yield opened


def options(arm: ArmEmulator) -> AzureScanOptions:
    return AzureScanOptions(base_url=arm.url, connection_verify=arm.cert_path, retry_total=0, max_workers=4)


def comparable(inventories: list[AzureInventory]) -> dict[str, Any]:
    now = datetime.now(UTC)
    data = build_scan_result(inventories, started_at=now, finished_at=now, source="live").model_dump(
        mode="json"
    )
    for volatile in ("started_at", "finished_at", "inventory_hash"):
        data.pop(volatile)
    return data


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_the_cluster_scan_gives_the_single_process_result(arm, client) -> None:
    single = collect_azure(options(arm), credential=PlaceholderCredential())
    sharded = collect_azure_on_cluster(options(arm), LOCAL, credential=PlaceholderCredential(), client=client)
    assert [i.subscription_id for i in sharded] == [HUB, SPOKE]
    [linked] = sharded[1].linked_dns_security_policies or []  # joined across the two shards
    assert linked.name == "central-dns"
    assert comparable(sharded) == comparable(single)
    assert sum(sum(i.api_calls.values()) for i in sharded) == sum(sum(i.api_calls.values()) for i in single)


def test_a_subscription_whose_every_worker_dies_is_worker_lost_and_its_links_unknown(arm, client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    arm.add_fault(Fault(f"/subscriptions/{HUB}/providers/Microsoft.Network/networkWatchers", delay=25))
    try:
        with ThreadPoolExecutor(1) as background:
            scan = background.submit(
                collect_azure_on_cluster,
                options(arm),
                LOCAL,
                credential=PlaceholderCredential(),
                client=client,
            )
            for attempt in (1, 2):
                seen = len(arm.requests)

                def hub_in_flight(seen: int = seen) -> bool:
                    held = [r for r in arm.requests[seen:] if "networkWatchers" in r.path and HUB in r.path]
                    return bool(held) and any(
                        f"azure-{HUB}-" in key for keys in client.processing().values() for key in keys
                    )

                wait_until(hub_in_flight, f"attempt {attempt} of the hub's Network Watcher read")
                [worker] = [w for w, keys in client.processing().items() if any(HUB in k for k in keys)]
                [pid] = client.run(os.getpid, workers=[worker]).values()
                os.kill(pid, signal.SIGKILL)
            hub, spoke = scan.result(timeout=120)
    finally:
        arm.clear_faults()
        client.wait_for_workers(2, timeout=60)
    assert hub.entry_error is not None and hub.entry_error.code == "WorkerLost"
    assert spoke.entry_error is None and spoke.linked_dns_security_policies is None
    [error] = [e for e in spoke.errors if e.dataset == "linked_dns_security_policies"]
    assert HUB in error.message and "worker lost" in error.message
    now = datetime.now(UTC)
    findings = build_scan_result([hub, spoke], started_at=now, finished_at=now, source="live").findings
    assert {f.status for f in findings if f.account == HUB} == {Status.ERROR}
    dns = {
        f.resource_id.rsplit("/", 1)[-1]: f.status
        for f in findings
        if f.check_id == "azure.dns.query_logging_enabled"
    }
    assert dns["spoke-vnet"] is Status.ERROR  # its link from the lost hub is unknown: never PASS or FAIL
