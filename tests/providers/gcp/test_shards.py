"""GCP projects scanned on a real Dask LocalCluster (2 worker processes over TCP) against the REST and
gRPC emulators: one shard per project, per organization's SCC and per ancestor's sinks, put together
into the inventories a single process gives (the demo's project in a folder, its SCC and aggregated
sinks; and an organization of four projects in nested folders, whose shared reads are counted once)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from auditor.emulators.estate import load_estate, parse_estate
from auditor.emulators.gcp_emulator import GcpEmulator
from auditor.engine import build_scan_result
from auditor.inventory.gcp import GcpInventory
from auditor.progress import ProgressEvent
from auditor.providers.cluster import ClusterSpec, cluster_client
from auditor.providers.gcp import GcpScanOptions, collect_gcp
from auditor.providers.gcp.shards import collect_gcp_on_cluster
from tests.providers.gcp.test_projects import ESTATE as FOLDERS
from tests.providers.gcp.test_projects import ORG as FOLDERS_ORG

LOCAL = ClusterSpec(local_workers=2)
DEMO = load_estate("auditor/emulators/estates/demo.yaml").gcp
assert DEMO is not None and DEMO.organization is not None
CASES = {"demo": (DEMO, DEMO.organization.id), "folders": (parse_estate(FOLDERS, "f.yaml").gcp, FOLDERS_ORG)}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with cluster_client(LOCAL, log_level=logging.WARNING) as opened:
        yield opened


def comparable(inventories: list[GcpInventory]) -> dict[str, Any]:
    now = datetime.now(UTC)
    data = build_scan_result(inventories, started_at=now, finished_at=now, source="live").model_dump(
        mode="json"
    )
    for volatile in ("started_at", "finished_at", "inventory_hash"):
        data.pop(volatile)
    return data


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_cluster_scan_gives_the_single_process_result(client, case) -> None:
    spec, organization = CASES[case]
    with GcpEmulator.from_estate(spec, page_size=2) as gcp:
        options = GcpScanOptions(
            endpoints=gcp.endpoints(), anonymous=True, organization=organization, retry_deadline=2
        )
        single = collect_gcp(options)
        seen: list[ProgressEvent] = []
        sharded = collect_gcp_on_cluster(options, LOCAL, progress=seen.append, client=client)
    assert [i.project_id for i in sharded] == [i.project_id for i in single]
    assert comparable(sharded) == comparable(single)
    shards = {e.account for e in seen if e.shard == "done"}
    assert f"organizations/{organization}:scc" in shards and f"organizations/{organization}:sinks" in shards
    assert {i.project_id for i in single} <= shards
    assert all(i.scc_services is not None and i.ancestor_sinks for i in sharded)  # the shared reads came back
