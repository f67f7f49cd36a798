"""AWS VPC Flow Logs delivered to S3 as Parquet (``--destination-options FileFormat=parquet``).

Field names are those of the text format with ``-`` turned into ``_``; absent fields are NULL. With a
``Rollup`` (``hints["rollup"]``) the records are aggregated as they load. A file DuckDB cannot open as
Parquet is lost whole and reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor.flows.file_result import FileResult
from auditor.flows.record import COLUMN_NAMES, TABLE
from auditor.flows.rollup import Rollup
from auditor.flows.scalar import scalar
from auditor.flows.summary import FlowInputError


def _literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def read_aws_parquet(con: Any, path: Path, name: str, hints: dict) -> FileResult:
    import duckdb

    result = FileResult()
    source = f"read_parquet({_literal(str(path))})"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        present = {row[0].replace("-", "_"): row[0] for row in described}
        hint = {"account_id": hints["account"], "region": hints["region"]}
        exprs = []
        for column in COLUMN_NAMES:
            if column == "provider":  # a file written by `auditor flows convert` keeps its provider
                expr = "COALESCE(\"provider\", 'aws')" if "provider" in present else "'aws'"
            elif column == "file_no":
                expr = str(hints["file_no"])
            elif column == "records":
                expr = "1"
            elif column in hint and column in present:
                expr = f'COALESCE(CAST("{present[column]}" AS VARCHAR), {_literal(hint[column])})'
            elif column in hint:
                expr = _literal(hint[column])
            elif column in present:
                expr = f'"{present[column]}"'
            else:
                expr = "NULL"
            exprs.append(f'{expr} AS "{column}"')
        raw = f"SELECT {', '.join(exprs)} FROM {source}"
        rollup: Rollup | None = hints.get("rollup")
        if rollup is None:
            result.loaded = scalar(con, f"INSERT INTO {TABLE} {raw}")
        else:  # Parquet values are typed already: nothing more to check
            result.loaded = rollup.load(con, TABLE, raw, [], hints["file_no"])
    except duckdb.Error as error:
        result.lost = True
        result.rejected = 0
        result.errors.append(
            FlowInputError(file=name, kind="unreadable", message=f"not readable as Parquet: {error}")
        )
    return result
