"""Benchmark: an AWS Organization of 200 accounts scanned by one process, then sharded on `local:2`.

    python benchmarks/scan_cluster.py [--accounts 200] [--regions 1] [--latency] [--cluster local:2]

Seeds the project's moto server with a simulated organization (``scan_scale.estate``: every account with
``--regions`` regions enabled, a VPC and GuardDuty in the first), puts the loopback HTTP proxy of
``scan_scale.py`` in front of it (``--latency``: 50-100 ms per request, a real API round trip), and scans
it twice, each in a fresh process: ``collect_aws_organization`` (one process, one pool of 16 calls, 4
accounts at a time, the defaults) and the sharded scan on the cluster (one task per account). Prints, for
each: wall time, accounts, API calls, collection errors and peak RSS of the client; for the cluster also
the cluster's start time, the per-shard figures (the worker's own collection time and the cluster's
overhead per shard: the time from submission to the result back in the client, less the collection)
and the peak RSS of each worker process. Checks that both scans found the same findings. Prints
figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import cloudpickle
import yaml
from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _findings_digest(inventories: list) -> str:
    import hashlib

    from auditor.engine import evaluate

    findings = [f.model_dump(mode="json") for f in evaluate(inventories)]
    return hashlib.sha256(json.dumps(findings, sort_keys=True).encode()).hexdigest()[:16]


def run_single() -> dict:
    from auditor.providers.aws import AwsScanOptions, collect_aws_organization

    started = time.perf_counter()
    inventories = collect_aws_organization(AwsScanOptions(organization=True))
    wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "accounts": len(inventories),
        "api_calls": sum(sum(i.api_calls.values()) for i in inventories),
        "errors": sum(len(i.errors) for i in inventories),
        "findings": _findings_digest(inventories),
        "client_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_cluster(spec_text: str, threads: int) -> dict:
    from auditor.providers.aws import AwsScanOptions
    from auditor.providers.aws.shards import _inactive, _merged, plan_aws_shards
    from auditor.providers.cluster import cluster_client, parse_cluster, run_shards
    from auditor.providers.scan_pool import ScanStop

    options = AwsScanOptions(organization=True)
    started = time.perf_counter()
    with cluster_client(parse_cluster(spec_text), threads_per_worker=threads) as client:
        up = time.perf_counter() - started
        stop = ScanStop()
        plan = plan_aws_shards(options, None, stop)
        outcomes = run_shards(client, plan.shards, stop)
        workers_rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        wall = time.perf_counter() - started
        scheduler_kb = scheduler_memory_per_task(client, QUEUED_TASKS, plan.shards[0].argument)
    by_account = {o.shard.account: o for o in outcomes}
    inventories = [_merged(m, by_account[m.id]) if m.id in by_account else _inactive(m) for m in plan.members]
    done = [o for o in outcomes if o.state == "done"]
    overhead = [o.returned - o.submitted - o.seconds for o in done]
    sizes = [len(json.dumps(o.inventory)) / 1024 for o in done]
    return {
        "wall_s": wall,
        "cluster_start_s": up,
        "inventory_kb_mean": statistics.mean(sizes),
        "task_argument_kb": len(cloudpickle.dumps(plan.shards[0].argument)) / 1024,
        "scheduler_kb_per_queued_task": scheduler_kb,
        "accounts": len(inventories),
        "shards": len(outcomes),
        "failed": sum(1 for o in outcomes if o.state == "failed"),
        "api_calls": sum(sum(i.api_calls.values()) for i in inventories),
        "errors": sum(len(i.errors) for i in inventories),
        "findings": _findings_digest(inventories),
        "shard_s_mean": statistics.mean(o.seconds for o in done),
        "shard_s_max": max(o.seconds for o in done),
        "overhead_ms_median": statistics.median(overhead) * 1000,
        "overhead_ms_p95": sorted(overhead)[int(len(overhead) * 0.95) - 1] * 1000,
        "client_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_rss_mb": sorted(workers_rss.values()),
    }


QUEUED_TASKS = 10_000


def _scheduler_rss(dask_scheduler: object = None) -> int:
    import psutil

    return psutil.Process().memory_info().rss


def scheduler_memory_per_task(client: object, count: int, argument: object) -> float:
    """The scheduler's memory per task when ``count`` shard-sized tasks are submitted at once (what a
    client without run_shards' window would do): KB per queued task."""
    from distributed import Event

    gate = Event(f"bench-gate-{time.monotonic_ns()}", client=client)

    def held(_argument: object, _index: int) -> None:
        gate.wait(120)

    before = client.run_on_scheduler(_scheduler_rss)
    futures = client.map(held, [argument] * count, range(count), pure=False)
    deadline = time.monotonic() + 120
    while client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) < count:
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    after = client.run_on_scheduler(_scheduler_rss)
    gate.set()
    client.cancel(futures, force=True)
    return (after - before) / 1024 / count


def child(mode: str, endpoint: str, threads: int = 1) -> dict:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env.pop("AWS_PROFILE", None)
    command = [sys.executable, __file__, "--child", mode, "--threads", str(threads)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"{mode} scan failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--regions", type=int, default=1, help="Regions enabled per account (first N).")
    parser.add_argument("--latency", action="store_true", help="Hold every request 50-100 ms.")
    parser.add_argument("--cluster", default="local:2")
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[1, 4],
        help="Shards at once per worker process (the CLI's local:N uses --parallel-accounts, default 4).",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run_single() if args.child == "single" else run_cluster(args.child, args.threads[0])
        print(json.dumps(result))
        return

    from scan_scale import LatencyProxy, estate

    from auditor.emulators.moto_server import running_moto_server

    regions = sorted(RegionsAndZonesBackend.regions_opt_in_not_required)
    regions = (["us-east-1"] + [r for r in regions if r != "us-east-1"])[: args.regions]
    with tempfile.TemporaryDirectory() as scratch:
        spec = Path(scratch) / "estate.yaml"
        spec.write_text(yaml.safe_dump(estate(args.accounts, regions)))
        started = time.perf_counter()
        with running_moto_server(estate=spec, timeout=1800) as endpoint:
            print(
                f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores: moto server seeded "
                f"with {args.accounts} accounts x {len(regions)} region(s) in "
                f"{time.perf_counter() - started:.1f} s; "
                f"latency {'50-100 ms' if args.latency else 'none'}",
                flush=True,
            )
            proxy = LatencyProxy(endpoint, args.latency)
            proxy.recording = False
            try:
                single = child("single", proxy.url)
                clustered = [(threads, child(args.cluster, proxy.url, threads)) for threads in args.threads]
            finally:
                proxy.close()
    print(
        f"  1 process : wall {single['wall_s']:.1f} s | {single['accounts']} accounts | "
        f"{single['api_calls']} API calls | {single['errors']} collection errors | "
        f"peak RSS {single['client_rss_mb']:.0f} MB"
    )
    for threads, sharded in clustered:
        report(args.cluster, threads, single, sharded)


def report(cluster: str, threads: int, single: dict, sharded: dict) -> None:
    print(
        f"  {cluster} x {threads} thread(s): wall {sharded['wall_s']:.1f} s "
        f"(cluster start {sharded['cluster_start_s']:.1f} s) | "
        f"{sharded['accounts']} accounts, {sharded['shards']} shards, {sharded['failed']} failed | "
        f"{sharded['api_calls']} API calls | {sharded['errors']} collection errors"
    )
    print(
        f"    per shard: collection {sharded['shard_s_mean']:.2f} s mean, "
        f"{sharded['shard_s_max']:.2f} s max; cluster overhead {sharded['overhead_ms_median']:.1f} ms "
        f"median, {sharded['overhead_ms_p95']:.1f} ms p95"
    )
    workers = ", ".join(f"{rss:.0f}" for rss in sharded["workers_rss_mb"])
    print(f"    peak RSS: client {sharded['client_rss_mb']:.0f} MB | workers {workers} MB")
    print(
        f"    sizes: task argument {sharded['task_argument_kb']:.1f} KB pickled | inventory "
        f"{sharded['inventory_kb_mean']:.1f} KB JSON per shard | scheduler "
        f"{sharded['scheduler_kb_per_queued_task']:.1f} KB per queued task ({QUEUED_TASKS} submitted at once)"
    )
    same = "the same findings" if single["findings"] == sharded["findings"] else "DIFFERENT findings"
    print(
        f"  {same} ({single['findings']} / {sharded['findings']}); "
        f"cluster / 1 process = {sharded['wall_s'] / single['wall_s']:.2f}x"
    )


if __name__ == "__main__":
    main()
