"""Benchmark: an AWS Organization scanned in one run, against the bare replay of the same calls.

    python benchmarks/scan_scale.py [--accounts 20] [--regions 0] [--latency] [--workers 16]

Starts the project's moto server seeded with an organization of ``--accounts`` accounts, every one with
every default region enabled (``--regions N`` keeps the first N), and puts an HTTP proxy on loopback in
front of it. With ``--latency`` the proxy holds every request 50-100 ms (a real API round trip). The real
CLI scans the organization through the proxy (`auditor scan aws --organization`); the proxy records
every request. Then the same requests are replayed as fast as possible, ``--workers`` at a time, over
plain HTTP connections: the limit of the transport. Prints wall time, API calls and peak memory of the
scan, the replay's wall time, and their ratio. Also the scan with one region per account, to show how
the time grows with regions. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import yaml
from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

from auditor.emulators.moto_server import running_moto_server

MANAGEMENT = "123456789012"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class LatencyProxy:
    """ThreadingHTTPServer on 127.0.0.1 forwarding to ``target``; optional 50-100 ms per request."""

    def __init__(self, target: str, latency: bool) -> None:
        self.records: list[Recorded] = []
        self.recording = True
        parsed = urlparse(target)
        host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
        proxy = self
        local = threading.local()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                return

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                if proxy.recording:
                    proxy.records.append(Recorded(self.command, self.path, headers, body))
                if latency:
                    time.sleep(random.uniform(0.05, 0.1))
                upstream = getattr(local, "connection", None)
                if upstream is None:
                    upstream = local.connection = http.client.HTTPConnection(host, port, timeout=60)
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def estate(accounts: int, regions: list[str]) -> dict:
    members = [
        {
            "account_id": f"{200000000000 + n:012d}",
            "name": f"member-{n:02d}",
            "enabled_regions": regions,
            "regions": {regions[0]: {"vpcs": [{"name": "app", "cidr": "10.1.0.0/16"}], "guardduty": {}}},
        }
        for n in range(1, accounts)
    ]
    return {
        "name": "scale",
        "aws": {
            "account_id": MANAGEMENT,
            "enabled_regions": regions,
            "regions": {regions[0]: {"vpcs": [{"name": "mgmt", "cidr": "10.0.0.0/16"}]}},
            "organization": {"members": members},
        },
    }


def scan(endpoint: str, one_region: str | None, workers: int, workdir: Path) -> dict:
    out = workdir / "scan.json"
    command = [sys.executable, "-m", "auditor", "scan", "aws", "--organization", "--quiet", "--no-history"]
    command += ["--json", str(out), "--workers", str(workers)]
    if one_region:
        command += ["--region", one_region]
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    env.pop("AWS_PROFILE", None)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1, 3):
        raise SystemExit(f"scan failed: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
    result = json.loads(out.read_text())
    return {
        "wall_s": wall,
        "api_calls": result["api_calls"],
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "accounts": len(result["scopes"]),
        "errors": len(result["collection_errors"]),
    }


def replay(endpoint: str, records: list[Recorded], workers: int) -> float:
    parsed = urlparse(endpoint)
    local = threading.local()

    def send(record: Recorded) -> None:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(
                parsed.hostname, parsed.port, timeout=60
            )
        connection.request(record.method, record.path, body=record.body, headers=record.headers)
        connection.getresponse().read()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(send, records))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--regions", type=int, default=0, help="Keep the first N default regions (0: all).")
    parser.add_argument("--latency", action="store_true", help="Hold every request 50-100 ms.")
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    regions = sorted(RegionsAndZonesBackend.regions_opt_in_not_required)
    if args.regions:
        regions = (["us-east-1"] + [r for r in regions if r != "us-east-1"])[: args.regions]
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        spec = workdir / "estate.yaml"
        spec.write_text(yaml.safe_dump(estate(args.accounts, regions)))
        started = time.perf_counter()
        with running_moto_server(estate=spec, timeout=600) as endpoint:
            print(
                f"moto server seeded with {args.accounts} accounts x {len(regions)} regions in "
                f"{time.perf_counter() - started:.1f} s; latency {'50-100 ms' if args.latency else 'none'}"
            )
            proxy = LatencyProxy(endpoint, args.latency)
            try:
                full = scan(proxy.url, None, args.workers, workdir)
                records = list(proxy.records)
                proxy.recording = False
                bare = replay(proxy.url, records, args.workers)
                single = scan(proxy.url, "us-east-1", args.workers, workdir)
            finally:
                proxy.close()
    print(
        f"  organization scan, all {len(regions)} regions: wall {full['wall_s']:.2f} s | "
        f"{full['api_calls']} API calls | peak RSS {full['peak_rss_mb']:.0f} MB | "
        f"{full['accounts']} accounts | {full['errors']} collection errors"
    )
    print(
        f"  bare replay of the same {len(records)} requests ({args.workers} at a time): {bare:.2f} s "
        f"-> scan / replay = {full['wall_s'] / bare:.2f}x (target <= 1.5x)"
    )
    print(
        f"  organization scan, 1 region: wall {single['wall_s']:.2f} s | {single['api_calls']} API calls "
        f"-> all regions / 1 region = {full['wall_s'] / single['wall_s']:.2f}x "
        f"for {len(regions)}x the regions"
    )


if __name__ == "__main__":
    main()
