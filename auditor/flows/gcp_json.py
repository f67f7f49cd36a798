"""GCP VPC flow logs (and firewall rules logs) exported from Cloud Logging: JSON lines (a sink to Cloud
Storage) or one JSON array (``gcloud logging read --format=json``).

Each entry's ``jsonPayload.connection`` gives the 5-tuple; ``bytes_sent`` / ``packets_sent`` are int64 as
strings; times are RFC 3339 with nanoseconds. VPC flow logs record only allowed flows (action ACCEPT);
firewall rules logs carry ``disposition`` ALLOWED / DENIED, so rejected traffic is seen only with them.
The project comes from the monitored resource. A bad line is skipped and reported with its line number.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from auditor.flows.file_result import FileResult
from auditor.flows.formats import read_content
from auditor.flows.record import FlowRecord
from auditor.flows.record_batch import RecordBatch
from auditor.flows.summary import FlowInputError

_FRACTION = re.compile(r"(\.\d{6})\d+")


def epoch(text: str | None) -> int | None:
    if not text:
        return None
    return int(datetime.fromisoformat(_FRACTION.sub(r"\1", text).replace("Z", "+00:00")).timestamp())


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def entry_record(entry: dict[str, Any], hints: dict) -> FlowRecord | None:
    """The flow record of one log entry; None for entries that are not flow or firewall logs."""
    payload = entry.get("jsonPayload")
    if not isinstance(payload, dict) or "connection" not in payload:
        return None
    connection = payload["connection"]
    labels = (entry.get("resource") or {}).get("labels") or {}
    instance = payload.get("src_instance") or payload.get("instance") or {}
    vpc = payload.get("src_vpc") or payload.get("vpc") or {}
    disposition = payload.get("disposition")
    action = "REJECT" if disposition == "DENIED" else "ACCEPT"
    start = epoch(payload.get("start_time")) or epoch(entry.get("timestamp"))
    return FlowRecord(
        provider="gcp",
        account_id=labels.get("project_id") or vpc.get("project_id") or hints["account"],
        region=labels.get("location") or labels.get("region") or instance.get("region") or hints["region"],
        interface_id=instance.get("vm_name"),
        srcaddr=connection.get("src_ip"),
        dstaddr=connection.get("dest_ip"),
        srcport=_int(connection.get("src_port")),
        dstport=_int(connection.get("dest_port")),
        protocol=_int(connection.get("protocol")),
        packets=_int(payload.get("packets_sent")),
        bytes=_int(payload.get("bytes_sent")) or 0,
        start=start,
        end=epoch(payload.get("end_time")) or start,
        action=action,
        vpc_id=vpc.get("vpc_name"),
        subnet_id=vpc.get("subnetwork_name") or labels.get("subnetwork_name"),
        instance_id=instance.get("vm_name"),
        flow_direction={"SRC": "egress", "DEST": "ingress"}.get(payload.get("reporter", "")),
        file_no=hints["file_no"],
    )


def read_gcp_json(con: Any, path: Path, name: str, hints: dict) -> FileResult:
    result = FileResult()
    content, truncated = read_content(path)
    batch = RecordBatch(con)
    stripped = content.lstrip()
    if stripped.startswith(b"["):
        try:
            entries = list(enumerate(json.loads(content.decode("utf-8")), start=1))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            result.lost = True
            kind = "encoding" if isinstance(error, UnicodeDecodeError) else "malformed"
            line = error.lineno if isinstance(error, json.JSONDecodeError) else None
            result.errors.append(FlowInputError(file=name, line=line, kind=kind, message=str(error)))
            return result
    else:
        lines = content.split(b"\n")
        if truncated and lines:
            lines = lines[:-1]  # the last, cut line
        entries = []
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                entries.append((number, json.loads(raw.decode("utf-8"))))
            except UnicodeDecodeError as error:
                result.rejected += 1
                result.errors.append(
                    FlowInputError(file=name, line=number, kind="encoding", message=str(error))
                )
            except json.JSONDecodeError as error:
                result.rejected += 1
                result.errors.append(
                    FlowInputError(file=name, line=number, kind="malformed", message=f"not JSON: {error.msg}")
                )
    array = stripped.startswith(b"[")
    for number, entry in entries:
        try:
            record = entry_record(entry, hints) if isinstance(entry, dict) else None
        except (ValueError, TypeError, AttributeError) as error:
            result.rejected += 1
            place = f"entry {number}: " if array else ""  # a JSON array has entries, not lines
            result.errors.append(
                FlowInputError(
                    file=name, line=None if array else number, kind="malformed", message=f"{place}{error}"
                )
            )
            continue
        if record is not None:
            batch.add(record)
    batch.flush()
    result.loaded = batch.loaded
    if truncated:
        result.lost = True
        result.rejected += 1
        result.errors.append(
            FlowInputError(
                file=name, kind="truncated", message="the gzip stream ends early; its tail is lost"
            )
        )
    return result
