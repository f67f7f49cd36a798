"""The scans of the history: ``HistoryStore`` saves a scan and reads back what ``history``, ``diff``, the
reports and the TUI show, on either engine (``auditor.history.location`` says which).

What is stored: the full ``ScanResult`` JSON of each scan, plus queryable rows: started/finished time,
source, tool version, the scanned accounts, counts by status, one score row per benchmark
(control_ratio, weighted_score, coverage) and one status row per benchmark control (for diffing). The
schema: ``auditor.history.schema`` and docs/history.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.history.connection import Connection, backend_for
from auditor.history.errors import HistoryError, ScanNotFound
from auditor.history.location import HistoryLocation, history_location
from auditor.model import Status
from auditor.scan_result import ScanResult

ControlKey = tuple[str, str]
"""(benchmark_id, control_id), e.g. ('cis-aws-7.0', '6.3')."""

_SUMMARY_COLUMNS = "id, saved_at, started_at, finished_at, source, tool_version"


class BenchmarkScoreRow(BaseModel):
    """The figures of one benchmark in one scan, as stored."""

    model_config = ConfigDict(frozen=True)

    benchmark_id: str
    control_ratio: float | None = None
    weighted_score: float | None = None
    coverage: float | None = None


class ScanSummary(BaseModel):
    """One row of `auditor history`: a stored scan without its findings."""

    model_config = ConfigDict(frozen=True)

    id: int
    saved_at: datetime
    started_at: datetime
    finished_at: datetime
    source: str
    tool_version: str
    accounts: list[str] = Field(description="'provider:account' for each scope, sorted.")
    counts: dict[str, int] = Field(description="Findings by status; every status is present.")
    scores: list[BenchmarkScoreRow] = Field(default_factory=list)


class HistoryStore:
    """The history at ``location``: a SQLite file path, a ``sqlite:`` or ``postgresql://`` URL, or
    None for the configured one (``$POSTURE_AUDITOR_HISTORY_URL``, else the default SQLite file).

    Opening checks the store and brings the schema up to date; each operation then uses its own short
    connection and transaction, so one store may be used from several threads, and several processes
    (on several machines, with PostgreSQL) may write at once. With ``create=False`` a store that does
    not exist yet raises ``HistoryMissing`` instead of being created.
    """

    def __init__(
        self, location: HistoryLocation | str | os.PathLike[str] | None = None, *, create: bool = True
    ) -> None:
        self.location = history_location(location)
        self.where = str(self.location)
        """What to call the store in a message: the file's path, or the URL without its password."""
        self.path: Path | None = self.location.path
        self._backend = backend_for(self.location)
        self._backend.open(create=create)

    @property
    def backend(self) -> str:
        return self.location.backend

    # ------------------------------------------------------------------------------------ writing

    def save(
        self,
        result: ScanResult,
        scores: Iterable[Any] = (),
        *,
        controls: Mapping[ControlKey, Any] | None = None,
    ) -> int:
        """Store a scan with its benchmark scores in one transaction; return its id.

        ``scores``: pydantic models or dicts with ``benchmark_id`` and the figures ``control_ratio``,
        ``weighted_score``, ``coverage`` (directly or under ``figures``). Per-control statuses come
        from ``controls`` ({(benchmark_id, control_id): status}) and from each score's ``controls``
        (items with ``control_id`` or ``id``, and ``status``), when present.
        """
        rows = scan_rows(result, scores, controls=controls)
        with self.connect() as db, db.writing("scans"):
            return insert_scan(db, rows)

    # ------------------------------------------------------------------------------------ reading

    def list_scans(self, limit: int | None = 20) -> list[ScanSummary]:
        """The most recently saved scans first (at most ``limit``; None for all)."""
        query = f"SELECT {_SUMMARY_COLUMNS} FROM scans ORDER BY id DESC"
        params: tuple[int, ...] = ()
        if limit is not None:
            query += " LIMIT ?"
            params = (max(limit, 0),)
        with self.connect() as db, db.reading():
            rows = db.execute(query, params).fetchall()
            return [self._summary(db, row) for row in rows]

    def summary(self, scan_id: int) -> ScanSummary:
        with self.connect() as db, db.reading():
            row = db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM scans WHERE id = ?", (scan_id,)).fetchone()
            if row is None:
                raise self._not_found(scan_id)
            return self._summary(db, row)

    def load(self, scan_id: int) -> ScanResult:
        """The full stored ScanResult of a scan; ``ScanNotFound`` when there is no such id."""
        with self.connect() as db, db.reading():
            row = db.execute("SELECT result_json FROM scans WHERE id = ?", (scan_id,)).fetchone()
        if row is None:
            raise self._not_found(scan_id)
        try:
            return ScanResult.model_validate_json(row[0])
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise HistoryError(
                f"{self.where}: scan {scan_id}: the stored result does not validate: "
                f"{where}: {problem['msg']}"
            ) from error

    def control_statuses(self, scan_id: int) -> dict[ControlKey, str]:
        """{(benchmark_id, control_id): status} of a scan ({} when it was saved without scores)."""
        with self.connect() as db, db.reading():
            if db.execute("SELECT 1 FROM scans WHERE id = ?", (scan_id,)).fetchone() is None:
                raise self._not_found(scan_id)
            rows = db.execute(
                "SELECT benchmark_id, control_id, status FROM control_statuses WHERE scan_id = ?"
                " ORDER BY benchmark_id, control_id",
                (scan_id,),
            ).fetchall()
        return {(bench, control): status for bench, control, status in rows}

    def scan_ids(self) -> list[int]:
        """Every stored scan id, oldest first."""
        with self.connect() as db, db.reading():
            return [row[0] for row in db.execute("SELECT id FROM scans ORDER BY id").fetchall()]

    def schema_version(self) -> int:
        from auditor.history.schema import stored_version

        with self.connect() as db:
            return stored_version(db, self.where)

    def journal_mode(self) -> str:
        """SQLite's journal mode ("wal"); PostgreSQL has none to tell."""
        from auditor.history.sqlite import SqliteBackend

        if not isinstance(self._backend, SqliteBackend):
            raise HistoryError(f"{self.where}: a PostgreSQL history has no SQLite journal mode")
        return self._backend.journal_mode()

    # ----------------------------------------------------------------------------------- plumbing

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A short connection to the store (for the quiz records, which share it); driver errors
        become ``HistoryError`` naming the store."""
        with self._backend.connect() as db:
            yield db

    def _summary(self, db: Connection, row: tuple[Any, ...]) -> ScanSummary:
        scan_id = row[0]
        accounts = sorted(
            f"{provider}:{account}"
            for provider, account in db.execute(
                "SELECT provider, account FROM scan_scopes WHERE scan_id = ?", (scan_id,)
            ).fetchall()
        )
        counts = {status.value: 0 for status in Status}
        counts.update(
            db.execute("SELECT status, count FROM status_counts WHERE scan_id = ?", (scan_id,)).fetchall()
        )
        scores = [
            BenchmarkScoreRow(
                benchmark_id=bench, control_ratio=ratio, weighted_score=weighted, coverage=coverage
            )
            for bench, ratio, weighted, coverage in db.execute(
                "SELECT benchmark_id, control_ratio, weighted_score, coverage FROM benchmark_scores"
                " WHERE scan_id = ? ORDER BY benchmark_id",
                (scan_id,),
            ).fetchall()
        ]
        return ScanSummary(
            id=scan_id,
            saved_at=row[1],
            started_at=row[2],
            finished_at=row[3],
            source=row[4],
            tool_version=row[5],
            accounts=accounts,
            counts=counts,
            scores=scores,
        )

    def _not_found(self, scan_id: int) -> ScanNotFound:
        return ScanNotFound(f"{self.where}: no scan with id {scan_id}")


@dataclass(frozen=True)
class ScanRows:
    """What one scan adds to the tables, computed before the write lock is taken."""

    scan: tuple[Any, ...]
    """(started_at, finished_at, source, tool_version, inventory_hash, result_json)"""
    scopes: list[tuple[str, str, str]]
    counts: dict[str, int]
    scores: list[BenchmarkScoreRow]
    controls: dict[ControlKey, str]


def scan_rows(
    result: ScanResult, scores: Iterable[Any] = (), *, controls: Mapping[ControlKey, Any] | None = None
) -> ScanRows:
    """The rows of a scan (see ``HistoryStore.save`` for what ``scores`` and ``controls`` may be)."""
    scores = list(scores)
    score_rows = {row.benchmark_id: row for row in map(_score_row, scores)}
    control_rows: dict[ControlKey, str] = {}
    for score in scores:
        control_rows.update(_controls_of(score))
    for key, status in (controls or {}).items():
        control_rows[key] = _text(status)
    counts = {status.value: 0 for status in Status}
    for finding in result.findings:
        counts[finding.status.value] = counts.get(finding.status.value, 0) + 1
    scopes = {(s.provider, s.account): json.dumps(s.regions) for s in result.scopes}
    return ScanRows(
        scan=(
            result.started_at.isoformat(),
            result.finished_at.isoformat(),
            result.source,
            result.tool_version,
            result.inventory_hash,
            result.model_dump_json(by_alias=True),
        ),
        scopes=[(provider, account, regions) for (provider, account), regions in scopes.items()],
        counts=counts,
        scores=list(score_rows.values()),
        controls=control_rows,
    )


def insert_scan(db: Connection, rows: ScanRows) -> int:
    """Write one scan's rows on ``db``, inside the caller's write transaction; return its id. Its
    ``saved_at`` is taken here, under the write lock: ids and saved_at times rise together."""
    scan_id = db.insert(
        "INSERT INTO scans (saved_at, started_at, finished_at, source, tool_version, inventory_hash,"
        " result_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (datetime.now(UTC).isoformat(), *rows.scan),
    )
    db.executemany(
        "INSERT INTO scan_scopes (scan_id, provider, account, regions) VALUES (?, ?, ?, ?)",
        [(scan_id, *scope) for scope in rows.scopes],
    )
    db.executemany(
        "INSERT INTO status_counts (scan_id, status, count) VALUES (?, ?, ?)",
        [(scan_id, status, count) for status, count in rows.counts.items()],
    )
    db.executemany(
        "INSERT INTO benchmark_scores (scan_id, benchmark_id, control_ratio, weighted_score, coverage)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (scan_id, row.benchmark_id, row.control_ratio, row.weighted_score, row.coverage)
            for row in rows.scores
        ],
    )
    db.executemany(
        "INSERT INTO control_statuses (scan_id, benchmark_id, control_id, status) VALUES (?, ?, ?, ?)",
        [(scan_id, bench, control, status) for (bench, control), status in rows.controls.items()],
    )
    return scan_id


def _get(source: Any, name: str) -> Any:
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(status: Any) -> str:
    """A status as stored: an enum's value, else its text."""
    return str(getattr(status, "value", status))


def _score_row(score: Any) -> BenchmarkScoreRow:
    """A stored score row from a BenchmarkScore-like model or a dict (flat or with ``figures``)."""
    benchmark_id = _get(score, "benchmark_id")
    if not benchmark_id:
        raise TypeError(f"a benchmark score needs a benchmark_id, got {type(score).__name__}")
    figures = _get(score, "figures")
    source = figures if figures is not None else score
    return BenchmarkScoreRow(
        benchmark_id=str(benchmark_id),
        control_ratio=_number(_get(source, "control_ratio")),
        weighted_score=_number(_get(source, "weighted_score")),
        coverage=_number(_get(source, "coverage")),
    )


def _controls_of(score: Any) -> dict[ControlKey, str]:
    """Per-control statuses a score carries in ``controls`` (a list of items, or {control_id: status})."""
    benchmark_id = str(_get(score, "benchmark_id"))
    controls = _get(score, "controls")
    if not controls:
        return {}
    if isinstance(controls, Mapping):
        return {
            (benchmark_id, str(control_id)): _text(
                _get(item, "status") if not isinstance(item, str) else item
            )
            for control_id, item in controls.items()
        }
    out: dict[ControlKey, str] = {}
    for item in controls:
        control_id = _get(item, "control_id") or _get(item, "id")
        control = _get(item, "control")
        if control_id is None and control is not None:
            control_id = _get(control, "id")
        status = _get(item, "status")
        if control_id is not None and status is not None:
            out[(benchmark_id, str(control_id))] = _text(status)
    return out
