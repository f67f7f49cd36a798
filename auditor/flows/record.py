"""The one typed flow record every reader produces, and the table the rules read.

The column names are those of the Athena table AWS documents for VPC Flow Logs (``account_id``,
``interface_id``, ``log_status``, ...), so a rule reads the same columns in DuckDB and in Athena. Azure
and GCP records are mapped onto them (``account_id`` is the subscription or project). Three columns exist
only locally: ``provider`` (aws, azure, gcp), ``region`` (from the record, or the S3 key of the file)
``file_no`` (which input file the record came from) and ``records`` (how many records the row stands
for: 1, or more in a rollup, ``auditor.flows.rollup``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

FlowProvider = Literal["aws", "azure", "gcp"]

# (column, DuckDB type), in table order.
FLOW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("provider", "VARCHAR"),
    ("account_id", "VARCHAR"),
    ("region", "VARCHAR"),
    ("interface_id", "VARCHAR"),
    ("srcaddr", "VARCHAR"),
    ("dstaddr", "VARCHAR"),
    ("srcport", "INTEGER"),
    ("dstport", "INTEGER"),
    ("protocol", "INTEGER"),
    ("packets", "BIGINT"),
    ("bytes", "BIGINT"),
    ("start", "BIGINT"),
    ("end", "BIGINT"),
    ("action", "VARCHAR"),
    ("log_status", "VARCHAR"),
    ("vpc_id", "VARCHAR"),
    ("subnet_id", "VARCHAR"),
    ("instance_id", "VARCHAR"),
    ("tcp_flags", "INTEGER"),
    ("type", "VARCHAR"),
    ("pkt_srcaddr", "VARCHAR"),
    ("pkt_dstaddr", "VARCHAR"),
    ("flow_direction", "VARCHAR"),
    ("file_no", "INTEGER"),
    ("records", "BIGINT"),
)
COLUMN_NAMES = tuple(name for name, _ in FLOW_COLUMNS)
TABLE = "flows"


@dataclass(frozen=True)
class FlowRecord:
    """One flow: who talked to whom, how much, and whether it was accepted.

    ``start``/``end`` are Unix seconds; ``action`` is ACCEPT or REJECT; ``log_status`` is OK, NODATA or
    SKIPDATA (AWS); a value the source did not log is None.
    """

    provider: FlowProvider
    account_id: str | None
    region: str | None
    interface_id: str | None
    srcaddr: str | None
    dstaddr: str | None
    srcport: int | None
    dstport: int | None
    protocol: int | None
    packets: int | None
    bytes: int | None
    start: int | None
    end: int | None
    action: str | None
    log_status: str | None = "OK"
    vpc_id: str | None = None
    subnet_id: str | None = None
    instance_id: str | None = None
    tcp_flags: int | None = None
    type: str | None = None
    pkt_srcaddr: str | None = None
    pkt_dstaddr: str | None = None
    flow_direction: str | None = None
    file_no: int = 0
    records: int = 1  # how many records this row stands for (> 1 in a rollup, see auditor.flows.rollup)


assert tuple(f.name for f in fields(FlowRecord)) == COLUMN_NAMES


def create_table_sql(table: str = TABLE) -> str:
    columns = ", ".join(f'"{name}" {kind}' for name, kind in FLOW_COLUMNS)
    return f"CREATE TABLE IF NOT EXISTS {table} ({columns})"
