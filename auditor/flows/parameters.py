"""The rules' parameters: the window, thresholds, private ranges and ports, with the module's defaults.

Defaults come from module 4: the Athena queries (last 24 hours, > 1 GB to non-RFC1918 destinations), the
Logs Insights rules (> 100 rejected SSH attempts per source; > 100 MB to new destinations) and the
baseline table (rejected flows > 5 %, outbound > 50 GB/day).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")

_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
_DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_bytes(text: str) -> int:
    """'1GB' -> 10**9, '512MiB' -> 536870912, '1000' -> 1000. Raises ValueError on anything else."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in _UNITS:
        raise ValueError(f"not a size: {text!r} (use e.g. 500MB, 1GB, 2GiB)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def parse_duration(text: str) -> timedelta:
    """'24h' -> 24 hours, '7d', '90m', '3600s'. Raises ValueError on anything else."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90m, 24h, 7d)")
    return timedelta(seconds=int(match.group(1)) * _DURATIONS[match.group(2)])


@dataclass(frozen=True)
class IPv4Range:
    cidr: str
    low: int
    high: int


def ipv4_ranges(cidrs: tuple[str, ...]) -> tuple[IPv4Range, ...]:
    out = []
    for cidr in cidrs:
        network = ipaddress.ip_network(cidr, strict=False)
        if network.version != 4:
            raise ValueError(f"only IPv4 ranges are configurable: {cidr}")
        out.append(IPv4Range(str(network), int(network.network_address), int(network.broadcast_address)))
    return tuple(out)


@dataclass(frozen=True)
class RuleParameters:
    """Everything the rules are parameterised by. The window is [window_end - since, window_end)."""

    window_end: datetime = field(default_factory=lambda: datetime.now(UTC))
    since: timedelta = timedelta(hours=24)
    baseline: timedelta = timedelta(days=7)
    exfil_bytes: int = 1_000_000_000
    new_destination_bytes: int = 100_000_000
    ssh_attempts: int = 100
    rdp_attempts: int = 100
    ssh_port: int = 22
    rdp_port: int = 3389
    scan_ports: int = 100
    rejected_ratio: float = 0.05
    outbound_bytes_per_day: int = 50_000_000_000
    private_cidrs: tuple[str, ...] = RFC1918
    top_n: int = 100

    def __post_init__(self) -> None:
        ipv4_ranges(self.private_cidrs)
        if not 0 <= self.rejected_ratio <= 1:
            raise ValueError("rejected_ratio must be between 0 and 1")
        if self.since.total_seconds() <= 0:
            raise ValueError("the window must be longer than 0 seconds")

    @property
    def window_end_epoch(self) -> int:
        return int(self.window_end.timestamp())

    @property
    def window_start_epoch(self) -> int:
        return self.window_end_epoch - int(self.since.total_seconds())

    @property
    def baseline_start_epoch(self) -> int:
        return self.window_start_epoch - int(self.baseline.total_seconds())

    def describe(self) -> dict[str, Any]:
        """The parameters as they go into the evidence and the summary (JSON-friendly)."""
        out = asdict(self)
        out["window_end"] = self.window_end.isoformat()
        out["since"] = f"{int(self.since.total_seconds())}s"
        out["baseline"] = f"{int(self.baseline.total_seconds())}s"
        out["private_cidrs"] = list(self.private_cidrs)
        return out
