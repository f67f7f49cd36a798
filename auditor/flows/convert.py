"""``auditor flows convert``: load an input set once and write it as one Parquet file (zstd).

The Parquet file holds every record with the flow table's columns (``provider`` included; no rollup), so
reading it back gives the same records; DuckDB reads it several times faster than gzip text. The records
are staged in a temporary DuckDB file rather than in memory: DuckDB compresses a table on disk, so a
large set converts within the store's memory limit. Rows are written as they were read (two files
at once), unsorted: the analysis reads every row whatever the order.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from auditor.flows.formats import FormatChoice
from auditor.flows.record import TABLE
from auditor.flows.sources import FlowInputs
from auditor.flows.store import FlowStore, LoadReport


def convert_to_parquet(
    inputs: list[str], output: Path, choice: FormatChoice = "auto"
) -> tuple[LoadReport, int]:
    with tempfile.TemporaryDirectory(prefix="auditor-convert-") as scratch:
        store = FlowStore(str(Path(scratch) / "records.duckdb"))
        try:
            report = store.load(FlowInputs(inputs), choice)
            output.parent.mkdir(parents=True, exist_ok=True)
            target = str(output).replace("'", "''")
            store.con.execute(
                f"COPY (SELECT * EXCLUDE (file_no, records) FROM {TABLE}) TO '{target}' "
                "(FORMAT parquet, COMPRESSION zstd)"
            ).fetchall()
            return report, store.count()
        finally:
            store.close()
