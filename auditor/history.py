"""Scan history: every scan stored in one SQLite file, for `auditor history` and `auditor diff`.

Where: ``$POSTURE_AUDITOR_HOME/history.sqlite3`` when that variable names a directory, else
``platformdirs.user_data_path("posture-auditor")/history.sqlite3`` (``~/.local/share/posture-auditor``
on Linux). What: the full ``ScanResult`` JSON of each scan, plus queryable rows: started/finished time,
source, tool version, the scanned accounts, counts by status, one score row per benchmark
(control_ratio, weighted_score, coverage) and one status row per benchmark control (for diffing).

Safety: WAL journal, foreign keys on, a busy timeout so concurrent writers wait instead of failing,
every write in one ``BEGIN IMMEDIATE`` transaction. A file that is not a posture-auditor history
database (garbage, truncated, another program's SQLite file, a newer schema) raises ``HistoryError``
naming the path; it is never recreated, rewritten or deleted. The schema is versioned
(``schema_version`` table) and upgraded by the ``MIGRATIONS`` in order.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.model import Status
from auditor.scan_result import ScanResult

HOME_ENV = "POSTURE_AUDITOR_HOME"
APP_NAME = "posture-auditor"
DB_NAME = "history.sqlite3"
BUSY_TIMEOUT_SECONDS = 30.0
SQLITE_MAGIC = b"SQLite format 3\x00"

# Each migration takes the schema from version N-1 to N; append, never edit a released one.
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE scans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        saved_at TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        source TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        inventory_hash TEXT NOT NULL,
        result_json TEXT NOT NULL
    );
    CREATE INDEX scans_started_at ON scans (started_at);
    CREATE TABLE scan_scopes (
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        provider TEXT NOT NULL,
        account TEXT NOT NULL,
        regions TEXT NOT NULL,
        PRIMARY KEY (scan_id, provider, account)
    );
    CREATE TABLE status_counts (
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (scan_id, status)
    );
    CREATE TABLE benchmark_scores (
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        benchmark_id TEXT NOT NULL,
        control_ratio REAL,
        weighted_score REAL,
        coverage REAL,
        PRIMARY KEY (scan_id, benchmark_id)
    );
    CREATE TABLE control_statuses (
        scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        benchmark_id TEXT NOT NULL,
        control_id TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (scan_id, benchmark_id, control_id)
    );
    """,
}
SCHEMA_VERSION = max(MIGRATIONS)

ControlKey = tuple[str, str]
"""(benchmark_id, control_id), e.g. ('cis-aws-7.0', '6.3')."""


class HistoryError(Exception):
    """The history database cannot be used. The message names the path."""


class ScanNotFound(HistoryError):
    """No scan with that id in the history database. The message names the id and the path."""


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


def default_history_path() -> Path:
    """``$POSTURE_AUDITOR_HOME/history.sqlite3``, else the platform's user data directory."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        return Path(home).expanduser() / DB_NAME
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DB_NAME


class HistoryStore:
    """The history database at ``path`` (default: ``default_history_path()``).

    Opening checks the file and brings the schema up to date; each operation then uses its own short
    connection, so one store may be used from several threads and several processes may write at once.
    With ``create=False`` a missing file raises ``HistoryError`` instead of being created.
    """

    def __init__(self, path: Path | None = None, *, create: bool = True) -> None:
        self.path = Path(path) if path is not None else default_history_path()
        if not self.path.exists():
            if not create:
                raise HistoryError(f"{self.path}: no history database (no scan has been saved yet)")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise HistoryError(f"{self.path}: cannot create the directory: {error.strerror}") from error
        else:
            self._check_file()
        self._prepare_waiting()

    # ------------------------------------------------------------------------------------ writing

    def save(
        self,
        result: ScanResult,
        scores: Iterable[Any] = (),
        *,
        controls: Mapping[ControlKey, Any] | None = None,
    ) -> int:
        """Store a scan with its benchmark scores; return its id.

        ``scores``: pydantic models or dicts with ``benchmark_id`` and the figures ``control_ratio``,
        ``weighted_score``, ``coverage`` (directly or under ``figures``). Per-control statuses come
        from ``controls`` ({(benchmark_id, control_id): status}) and from each score's ``controls``
        (items with ``control_id`` or ``id``, and ``status``), when present.
        """
        scores = list(scores)
        score_rows = [_score_row(score) for score in scores]
        control_rows: dict[ControlKey, str] = {}
        for score in scores:
            control_rows.update(_controls_of(score))
        for key, status in (controls or {}).items():
            control_rows[key] = _text(status)
        counts = {status.value: 0 for status in Status}
        for finding in result.findings:
            counts[finding.status.value] = counts.get(finding.status.value, 0) + 1
        with self._connect() as db, self._write(db):
            cursor = db.execute(
                "INSERT INTO scans (saved_at, started_at, finished_at, source, tool_version, inventory_hash,"
                " result_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(),
                    result.started_at.isoformat(),
                    result.finished_at.isoformat(),
                    result.source,
                    result.tool_version,
                    result.inventory_hash,
                    result.model_dump_json(by_alias=True),
                ),
            )
            scan_id = cursor.lastrowid
            assert scan_id is not None
            db.executemany(
                "INSERT OR REPLACE INTO scan_scopes VALUES (?, ?, ?, ?)",
                [(scan_id, s.provider, s.account, json.dumps(s.regions)) for s in result.scopes],
            )
            db.executemany(
                "INSERT INTO status_counts VALUES (?, ?, ?)",
                [(scan_id, status, count) for status, count in counts.items()],
            )
            db.executemany(
                "INSERT OR REPLACE INTO benchmark_scores VALUES (?, ?, ?, ?, ?)",
                [
                    (scan_id, row.benchmark_id, row.control_ratio, row.weighted_score, row.coverage)
                    for row in score_rows
                ],
            )
            db.executemany(
                "INSERT INTO control_statuses VALUES (?, ?, ?, ?)",
                [(scan_id, bench, control, status) for (bench, control), status in control_rows.items()],
            )
        return scan_id

    # ------------------------------------------------------------------------------------ reading

    def list_scans(self, limit: int | None = 20) -> list[ScanSummary]:
        """The most recently saved scans first (at most ``limit``; None for all)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, saved_at, started_at, finished_at, source, tool_version FROM scans"
                " ORDER BY id DESC LIMIT ?",
                (-1 if limit is None else max(limit, 0),),
            ).fetchall()
            return [self._summary(db, row) for row in rows]

    def summary(self, scan_id: int) -> ScanSummary:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, saved_at, started_at, finished_at, source, tool_version FROM scans WHERE id = ?",
                (scan_id,),
            ).fetchone()
            if row is None:
                raise self._not_found(scan_id)
            return self._summary(db, row)

    def load(self, scan_id: int) -> ScanResult:
        """The full stored ScanResult of a scan; ``ScanNotFound`` when there is no such id."""
        with self._connect() as db:
            row = db.execute("SELECT result_json FROM scans WHERE id = ?", (scan_id,)).fetchone()
        if row is None:
            raise self._not_found(scan_id)
        try:
            return ScanResult.model_validate_json(row[0])
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise HistoryError(
                f"{self.path}: scan {scan_id}: the stored result does not validate: {where}: {problem['msg']}"
            ) from error

    def control_statuses(self, scan_id: int) -> dict[ControlKey, str]:
        """{(benchmark_id, control_id): status} of a scan ({} when it was saved without scores)."""
        with self._connect() as db:
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
        with self._connect() as db:
            return [row[0] for row in db.execute("SELECT id FROM scans ORDER BY id")]

    # ----------------------------------------------------------------------------------- plumbing

    def _summary(self, db: sqlite3.Connection, row: tuple[Any, ...]) -> ScanSummary:
        scan_id = row[0]
        accounts = sorted(
            f"{provider}:{account}"
            for provider, account in db.execute(
                "SELECT provider, account FROM scan_scopes WHERE scan_id = ?", (scan_id,)
            )
        )
        counts = {status.value: 0 for status in Status}
        counts.update(db.execute("SELECT status, count FROM status_counts WHERE scan_id = ?", (scan_id,)))
        scores = [
            BenchmarkScoreRow(
                benchmark_id=bench, control_ratio=ratio, weighted_score=weighted, coverage=coverage
            )
            for bench, ratio, weighted, coverage in db.execute(
                "SELECT benchmark_id, control_ratio, weighted_score, coverage FROM benchmark_scores"
                " WHERE scan_id = ? ORDER BY benchmark_id",
                (scan_id,),
            )
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
        return ScanNotFound(f"{self.path}: no scan with id {scan_id}")

    def _check_file(self) -> None:
        """Refuse, without opening it as a database, a file that cannot be a whole SQLite database."""
        try:
            if self.path.is_dir():
                raise HistoryError(f"{self.path}: is a directory, not a history database")
            size = self.path.stat().st_size
            if size == 0:
                return  # SQLite's own empty database: safe to initialise
            with self.path.open("rb") as handle:
                header = handle.read(100)
        except OSError as error:
            raise HistoryError(f"{self.path}: cannot read: {error.strerror or error}") from error
        if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
            raise HistoryError(
                f"{self.path}: not a SQLite database (corrupted or another kind of file); "
                "it was left untouched: move it away to start a new history"
            )
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        header_size_valid = header[24:28] == header[92:96] and pages > 0
        if header_size_valid and page_size and size < pages * page_size:
            raise HistoryError(
                f"{self.path}: truncated ({size} bytes, the header says {pages * page_size}); "
                "it was left untouched"
            )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A short connection with the pragmas set; SQLite errors become ``HistoryError``."""
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            yield db
        except sqlite3.DatabaseError as error:
            raise HistoryError(f"{self.path}: {_describe_sqlite_error(error)}") from error
        finally:
            if db is not None:
                db.close()

    @contextmanager
    def _write(self, db: sqlite3.Connection) -> Iterator[None]:
        """One write transaction, taking the write lock up front (no deadlock between writers)."""
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _prepare_waiting(self) -> None:
        """``_prepare``, retried while another connection holds the lock: switching the journal to WAL
        can report "database is locked" at once, without waiting for the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                with self._connect() as db:
                    self._prepare(db)
                return
            except HistoryError as error:
                cause = error.__cause__
                busy = isinstance(cause, sqlite3.OperationalError) and (
                    "locked" in str(cause) or "busy" in str(cause)
                )
                if not busy or time.monotonic() > deadline:
                    raise
            time.sleep(random.uniform(0.005, 0.05))

    def _prepare(self, db: sqlite3.Connection) -> None:
        """Check it is our database (or a new one), switch to WAL, apply pending migrations."""
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "schema_version" not in tables:
            raise HistoryError(
                f"{self.path}: a SQLite database, but not a posture-auditor history (no schema_version "
                "table); it was left untouched"
            )
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise HistoryError(f"{self.path}: cannot switch the journal to WAL (it is {mode!r})")
        with self._write(db):
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
            )
            current = db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
            if current > SCHEMA_VERSION:
                raise HistoryError(
                    f"{self.path}: written by a newer posture-auditor (history schema {current}; this one "
                    f"reads up to {SCHEMA_VERSION}); it was left untouched"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[version]):
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (version, datetime.now(UTC).isoformat()),
                )

    def schema_version(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0)

    def journal_mode(self) -> str:
        with self._connect() as db:
            return str(db.execute("PRAGMA journal_mode").fetchone()[0])


def _statements(script: str) -> list[str]:
    """Split a migration into statements (they hold no ';' inside literals)."""
    return [part.strip() for part in script.split(";") if part.strip()]


def _describe_sqlite_error(error: sqlite3.DatabaseError) -> str:
    text = str(error)
    if isinstance(error, sqlite3.OperationalError) and "unable to open" in text:
        return f"cannot open the history database: {text}"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"the history database is corrupted ({text}); it was left untouched"
    return f"history database error: {text}"


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
