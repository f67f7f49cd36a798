"""The rollup: AWS records aggregated while they load, one row per distinct combination of what the rules
read, with the row's record count and byte sum. Exact for every rule, and far smaller than the records.

The rules (``auditor/flows/rules/*.sql``) read ``provider``, ``account_id``, ``region``, ``srcaddr``,
``dstaddr``, ``dstport``, ``action``, ``log_status``, ``bytes`` (summed), ``start`` (only compared with
the window and baseline edges, and divided into UTC days) and ``srcport`` (only ``srcport >= 1024``).
So a row keeps each of those as it is except

- ``start``: the latest edge at or before it, among the window's and the baseline's edges and every UTC
  midnight; every ``start >= edge``, ``start < edge`` and ``floor(start / 86400)`` of the rules gives the
  same answer for the edge as for the record;
- ``srcport``: 1024 for 1024 and above, 0 below, NULL when missing;

and counts its records in ``records`` (the rules are rendered weighted, ``SUM(records)``). Every other
column is NULL in a rollup row. ``file_no`` stays in the key, so a row never mixes two files.
``tests/flows/test_rollup.py`` checks that every rule gives the same rows with and without the rollup,
and that the rules read no other column.

Bad lines: DuckDB's CSV reader checks only the columns a query reads (``store_rejects`` would miss a
non-number in ``protocol``), so the rollup also counts every other column of the file (``HAVING ... >= 0``
is always true), which makes the reader cast, and reject, every value as it would for a full load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.flows.parameters import RuleParameters
from auditor.flows.scalar import scalar

DAY = 86400
KEY_COLUMNS = (
    "provider",
    "account_id",
    "region",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "action",
    "log_status",
    "start",
    "file_no",
)
SUMMED_COLUMNS = ("bytes", "records")
RULE_COLUMNS = frozenset(KEY_COLUMNS + SUMMED_COLUMNS) - {"file_no"}


@dataclass(frozen=True)
class Rollup:
    """The edges ``start`` is rounded down to (besides every UTC midnight)."""

    edges: tuple[int, ...]

    @classmethod
    def for_parameters(cls, parameters: RuleParameters) -> Rollup:
        return cls(
            tuple(
                sorted(
                    {
                        parameters.baseline_start_epoch,
                        parameters.window_start_epoch,
                        parameters.window_end_epoch,
                    }
                )
            )
        )

    def start_edge(self, column: str) -> str:
        """SQL: the latest edge (window edge or UTC midnight) at or before ``column``."""
        midnight = f"CAST(floor({column} / {float(DAY)}) AS BIGINT) * {DAY}"
        edge = " ".join(f"WHEN {column} >= {e} THEN {e}" for e in sorted(self.edges, reverse=True))
        return f"greatest({midnight}, CASE {edge} ELSE {midnight} END)"

    def insert_sql(self, table: str, raw_select: str, checked: list[str]) -> str:
        """INSERT the rollup of ``raw_select`` (a query giving the flow table's columns, one row per
        record). ``checked`` are the columns counted only so that the reader parses and checks them."""
        keys = []
        for column in KEY_COLUMNS:
            if column == "start":
                keys.append(self.start_edge('raw."start"'))
            elif column == "srcport":
                keys.append("CASE WHEN raw.srcport >= 1024 THEN 1024 WHEN raw.srcport < 1024 THEN 0 END")
            else:
                keys.append(f'raw."{column}"')
        names = ", ".join(f'"{c}"' for c in KEY_COLUMNS + SUMMED_COLUMNS)
        having = " + ".join(f'COUNT(raw."{c}")' for c in checked if c not in RULE_COLUMNS)
        return (
            f"INSERT INTO {table} ({names}) "
            f"SELECT {', '.join(keys)}, SUM(raw.bytes), COUNT(*) "
            f"FROM ({raw_select}) AS raw GROUP BY {', '.join(keys)}"
            + (f" HAVING {having} >= 0" if having else "")
        )

    def load(self, con: Any, table: str, raw_select: str, checked: list[str], file_no: int) -> int:
        """Insert the rollup of one file's records; how many records it holds."""
        scalar(con, self.insert_sql(table, raw_select, checked))
        return scalar(con, f"SELECT SUM(records) FROM {table} WHERE file_no = ?", [file_no])
