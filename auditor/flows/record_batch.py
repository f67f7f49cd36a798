"""Collects ``FlowRecord``s from the JSON readers and appends them to the flows table in batches."""

from __future__ import annotations

from dataclasses import astuple
from typing import Any

from auditor.flows.record import COLUMN_NAMES, FLOW_COLUMNS, TABLE, FlowRecord

BATCH = 50_000
_ARROW_TYPES = {"VARCHAR": "string", "INTEGER": "int32", "BIGINT": "int64"}


class RecordBatch:
    def __init__(self, con: Any) -> None:
        self._con = con
        self._rows: list[tuple[Any, ...]] = []
        self.loaded = 0

    def add(self, record: FlowRecord) -> None:
        self._rows.append(astuple(record))
        if len(self._rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        import pyarrow as pa

        schema = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in FLOW_COLUMNS])
        columns = list(zip(*self._rows, strict=True))
        batch = pa.Table.from_arrays(
            [pa.array(column, type=schema.field(i).type) for i, column in enumerate(columns)], schema=schema
        )
        self._con.register("flow_batch", batch)
        try:
            names = ", ".join(f'"{name}"' for name in COLUMN_NAMES)
            self._con.execute(f"INSERT INTO {TABLE} ({names}) SELECT {names} FROM flow_batch").fetchall()
        finally:
            self._con.unregister("flow_batch")
        self.loaded += len(self._rows)
        self._rows = []
