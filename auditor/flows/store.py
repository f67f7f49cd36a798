"""The local flow store: one DuckDB database holding every record of an input set, loaded file by file.

Loading once into a table and then running every rule over it is the fastest way DuckDB offers for a
rule set (a rescan per rule decompresses everything again). Files are read one at a time, so a broken
file loses only itself (or its tail); the ``LoadReport`` says what was read and rejected, and where.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.flows.aws_parquet import read_aws_parquet
from auditor.flows.aws_text import read_aws_text
from auditor.flows.azure_json import read_azure_json
from auditor.flows.file_result import FileResult
from auditor.flows.formats import FileFormat, FormatChoice, detect
from auditor.flows.gcp_json import read_gcp_json
from auditor.flows.record import TABLE, create_table_sql
from auditor.flows.rollup import Rollup
from auditor.flows.scalar import scalar
from auditor.flows.sources import FlowInputs, InputFile
from auditor.flows.summary import FlowInputError

READERS: dict[FileFormat, Callable[[Any, Path, str, dict], FileResult]] = {
    "aws-text": read_aws_text,
    "aws-parquet": read_aws_parquet,
    "azure-json": read_azure_json,
    "gcp-json": read_gcp_json,
}
KEPT_ERRORS = 200
# Files read at once. gzip decompression is one core per file, so two files at once use both cores of a
# small machine; DuckDB appends to one table from several connections safely.
DEFAULT_READERS = 2
# DuckDB's memory limit (its buffers: tables, hash tables, sorts); the process peaks a few hundred MB above.
DEFAULT_MEMORY_LIMIT = 1 << 30


@dataclass(frozen=True)
class FileProgress:
    """One file finished: ``files_done`` of ``files_total``, ``bytes_done`` of ``bytes_total``."""

    name: str
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int


@dataclass
class LoadReport:
    inputs: list[str]
    files: int = 0
    files_by_format: Counter[str] = field(default_factory=Counter)
    input_bytes: int = 0
    records_read: int = 0
    records_rejected: int = 0
    files_failed: int = 0
    errors: list[FlowInputError] = field(default_factory=list)
    errors_total: int = 0
    rejects_visible: set[str] = field(default_factory=set)  # providers whose input logs REJECT flows

    def add(self, file: InputFile, kind: str | None, result: FileResult) -> None:
        self.files += 1
        self.input_bytes += file.size
        if kind:
            self.files_by_format[kind] += 1
        self.records_read += result.loaded
        self.records_rejected += result.rejected
        self.files_failed += int(result.lost)
        self.errors_total += len(result.errors)
        self.errors.extend(result.errors[: max(0, KEPT_ERRORS - len(self.errors))])


class FlowStore:
    """An in-memory (or on-disk, ``database=``) DuckDB database with the ``flows`` table."""

    def __init__(
        self,
        database: str = ":memory:",
        threads: int | None = None,
        readers: int = DEFAULT_READERS,
        rollup: Rollup | None = None,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
    ) -> None:
        import duckdb

        self._scratch = tempfile.TemporaryDirectory(prefix="auditor-flows-")
        self.con = duckdb.connect(database)
        self.con.execute("SET enable_progress_bar = false")  # it would print to our stdout
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        # Beyond the limit DuckDB spills to the scratch directory instead of growing.
        self.con.execute(f"SET memory_limit = '{int(memory_limit)}B'")
        self.con.execute(f"SET temp_directory = '{self._scratch.name}'")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute(create_table_sql())
        self.readers = max(1, readers)
        self.rollup = rollup

    def close(self) -> None:
        self.con.close()
        self._scratch.cleanup()

    def count(self) -> int:
        """Records loaded (a rollup row stands for ``records`` of them)."""
        return scalar(self.con, f"SELECT SUM(records) FROM {TABLE}")

    def no_data_records(self) -> int:
        return scalar(self.con, f"SELECT SUM(records) FROM {TABLE} WHERE log_status <> 'OK'")

    def load(
        self,
        inputs: FlowInputs,
        choice: FormatChoice = "auto",
        progress: Callable[[FileProgress], None] | None = None,
    ) -> LoadReport:
        files = inputs.list()
        report = LoadReport(inputs=list(inputs.inputs))
        total_bytes = sum(f.size for f in files)
        done_bytes = 0
        for number, (file, kind, result) in enumerate(self._read_all(inputs, files, choice)):
            report.add(file, kind, result)
            if kind and result.loaded:
                report.rejects_visible.add(_provider_with_rejects(self.con, kind, number))
            done_bytes += file.size
            if progress is not None:
                progress(FileProgress(file.name, number + 1, len(files), done_bytes, total_bytes))
        report.rejects_visible.discard("")
        return report

    def _read_all(
        self, inputs: FlowInputs, files: list[InputFile], choice: FormatChoice
    ) -> Iterator[tuple[InputFile, FileFormat | None, FileResult]]:
        """Each file's result, in input order. Local files are read ``readers`` at a time, each on its
        own connection; S3 objects one at a time (each is a temporary download)."""
        local = all(not f.name.startswith("s3://") for f in files)
        if self.readers == 1 or not local or len(files) < 2:
            for number, (file, path) in enumerate(inputs.materialise(files)):
                yield (file, *self._load_file(self.con, number, file, path, choice))
            return
        with ThreadPoolExecutor(self.readers, thread_name_prefix="flow-reader") as pool:
            futures = [
                pool.submit(self._load_on_own_connection, number, file, Path(file.name), choice)
                for number, file in enumerate(files)
            ]
            for file, future in zip(files, futures, strict=True):
                yield (file, *future.result())

    def _load_on_own_connection(
        self, number: int, file: InputFile, path: Path, choice: FormatChoice
    ) -> tuple[FileFormat | None, FileResult]:
        cursor = self.con.cursor()
        try:
            return self._load_file(cursor, number, file, path, choice)
        finally:
            cursor.close()

    def _load_file(
        self, con: Any, number: int, file: InputFile, local: Path | Exception, choice: FormatChoice
    ) -> tuple[FileFormat | None, FileResult]:
        if isinstance(local, Exception):
            return None, _lost(file.name, f"could not be fetched: {local}")
        try:
            kind = detect(local, choice)
        except OSError as error:
            return None, _lost(file.name, f"could not be read: {error}")
        if kind is None:
            wanted = "a flow log" if choice == "auto" else f"a {choice} flow log"
            return None, _lost(file.name, f"not recognised as {wanted}")
        hints = {
            "file_no": number,
            "account": file.account_hint,
            "region": file.region_hint,
            "rollup": self.rollup,
        }
        try:
            return kind, READERS[kind](con, local, file.name, hints)
        except OSError as error:
            return kind, _lost(file.name, f"could not be read: {error}")


def _lost(name: str, message: str) -> FileResult:
    return FileResult(lost=True, errors=[FlowInputError(file=name, kind="unreadable", message=message)])


def _provider_with_rejects(con: Any, kind: FileFormat, file_no: int) -> str:
    """The provider, if this file's log type can record REJECT flows (GCP VPC flow logs cannot)."""
    if kind != "gcp-json":
        return {"aws-text": "aws", "aws-parquet": "aws", "azure-json": "azure"}[kind]
    rejected = scalar(con, f"SELECT COUNT(*) FROM {TABLE} WHERE file_no = ? AND action = 'REJECT'", [file_no])
    return "gcp" if rejected else ""
