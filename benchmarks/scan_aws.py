"""Benchmark: `auditor scan aws` against moto_server on loopback, 1 region and every enabled region.

    python benchmarks/scan_aws.py [--vpcs-per-region 3] [--repeat 3]

Starts the project's moto server (with its extensions) in a subprocess, seeds a generated estate over
every region moto enables by default (VPCs with and without flow logs, security groups, ALBs, a
detector, Security Hub, Config, KMS keys, web ACLs, a multi-region trail), then runs the real CLI as a
subprocess with AWS_ENDPOINT_URL and prints wall time, API calls and peak memory (max RSS of the scan
process). Also times `auditor --help`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

from auditor.emulators.moto_server import running_moto_server

ACCOUNT = "123456789012"


def default_regions() -> list[str]:
    return sorted(RegionsAndZonesBackend.regions_opt_in_not_required)


def zone_letters(region: str) -> tuple[str, str]:
    """Two availability-zone letters moto knows for the region (not every region has 'b')."""
    zones = sorted(z.name for z in RegionsAndZonesBackend.zones[region])
    return zones[0][-1], zones[1][-1]


def estate(regions: list[str], vpcs_per_region: int) -> dict:
    per_region = {}
    for index, region in enumerate(regions):
        first, second = zone_letters(region)
        vpcs = []
        for n in range(vpcs_per_region):
            vpc = {
                "name": f"vpc-{n}",
                "cidr": f"10.{n}.0.0/16",
                "subnets": [
                    {"name": f"a{n}", "cidr": f"10.{n}.1.0/24", "az": first},
                    {"name": f"b{n}", "cidr": f"10.{n}.2.0/24", "az": second},
                ],
                "security_groups": [
                    {"name": f"ssh-{n}", "ingress": [{"ports": 22, "cidrs": ["0.0.0.0/0"]}]},
                    {"name": f"web-{n}", "ingress": [{"ports": 443, "cidrs": ["0.0.0.0/0", "::/0"]}]},
                ],
                "load_balancers": [{"name": f"alb-{n}"}],
            }
            if n % 2 == 0:
                vpc["flow_logs"] = {"traffic": "ALL", "destination": f"s3://flow-logs-{ACCOUNT}/{region}/"}
            vpcs.append(vpc)
        per_region[region] = {
            "ebs_encryption_by_default": index % 2 == 0,
            "vpcs": vpcs,
            "guardduty": {"features": {"S3_DATA_EVENTS": True, "EKS_AUDIT_LOGS": index % 2 == 0}},
            "security_hub": {
                "standards": [
                    f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"
                ]
            },
            "config_recorder": {"include_global_resource_types": index == 0},
            "kms_keys": [{"alias": f"key-{region}", "rotation": index % 2 == 0}],
            "web_acls": [{"name": f"acl-{region}", "logging": f"logs:aws-waf-logs-{region}"}],
        }
    home = "us-east-1" if "us-east-1" in regions else regions[0]
    return {
        "name": "benchmark",
        "aws": {
            "account_id": ACCOUNT,
            "enabled_regions": regions,
            "trails": [
                {
                    "name": "org-trail",
                    "home_region": home,
                    "multi_region": True,
                    "log_file_validation": True,
                    "s3_bucket": f"trail-bucket-{ACCOUNT}",
                }
            ],
            "regions": per_region,
        },
    }


def run_scan(endpoint: str, regions: list[str] | None, workdir: Path) -> dict:
    out = workdir / "scan.json"
    command = [sys.executable, "-m", "auditor", "scan", "aws", "--quiet", "--json", str(out)]
    for region in regions or []:
        command += ["--region", region]
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
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1, 3):
        raise SystemExit(f"scan failed ({process.returncode}): {process.stderr.read().decode()[-2000:]}")
    result = json.loads(out.read_text())
    return {
        "wall_s": wall,
        "api_calls": result["api_calls"],
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "findings": len(result["findings"]),
        "errors": len(result["collection_errors"]),
        "regions": len(result["scopes"][0]["regions"]),
    }


def time_help(repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "auditor", "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vpcs-per-region", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    regions = default_regions()
    print(
        f"estate: {len(regions)} enabled regions x {args.vpcs_per_region} VPCs (+ default VPC), 1 ALB per VPC"
    )
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        estate_file = workdir / "estate.yaml"
        estate_file.write_text(yaml.safe_dump(estate(regions, args.vpcs_per_region)))
        seeding = time.perf_counter()
        with running_moto_server(estate=estate_file, timeout=600) as endpoint:
            print(f"moto_server at {endpoint}, seeded in {time.perf_counter() - seeding:.1f} s")
            for label, scope in (("1 region", ["us-east-1"]), (f"all {len(regions)} regions", None)):
                runs = [run_scan(endpoint, scope, workdir) for _ in range(args.repeat)]
                wall = statistics.median(r["wall_s"] for r in runs)
                last = runs[-1]
                fastest = min(r["wall_s"] for r in runs)
                peak = max(r["peak_rss_mb"] for r in runs)
                print(
                    f"{label:>16}: wall {wall:.2f} s (median of {args.repeat}, min {fastest:.2f})"
                    f" | scanner CPU {last['cpu_s']:.2f} s | {last['api_calls']} API calls"
                    f" | peak RSS {peak:.0f} MB"
                    f" | {last['findings']} findings, {last['errors']} collection errors,"
                    f" {last['regions']} regions"
                )
    print(f"`auditor --help`: {time_help():.3f} s (median of 7, includes interpreter start-up)")


if __name__ == "__main__":
    main()
