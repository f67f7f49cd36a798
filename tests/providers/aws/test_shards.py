"""An AWS Organization scanned on a real Dask LocalCluster (2 worker processes over TCP on 127.0.0.1)
against the moto server seeded with the demo organization: the same result as one process, a worker
killed mid-shard, a shard whose every worker dies, the --timeout and Ctrl-C.

Faults are at the wire: the holding proxy in front of moto keeps one account's GuardDuty requests in
flight, so its shard is running on a worker when the test kills that worker's process (``os.kill`` of
the pid ``client.run(os.getpid)`` reports). One cluster serves the module; every test leaves it with two
workers again.
"""

from __future__ import annotations

import _thread
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from auditor.benchmarks import default_benchmarks, load_benchmark
from auditor.emulators.moto_server import running_moto_server
from auditor.engine import build_scan_result
from auditor.inventory.aws import AwsInventory
from auditor.model import Status
from auditor.progress import ProgressEvent
from auditor.providers.aws import AwsScanOptions, collect_aws_organization
from auditor.providers.aws.shards import collect_aws_organization_on_cluster
from auditor.providers.cluster import ClusterSpec, cluster_client
from auditor.providers.scan_pool import ScanStop
from tests.providers.aws.holding_proxy import HoldingProxy

DEMO = "auditor/emulators/estates/demo.yaml"
MANAGEMENT, SHARED, LEGACY = "123456789012", "246813579024", "345678901234"
CALLER_KEY = "testing"  # tests/conftest.py: the caller's access key id (the management account's)
OPTIONS = AwsScanOptions(organization=True, max_attempts=1)
LOCAL = ClusterSpec(local_workers=2)


@pytest.fixture(scope="module")
def proxy() -> Iterator[HoldingProxy]:
    with running_moto_server(estate=DEMO) as url:
        holding = HoldingProxy(url)
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("AWS_ENDPOINT_URL", holding.url)
                # the caller's key, whatever an earlier test of this process left (the workers inherit it)
                patch.setenv("AWS_ACCESS_KEY_ID", CALLER_KEY)
                patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
                yield holding
        finally:
            holding.close()


@pytest.fixture(scope="module")
def client(proxy: HoldingProxy) -> Iterator[Any]:
    with cluster_client(LOCAL, log_level=logging.WARNING) as opened:
        yield opened


@pytest.fixture(scope="module")
def single_process(proxy: HoldingProxy) -> list[AwsInventory]:
    return collect_aws_organization(OPTIONS)


@pytest.fixture(autouse=True)
def _two_workers_again(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "client" in request.fixturenames:
        proxy: HoldingProxy = request.getfixturevalue("proxy")
        proxy.release()
        request.getfixturevalue("client").wait_for_workers(2, timeout=60)


def comparable(inventories: list[AwsInventory]) -> dict[str, Any]:
    """The ScanResult JSON without what changes from run to run: the times, and the inventory hash
    (it hashes each inventory's collected_at)."""
    now = datetime.now(UTC)
    benchmarks = [load_benchmark(name) for name in default_benchmarks(["aws"])]
    result = build_scan_result(
        inventories, started_at=now, finished_at=now, source="live", benchmarks=benchmarks
    )
    data = result.model_dump(mode="json")
    for volatile in ("started_at", "finished_at", "inventory_hash"):
        data.pop(volatile)
    return data


def in_background(scan: Callable[[], list[AwsInventory]]) -> Callable[[], list[AwsInventory]]:
    """Run the scan in a thread; the returned function joins it and gives its inventories."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = scan()
        except BaseException as error:  # handed to the test's thread
            box["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def join() -> list[AwsInventory]:
        thread.join(120)
        assert not thread.is_alive(), "the cluster scan did not return"
        if "error" in box:
            raise box["error"]
        return box["result"]

    return join


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def kill_worker_running(client: Any, account: str) -> str:
    """SIGKILL the worker process that is running ``account``'s shard; its address."""
    found: list[str] = []

    def running() -> bool:
        found[:] = [w for w, keys in client.processing().items() if any(f"aws-{account}-" in k for k in keys)]
        return bool(found)

    wait_until(running, f"the shard of {account} on a worker")
    [pid] = client.run(os.getpid, workers=found).values()
    os.kill(pid, signal.SIGKILL)
    return found[0]


def collected_on(client: Any, account: str) -> list[str]:
    """The workers whose logs say they collected ``account``'s shard (run_shard's log line)."""
    return [
        worker
        for worker, lines in client.get_worker_logs().items()
        for _level, line in lines
        if f"(account {account}) collected" in line
    ]


def test_the_cluster_scan_gives_the_single_process_result(client, single_process) -> None:
    sharded = collect_aws_organization_on_cluster(OPTIONS, LOCAL, client=client)
    assert [i.account_id for i in sharded] == [MANAGEMENT, SHARED, LEGACY]
    expected, got = comparable(single_process), comparable(sharded)
    assert got == expected
    statuses = {finding["status"] for finding in got["findings"]}
    assert {"PASS", "FAIL", "ERROR"} <= statuses  # a real estate: not a trivially equal pair
    assert {score["account"] for score in got["account_scores"]} == {MANAGEMENT, SHARED, LEGACY}
    # the inventories themselves, but for when they were collected
    strip = [{**i.model_dump(mode="json"), "collected_at": None} for i in sharded]
    assert strip == [{**i.model_dump(mode="json"), "collected_at": None} for i in single_process]


def test_a_worker_killed_mid_shard_is_retried_on_another_worker(client, proxy, single_process) -> None:
    proxy.hold(CALLER_KEY, "guardduty")  # the management account's shard stays in flight
    held = proxy.held
    join = in_background(lambda: collect_aws_organization_on_cluster(OPTIONS, LOCAL, client=client))
    wait_until(lambda: proxy.held > held, "the management account's GuardDuty call")
    killed = kill_worker_running(client, MANAGEMENT)
    proxy.release()
    sharded = join()
    management = sharded[0]
    assert management.entry_error is None and management.regions["us-east-1"].guardduty_detectors is not None
    assert comparable(sharded) == comparable(single_process)
    [worker] = collected_on(client, MANAGEMENT)[-1:]
    assert worker != killed  # the retry ran elsewhere (the killed process's address is gone)


def test_a_shard_whose_every_worker_dies_is_error_worker_lost(client, proxy, single_process) -> None:
    proxy.hold(CALLER_KEY, "guardduty")
    held = proxy.held
    join = in_background(lambda: collect_aws_organization_on_cluster(OPTIONS, LOCAL, client=client))
    for attempt in (1, 2):  # the local scheduler allows one retry after a worker's death
        wait_until(lambda seen=held: proxy.held > seen, f"attempt {attempt} of the management's GuardDuty")
        held = proxy.held
        kill_worker_running(client, MANAGEMENT)
    sharded = join()
    lost = sharded[0]
    assert lost.entry_error is not None
    assert (lost.entry_error.code, lost.entry_error.service) == ("WorkerLost", "cluster")
    assert "not evaluated: worker lost" in lost.entry_error.message
    result = build_scan_result(
        sharded, started_at=datetime.now(UTC), finished_at=datetime.now(UTC), source="live"
    )
    mine = [f for f in result.findings if f.account == MANAGEMENT]
    assert mine and {f.status for f in mine} == {Status.ERROR}  # every check, never PASS, none dropped
    assert all("worker lost" in f.message for f in mine)
    assert len({f.check_id for f in mine}) == len({f.check_id for f in result.findings})
    # the other accounts are as a single process sees them
    assert [i.model_dump(exclude={"collected_at"}) for i in sharded[1:]] == [
        i.model_dump(exclude={"collected_at"}) for i in single_process[1:]
    ]


def test_the_timeout_keeps_what_the_running_shard_collected(client, proxy) -> None:
    proxy.hold(CALLER_KEY, "guardduty")
    options = AwsScanOptions(organization=True, max_attempts=1, timeout=5.0)
    sharded = collect_aws_organization_on_cluster(options, LOCAL, client=client)
    management = sharded[0]
    assert management.entry_error is None
    region = management.regions["us-east-1"]
    assert region.vpcs is not None and region.guardduty_detectors is None  # kept; not finished
    held = [e for e in management.errors if e.dataset == "guardduty_detectors"]
    assert {e.region for e in held} == set(management.enabled_regions)  # every region's GuardDuty
    assert all(e.code == "ScanTimeout" and "--timeout of 5 s" in e.message for e in held)
    assert sharded[1].entry_error is None and sharded[1].regions["us-east-1"].guardduty_detectors is not None


def test_ctrl_c_cancels_the_outstanding_shards_and_keeps_the_rest(client, proxy, default_sigint) -> None:
    """Ctrl-C reaches the client's wait loop as KeyboardInterrupt (``_thread.interrupt_main``, as the
    SIGINT handler raises it) once the management account's shard is held on a worker."""
    proxy.hold(CALLER_KEY, "guardduty")
    held = proxy.held
    seen: list[ProgressEvent] = []

    def interrupt_when_held() -> None:
        wait_until(lambda: proxy.held > held, "the management account's GuardDuty call")
        wait_until(lambda: any(e.account == SHARED and e.shard == "done" for e in seen), "shared-services")
        _thread.interrupt_main()

    threading.Thread(target=interrupt_when_held, daemon=True).start()
    sharded = collect_aws_organization_on_cluster(
        OPTIONS, LOCAL, progress=seen.append, client=client, stop=ScanStop()
    )
    management, shared = sharded[0], sharded[1]
    assert management.entry_error is not None and management.entry_error.code == "Interrupted"
    assert "Ctrl-C" in management.entry_error.message
    assert shared.entry_error is None  # finished before the interrupt: kept
    assert seen[-1].shards is not None and seen[-1].shards.failed >= 1
    assert {e.shard for e in seen if e.account == MANAGEMENT} >= {"running", "failed"}


def test_the_client_reports_shards_done_running_and_failed(client) -> None:
    seen: list[ProgressEvent] = []
    collect_aws_organization_on_cluster(OPTIONS, LOCAL, progress=seen.append, client=client)
    last = seen[-1]
    assert last.shards is not None
    assert (last.shards.done, last.shards.running, last.shards.failed, last.shards.total) == (3, 0, 0, 3)
    assert (last.done, last.total) == (3, 3)
    assert sorted(e.account for e in seen if e.shard == "done") == [MANAGEMENT, SHARED, LEGACY]
    assert all(e.service == "shard" and e.provider == "aws" for e in seen)
