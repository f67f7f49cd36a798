"""AWS VPC Flow Logs as delivered to S3 (or CloudWatch exports): space-separated text, gzip or plain.

The header line names the fields (default v2 format or a custom ``--log-format``); a file without one
is read as the default v2 format. ``-`` is a missing value in every column; NODATA / SKIPDATA records are
kept with their ``log_status``. With a ``Rollup`` (``hints["rollup"]``) the records are aggregated as they
load (``auditor.flows.rollup``). DuckDB reads the file (``store_rejects`` records every bad line: wrong
column count, a value of the wrong type, bytes that are not UTF-8); a truncated gzip aborts DuckDB's read,
so its complete lines are salvaged by streaming decompression and read again, and only the tail is lost.
"""

from __future__ import annotations

import tempfile
import zlib
from pathlib import Path
from typing import Any

from auditor.flows.file_result import FileResult
from auditor.flows.formats import head, is_gzip
from auditor.flows.record import COLUMN_NAMES, TABLE
from auditor.flows.rollup import Rollup
from auditor.flows.scalar import scalar
from auditor.flows.summary import FlowInputError

DEFAULT_V2 = [
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
]
INTEGER_FIELDS = {
    "version",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "tcp-flags",
}
KNOWN_FIELDS = set(DEFAULT_V2) | {
    "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region",
    "az-id", "sublocation-type", "sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service",
    "flow-direction", "traffic-path", "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
    "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id", "ecs-service-name",
    "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id", "reject-reason",
}  # fmt: skip
CHUNK = 1 << 20


def _literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def header_fields(path: Path) -> tuple[list[str], bool]:
    """The file's field names and whether line 1 is a header (else the default v2 format is assumed)."""
    first = head(path).split(b"\n", 1)[0].decode("utf-8", "replace").split()
    if first and all(name in KNOWN_FIELDS for name in first):
        return first, True
    return list(DEFAULT_V2), False


def _select_list(fields: list[str], file_no: int, account: str | None, region: str | None) -> str:
    present = {name.replace("-", "_"): name for name in fields}
    exprs = []
    for column in COLUMN_NAMES:
        if column == "provider":
            expr = "'aws'"
        elif column == "file_no":
            expr = str(file_no)
        elif column == "records":
            expr = "1"
        elif column == "account_id" and "account_id" in present:
            expr = f'COALESCE("account-id", {_literal(account)})'
        elif column == "region" and "region" in present:
            expr = f'COALESCE("region", {_literal(region)})'
        elif column == "account_id":
            expr = _literal(account)
        elif column == "region":
            expr = _literal(region)
        elif column in present:
            expr = f'"{present[column]}"'
        else:
            expr = "NULL"
        exprs.append(f'{expr} AS "{column}"')
    return ", ".join(exprs)


def _read_csv(path: Path, fields: list[str], has_header: bool, gzip: bool) -> str:
    columns = ", ".join(f"'{name}': '{'BIGINT' if name in INTEGER_FIELDS else 'VARCHAR'}'" for name in fields)
    options = [
        "delim=' '",
        f"header={'true' if has_header else 'false'}",
        f"columns={{{columns}}}",
        "nullstr='-'",
        "quote=''",
        "escape=''",
        "auto_detect=false",
        "store_rejects=true",
        f"compression='{'gzip' if gzip else 'none'}'",
    ]
    return f"read_csv({_literal(str(path))}, {', '.join(options)})"


def _insert(con: Any, path: Path, fields: list[str], has_header: bool, gzip: bool, hints: dict) -> int:
    """Load the file's records (or their rollup, ``hints["rollup"]``); how many records were loaded."""
    select = _select_list(fields, hints["file_no"], hints["account"], hints["region"])
    raw = f"SELECT {select} FROM {_read_csv(path, fields, has_header, gzip)}"
    rollup: Rollup | None = hints.get("rollup")
    if rollup is None:
        return scalar(con, f"INSERT INTO {TABLE} {raw}")
    # Every column the file has is parsed and checked, whether the rules read it or not.
    present = {name.replace("-", "_") for name in fields}
    return rollup.load(con, TABLE, raw, [c for c in COLUMN_NAMES if c in present], hints["file_no"])


def _rejects(con: Any, name: str) -> tuple[int, list[FlowInputError]]:
    rows = con.execute(
        "SELECT line, min(error_type), min(error_message) FROM reject_errors GROUP BY line ORDER BY line"
    ).fetchall()
    scalar(con, "DELETE FROM reject_errors")  # they accumulate over the connection's reads
    scalar(con, "DELETE FROM reject_scans")
    errors = [
        FlowInputError(
            file=name,
            line=int(line),
            kind="encoding" if kind == "INVALID ENCODING" else "malformed",
            message=f"{kind.lower()}: {message}",
        )
        for line, kind, message in rows
    ]
    return len(rows), errors


def salvage_gzip(path: Path, out: Path) -> tuple[int, bool]:
    """Decompress ``path`` into ``out`` up to its last complete line. (lines kept, whether it was cut)"""
    decompressor = zlib.decompressobj(wbits=47)
    pending = b""
    lines = 0
    corrupt = False
    with path.open("rb") as source, out.open("wb") as target:
        while not corrupt and (chunk := source.read(CHUNK)):
            while chunk:
                try:
                    data = pending + decompressor.decompress(chunk)
                except zlib.error:
                    corrupt = True
                    break
                chunk = b""
                if decompressor.eof and decompressor.unused_data:  # the next member of a multi-member gzip
                    chunk = decompressor.unused_data
                    decompressor = zlib.decompressobj(wbits=47)
                cut = data.rfind(b"\n") + 1
                target.write(data[:cut])
                lines += data.count(b"\n", 0, cut)
                pending = data[cut:]
        truncated = corrupt or not decompressor.eof
        if pending and not truncated:
            target.write(pending + b"\n")
            lines += 1
    return lines, truncated


def read_aws_text(con: Any, path: Path, name: str, hints: dict) -> FileResult:
    """Load one text file into the flows table; never raises for what the file contains."""
    import duckdb

    result = FileResult()
    fields, has_header = header_fields(path)
    gzip = is_gzip(path)
    try:
        result.loaded = _insert(con, path, fields, has_header, gzip, hints)
        result.rejected, result.errors = _rejects(con, name)
        return result
    except duckdb.Error as error:
        if not gzip:
            result.lost = True
            result.errors.append(FlowInputError(file=name, kind="unreadable", message=str(error)))
            return result
    with tempfile.TemporaryDirectory(prefix="auditor-salvage-") as scratch:
        plain = Path(scratch) / "salvaged.log"
        lines, truncated = salvage_gzip(path, plain)
        try:
            result.loaded = _insert(con, plain, fields, has_header, False, hints)
            result.rejected, result.errors = _rejects(con, name)
        except duckdb.Error as error:
            result.lost = True
            result.errors.append(FlowInputError(file=name, kind="unreadable", message=str(error)))
            return result
    if truncated:
        result.lost = True
        result.rejected += 1
        result.errors.append(
            FlowInputError(
                file=name,
                line=lines + 1,
                kind="truncated",
                message=f"the gzip stream ends early; {lines} complete lines were read, the rest is lost",
            )
        )
    return result
