"""Deterministic flow-log sets with known attackers, written in every supported format.

Used by the demo, the tests and the benchmark. ``attack_scenario`` returns the records: ordinary traffic
in the analysis window and in the baseline window before it, plus an SSH brute forcer, an RDP brute
forcer, a port scanner and a host exfiltrating to a destination the baseline never saw. The writers put
the same records into AWS text (gzip, the module's ``--log-format``), AWS Parquet, Azure NSG (v2) and
VNet flow-log JSON, and GCP Cloud Logging JSON lines.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from auditor.flows.record import FlowRecord

# The module's `aws ec2 create-flow-logs --log-format` (section "AWS VPC Flow Logs Analysis").
MODULE_LOG_FORMAT = [
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
]
ACCOUNT = "123456789012"
REGION = "eu-west-1"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
PROJECT = "demo-project"


@dataclass(frozen=True)
class Scenario:
    """The attackers planted in a generated set and what each rule must find (the known answers)."""

    window_end: datetime
    ssh_brute_forcer: str = "198.51.100.7"
    ssh_attempts: int = 150
    rdp_brute_forcer: str = "198.51.100.8"
    rdp_attempts: int = 120
    scanner: str = "203.0.113.5"
    scanned_ports: int = 200
    exfiltrator: str = "10.0.3.30"
    exfil_destination: str = "185.199.108.153"
    exfil_bytes: int = 1_500_000_000
    usual_destination: str = "52.94.0.10"
    usual_bytes: int = 200_000_000
    normal_flows: int = 2000


def attack_scenario(
    window_end: datetime | None = None, provider: str = "aws", seed: int = 7
) -> tuple[Scenario, list[FlowRecord]]:
    """The scenario and its records (window: the 24 hours before ``window_end``; baseline: 7 days)."""
    end = window_end or datetime(2026, 11, 27, tzinfo=UTC)
    scenario = Scenario(window_end=end)
    rng = random.Random(seed)
    t_end = int(end.timestamp())
    t_start = t_end - 86400
    account = {"aws": ACCOUNT, "azure": SUBSCRIPTION, "gcp": PROJECT}[provider]
    region = {"aws": REGION, "azure": None, "gcp": "europe-west1"}[provider]
    base = FlowRecord(
        provider=provider,  # type: ignore[arg-type]
        account_id=account,
        region=region,
        interface_id="eni-0a1b2c3d" if provider == "aws" else None,
        srcaddr=None, dstaddr=None, srcport=None, dstport=None, protocol=6,
        packets=10, bytes=0, start=None, end=None, action="ACCEPT",
    )  # fmt: skip
    records: list[FlowRecord] = []

    def flow(src: str, dst: str, sport: int, dport: int, size: int, action: str, when: int) -> None:
        records.append(
            replace(base, srcaddr=src, dstaddr=dst, srcport=sport, dstport=dport, bytes=size,
                    action=action, start=when, end=when + 60)
        )  # fmt: skip

    def moment(start: int = t_start, stop: int = t_end) -> int:
        return rng.randrange(start, stop - 60)

    # Ordinary traffic: east-west on 443 and 5432, replies, and the usual public destination.
    for _ in range(scenario.normal_flows):
        client = f"10.0.{rng.randrange(1, 3)}.{rng.randrange(10, 60)}"
        server = f"10.0.2.{rng.randrange(100, 110)}"
        port = rng.choice((443, 5432))
        flow(
            client, server, rng.randrange(32768, 60999), port, rng.randrange(500, 50_000), "ACCEPT", moment()
        )
    for _ in range(20):
        flow("10.0.1.40", scenario.usual_destination, rng.randrange(32768, 60999), 443,
             scenario.usual_bytes // 20, "ACCEPT", moment())  # fmt: skip
    # The baseline week: the usual destination was already seen then.
    for _ in range(50):
        when = moment(t_start - 7 * 86400, t_start)
        flow(
            "10.0.1.40",
            scenario.usual_destination,
            rng.randrange(32768, 60999),
            443,
            1_000_000,
            "ACCEPT",
            when,
        )
    # The attackers.
    for _ in range(scenario.ssh_attempts):
        flow(scenario.ssh_brute_forcer, "10.0.1.10", rng.randrange(32768, 60999), 22, 60, "REJECT", moment())
    for _ in range(scenario.rdp_attempts):
        flow(
            scenario.rdp_brute_forcer, "10.0.1.11", rng.randrange(32768, 60999), 3389, 60, "REJECT", moment()
        )
    for port in range(1, scenario.scanned_ports + 1):
        flow(scenario.scanner, "10.0.1.20", 40000 + port, port, 44, "REJECT", moment())
    for _ in range(15):
        flow(scenario.exfiltrator, scenario.exfil_destination, rng.randrange(32768, 60999), 443,
             scenario.exfil_bytes // 15, "ACCEPT", moment())  # fmt: skip
    records.sort(key=lambda r: (r.start or 0, r.srcaddr or ""))
    return scenario, records


def aws_line(record: FlowRecord, fields: list[str]) -> str:
    values = {
        "version": "5" if len(fields) > 14 else "2",
        "account-id": record.account_id,
        "interface-id": record.interface_id,
        "srcaddr": record.srcaddr,
        "dstaddr": record.dstaddr,
        "srcport": record.srcport,
        "dstport": record.dstport,
        "protocol": record.protocol,
        "packets": record.packets,
        "bytes": record.bytes,
        "start": record.start,
        "end": record.end,
        "action": record.action,
        "log-status": record.log_status,
        "vpc-id": "vpc-0a1b2c3d",
        "subnet-id": "subnet-0a1b2c3d",
        "instance-id": "i-0a1b2c3d4e5f",
        "tcp-flags": 2 if record.action == "REJECT" else 19,
        "type": "IPv4",
        "pkt-srcaddr": record.srcaddr,
        "pkt-dstaddr": record.dstaddr,
    }
    return " ".join("-" if values.get(name) is None else str(values[name]) for name in fields)


def write_aws_text(records: list[FlowRecord], path: Path, fields: list[str] | None = None) -> Path:
    """One S3-delivered file: header line, one record per line, gzip when the name ends in .gz."""
    fields = fields or MODULE_LOG_FORMAT
    text = "\n".join([" ".join(fields), *(aws_line(r, fields) for r in records)]) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode()
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path


def write_aws_parquet(records: list[FlowRecord], path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {
        "version": [5] * len(records),
        "account_id": [r.account_id for r in records],
        "interface_id": [r.interface_id for r in records],
        "srcaddr": [r.srcaddr for r in records],
        "dstaddr": [r.dstaddr for r in records],
        "srcport": pa.array([r.srcport for r in records], pa.int32()),
        "dstport": pa.array([r.dstport for r in records], pa.int32()),
        "protocol": pa.array([r.protocol for r in records], pa.int32()),
        "packets": pa.array([r.packets for r in records], pa.int64()),
        "bytes": pa.array([r.bytes for r in records], pa.int64()),
        "start": pa.array([r.start for r in records], pa.int64()),
        "end": pa.array([r.end for r in records], pa.int64()),
        "action": [r.action for r in records],
        "log_status": [r.log_status for r in records],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


def _nsg_tuple(record: FlowRecord) -> str:
    protocol = {6: "T", 17: "U"}.get(record.protocol or 6, "T")
    decision = "A" if record.action == "ACCEPT" else "D"
    direction = "O" if (record.srcaddr or "").startswith("10.") else "I"
    counters = f"E,{record.packets},{record.bytes},0,0" if record.action == "ACCEPT" else "B,,,,"
    ends = f"{record.srcaddr},{record.dstaddr},{record.srcport},{record.dstport}"
    return f"{record.start},{ends},{protocol},{direction},{decision},{counters}"


def write_azure_nsg(records: list[FlowRecord], path: Path) -> Path:
    """An NSG flow log blob (version 2), one record per hour, tuples under their rule."""
    resource = (
        f"/SUBSCRIPTIONS/{SUBSCRIPTION.upper()}/RESOURCEGROUPS/DEMO/PROVIDERS/"
        "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/DEMO-NSG"
    )
    blob = {
        "records": [
            {
                "time": datetime.fromtimestamp(records[0].start or 0, UTC).isoformat(),
                "systemId": "00000000-0000-0000-0000-000000000000",
                "macAddress": "000D3AF87856",
                "category": "NetworkSecurityGroupFlowEvent",
                "resourceId": resource,
                "operationName": "NetworkSecurityGroupFlowEvents",
                "properties": {
                    "Version": 2,
                    "flows": [
                        {
                            "rule": "DefaultRule_DenyAllInBound" if action == "REJECT" else "UserRule_Allow",
                            "flows": [
                                {
                                    "mac": "000D3AF87856",
                                    "flowTuples": [_nsg_tuple(r) for r in records if r.action == action],
                                }
                            ],
                        }
                        for action in ("ACCEPT", "REJECT")
                    ],
                },
            }
        ]
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(blob))
    return path


def write_azure_vnet(records: list[FlowRecord], path: Path) -> Path:
    """A VNet flow log blob (category FlowLogFlowEvent, flowGroups of 13-field tuples, times in ms)."""

    def tuple_(r: FlowRecord) -> str:
        state = "E" if r.action == "ACCEPT" else "D"
        direction = "O" if (r.srcaddr or "").startswith("10.") else "I"
        return (
            f"{(r.start or 0) * 1000},{r.srcaddr},{r.dstaddr},{r.srcport},{r.dstport},{r.protocol},"
            f"{direction},{state},NX,{r.packets},{r.bytes},0,0"
        )

    blob = {
        "records": [
            {
                "time": datetime.fromtimestamp(records[0].start or 0, UTC).isoformat(),
                "flowLogVersion": 4,
                "flowLogGUID": "00000000-0000-0000-0000-000000000002",
                "macAddress": "00224871C205",
                "category": "FlowLogFlowEvent",
                "flowLogResourceID": f"/SUBSCRIPTIONS/{SUBSCRIPTION.upper()}/RESOURCEGROUPS/NETWORKWATCHERRG/"
                "PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_WESTEUROPE/FLOWLOGS/DEMO",
                "targetResourceID": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/demo/providers/"
                "Microsoft.Network/virtualNetworks/demo-vnet",
                "operationName": "FlowLogFlowEvent",
                "flowRecords": {
                    "flows": [
                        {
                            "aclID": "00000000-1234-abcd-0000-000000000000",
                            "flowGroups": [
                                {"rule": "DefaultRule", "flowTuples": [tuple_(r) for r in records]}
                            ],
                        }
                    ]
                },
            }
        ]
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(blob))
    return path


def _rfc3339(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.123456789Z")


def gcp_entry(record: FlowRecord) -> dict:
    """A Cloud Logging entry: vpc_flows for accepted flows, a firewall DENIED entry for rejected ones."""
    connection = {
        "src_ip": record.srcaddr,
        "dest_ip": record.dstaddr,
        "src_port": record.srcport,
        "dest_port": record.dstport,
        "protocol": record.protocol,
    }
    start = record.start or 0
    if record.action == "REJECT":
        return {
            "insertId": f"fw-{start}-{record.srcport}",
            "logName": f"projects/{PROJECT}/logs/compute.googleapis.com%2Ffirewall",
            "resource": {
                "type": "gce_subnetwork",
                "labels": {"project_id": PROJECT, "location": "europe-west1"},
            },
            "timestamp": _rfc3339(start),
            "jsonPayload": {
                "connection": connection,
                "disposition": "DENIED",
                "instance": {"project_id": PROJECT, "region": "europe-west1", "vm_name": "web-1"},
                "rule_details": {"reference": "network:default/firewall:deny-all", "action": "DENY"},
            },
        }
    return {
        "insertId": f"vf-{start}-{record.srcport}",
        "logName": f"projects/{PROJECT}/logs/compute.googleapis.com%2Fvpc_flows",
        "resource": {
            "type": "gce_subnetwork",
            "labels": {"project_id": PROJECT, "location": "europe-west1", "subnetwork_name": "default"},
        },
        "timestamp": _rfc3339(start + 60),
        "jsonPayload": {
            "connection": connection,
            "bytes_sent": str(record.bytes),
            "packets_sent": str(record.packets),
            "start_time": _rfc3339(start),
            "end_time": _rfc3339(start + 60),
            "reporter": "SRC",
            "src_vpc": {"project_id": PROJECT, "vpc_name": "default", "subnetwork_name": "default"},
        },
    }


def write_gcp_jsonl(records: list[FlowRecord], path: Path) -> Path:
    """A Cloud Logging sink export to Cloud Storage: one LogEntry per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(gcp_entry(r)) + "\n" for r in records))
    return path


def aws_key(window_end: datetime, number: int, account: str = ACCOUNT, region: str = REGION) -> str:
    """An S3 key as VPC Flow Logs writes it."""
    day = (window_end - timedelta(hours=1)).strftime("%Y/%m/%d")
    stamp = window_end.strftime("%Y%m%dT%H%MZ")
    name = f"{account}_vpcflowlogs_{region}_fl-0a1b2c3d_{stamp}_{number:04x}.log.gz"
    return f"AWSLogs/{account}/vpcflowlogs/{region}/{day}/{name}"


def write_demo_set(directory: Path, window_end: datetime | None = None) -> tuple[Scenario, list[Path]]:
    """The demo's AWS flow-log set: the scenario split over a few gzip files in the S3 key layout."""
    scenario, records = attack_scenario(window_end)
    parts = 4
    paths = [
        write_aws_text(records[i::parts], directory / aws_key(scenario.window_end, i)) for i in range(parts)
    ]
    return scenario, paths
