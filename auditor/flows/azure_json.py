"""Azure NSG flow logs (category NetworkSecurityGroupFlowEvent, versions 1 and 2) and VNet flow logs
(category FlowLogFlowEvent): JSON blobs ``{"records": [...]}`` holding comma-separated flow tuples.

NSG tuple: ``time(s),src,dst,sport,dport,T|U,I|O,A|D[,B|C|E,pkts s2d,bytes s2d,pkts d2s,bytes d2s]``.
VNet tuple: ``time(ms),src,dst,sport,dport,protocol number,I|O,B|C|E|D,encryption,pkts s2d,bytes s2d,
pkts d2s,bytes d2s`` (state D: denied). A tuple with reply traffic (d2s) also gives the reverse record,
as AWS logs each direction. The subscription comes from the resource id. A bad tuple is skipped and
reported by record and tuple number; a file that is not JSON is lost whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auditor.flows.file_result import FileResult
from auditor.flows.formats import read_content
from auditor.flows.record import FlowRecord
from auditor.flows.record_batch import RecordBatch
from auditor.flows.summary import FlowInputError

_SUBSCRIPTION = re.compile(r"/subscriptions/([^/]+)", re.I)
_PROTOCOLS = {"T": 6, "U": 17}


class BadTuple(ValueError):
    pass


def _int(text: str) -> int | None:
    return int(text) if text not in ("", None) else None


def nsg_tuple(text: str, version: int) -> tuple[dict[str, Any], tuple[int, int, int, int] | None]:
    parts = text.split(",")
    if len(parts) not in (8, 13):
        raise BadTuple(f"expected 8 or 13 fields, found {len(parts)}")
    if parts[5] not in _PROTOCOLS or parts[6] not in ("I", "O") or parts[7] not in ("A", "D"):
        raise BadTuple(f"unknown protocol, direction or decision in {text!r}")
    flow = {
        "start": int(parts[0]),
        "src": parts[1],
        "dst": parts[2],
        "sport": _int(parts[3]),
        "dport": _int(parts[4]),
        "protocol": _PROTOCOLS[parts[5]],
        "direction": "ingress" if parts[6] == "I" else "egress",
        "action": "ACCEPT" if parts[7] == "A" else "REJECT",
    }
    counters = None
    if version >= 2 and len(parts) == 13 and parts[8] in ("C", "E"):
        counters = tuple(int(p or 0) for p in parts[9:13])
    return flow, counters  # type: ignore[return-value]


def vnet_tuple(text: str) -> tuple[dict[str, Any], tuple[int, int, int, int] | None]:
    parts = text.split(",")
    if len(parts) != 13:
        raise BadTuple(f"expected 13 fields, found {len(parts)}")
    if parts[6] not in ("I", "O") or parts[7] not in ("B", "C", "E", "D"):
        raise BadTuple(f"unknown direction or flow state in {text!r}")
    flow = {
        "start": int(parts[0]) // 1000,
        "src": parts[1],
        "dst": parts[2],
        "sport": _int(parts[3]),
        "dport": _int(parts[4]),
        "protocol": int(parts[5]),
        "direction": "ingress" if parts[6] == "I" else "egress",
        "action": "REJECT" if parts[7] == "D" else "ACCEPT",
    }
    counters = tuple(int(p or 0) for p in parts[9:13]) if parts[7] in ("C", "E") else None
    return flow, counters  # type: ignore[return-value]


def _groups(record: dict[str, Any]) -> Iterator[tuple[str, list[str], int]]:
    """(mac or acl id, tuples, version) for each tuple list in an NSG or VNet record."""
    if "flowRecords" in record:  # VNet flow log
        for flow in record["flowRecords"].get("flows") or []:
            for group in flow.get("flowGroups") or []:
                yield record.get("macAddress", ""), group.get("flowTuples") or [], 0
        return
    properties = record.get("properties") or {}
    version = int(properties.get("Version", 1))
    for rule in properties.get("flows") or []:
        for flow in rule.get("flows") or []:
            yield flow.get("mac", record.get("macAddress", "")), flow.get("flowTuples") or [], version


def _records(
    flow: dict[str, Any], counters: tuple[int, int, int, int] | None, common: dict
) -> Iterator[FlowRecord]:
    packets_s2d, bytes_s2d, packets_d2s, bytes_d2s = counters or (None, None, 0, 0)
    yield FlowRecord(
        srcaddr=flow["src"], dstaddr=flow["dst"], srcport=flow["sport"], dstport=flow["dport"],
        protocol=flow["protocol"], packets=packets_s2d, bytes=bytes_s2d if counters else 0,
        start=flow["start"], end=flow["start"], action=flow["action"], flow_direction=flow["direction"],
        **common,
    )  # fmt: skip
    if counters and (packets_d2s or bytes_d2s):
        reverse = "egress" if flow["direction"] == "ingress" else "ingress"
        yield FlowRecord(
            srcaddr=flow["dst"], dstaddr=flow["src"], srcport=flow["dport"], dstport=flow["sport"],
            protocol=flow["protocol"], packets=packets_d2s, bytes=bytes_d2s,
            start=flow["start"], end=flow["start"], action=flow["action"], flow_direction=reverse,
            **common,
        )  # fmt: skip


def read_azure_json(con: Any, path: Path, name: str, hints: dict) -> FileResult:
    result = FileResult()
    try:
        content, truncated = read_content(path)
        if truncated:
            raise json.JSONDecodeError("the gzip stream ends early", "", 0)
        document = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        result.lost = True
        result.errors.append(FlowInputError(file=name, kind="encoding", message=f"not UTF-8: {error}"))
        return result
    except json.JSONDecodeError as error:
        result.lost = True
        result.errors.append(
            FlowInputError(file=name, line=error.lineno, kind="malformed", message=f"not JSON: {error.msg}")
        )
        return result
    records = document.get("records") if isinstance(document, dict) else None
    if not isinstance(records, list):
        result.lost = True
        result.errors.append(FlowInputError(file=name, kind="unreadable", message="no 'records' list"))
        return result
    batch = RecordBatch(con)
    for index, record in enumerate(records, start=1):
        resource = str(record.get("resourceId") or record.get("targetResourceID") or "")
        resource = resource or str(record.get("flowLogResourceID") or "")
        match = _SUBSCRIPTION.search(resource)
        for mac, tuples, version in _groups(record):
            common = {
                "provider": "azure",
                "account_id": match.group(1).lower() if match else hints["account"],
                "region": hints["region"],
                "interface_id": mac or None,
                "file_no": hints["file_no"],
            }
            for number, text in enumerate(tuples, start=1):
                try:
                    flow, counters = vnet_tuple(text) if version == 0 else nsg_tuple(text, version)
                except (BadTuple, ValueError, AttributeError) as error:
                    result.rejected += 1
                    result.errors.append(
                        FlowInputError(
                            file=name, kind="malformed", message=f"record {index} tuple {number}: {error}"
                        )
                    )
                    continue
                for flow_record in _records(flow, counters, common):
                    batch.add(flow_record)
    batch.flush()
    result.loaded = batch.loaded
    return result
