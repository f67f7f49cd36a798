"""The SQLite history: one file (one user's history), the stdlib driver.

WAL journal (readers never block the writer), foreign keys on, a busy timeout so concurrent writers from
threads or processes wait instead of failing, every write in one ``BEGIN IMMEDIATE`` transaction. A file
that is not a posture-auditor history (garbage, truncated, another program's SQLite file, a newer schema)
raises ``HistoryError`` naming the path; it is never recreated, rewritten or deleted. An empty (0-byte)
file is initialised as a new history.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from auditor.history.connection import LOCK_TIMEOUT_SECONDS, Backend, Connection, Cursor
from auditor.history.errors import HistoryError, HistoryMissing
from auditor.history.schema import Dialect, check_ours, migrate, stored_version

SQLITE_MAGIC = b"SQLite format 3\x00"


class SqliteConnection(Connection):
    dialect: Dialect = "sqlite"

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.db.executemany(sql, rows)

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        row_id = self.db.execute(sql, params).lastrowid
        assert row_id is not None
        return row_id

    @contextmanager
    def writing(self, table: str) -> Iterator[None]:
        """``BEGIN IMMEDIATE``: the file's one write lock up front (no deadlock between writers)."""
        with self._transaction("BEGIN IMMEDIATE"):
            yield

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._transaction("BEGIN"):
            yield

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        self.db.execute(begin)
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")


class SqliteBackend(Backend):
    dialect: Dialect = "sqlite"

    @property
    def path(self) -> Path:
        assert self.location.path is not None  # a SQLite location always has its file
        return self.location.path

    def open(self, *, create: bool) -> None:
        if not self.path.exists():
            if not create:
                raise HistoryMissing(f"{self.where}: no history database (no scan has been saved yet)")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise HistoryError(f"{self.where}: cannot create the directory: {error.strerror}") from error
        else:
            self._check_file()
        self._prepare_waiting()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A short connection with the pragmas set; SQLite errors become ``HistoryError``."""
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute(f"PRAGMA busy_timeout = {int(LOCK_TIMEOUT_SECONDS * 1000)}")
            yield SqliteConnection(db)
        except sqlite3.DatabaseError as error:
            raise HistoryError(f"{self.where}: {_describe(error)}") from error
        finally:
            if db is not None:
                db.close()

    def tables(self, db: Connection) -> set[str]:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {row[0] for row in rows if not str(row[0]).startswith("sqlite_")}

    def journal_mode(self) -> str:
        with self.connect() as db:
            return str(db.execute("PRAGMA journal_mode").fetchone()[0])

    # ----------------------------------------------------------------------------------- plumbing

    def _check_file(self) -> None:
        """Refuse, without opening it as a database, a file that cannot be a whole SQLite database."""
        try:
            if self.path.is_dir():
                raise HistoryError(f"{self.where}: is a directory, not a history database")
            size = self.path.stat().st_size
            if size == 0:
                return  # SQLite's own empty database: safe to initialise
            with self.path.open("rb") as handle:
                header = handle.read(100)
        except OSError as error:
            raise HistoryError(f"{self.where}: cannot read: {error.strerror or error}") from error
        if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
            raise HistoryError(
                f"{self.where}: not a SQLite database (corrupted or another kind of file); "
                "it was left untouched: move it away to start a new history"
            )
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        header_size_valid = header[24:28] == header[92:96] and pages > 0
        if header_size_valid and page_size and size < pages * page_size:
            raise HistoryError(
                f"{self.where}: truncated ({size} bytes, the header says {pages * page_size}); "
                "it was left untouched"
            )

    def _prepare_waiting(self) -> None:
        """``_prepare``, retried while another connection holds the lock: switching the journal to WAL
        can report "database is locked" at once, without waiting for the busy timeout."""
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while True:
            try:
                with self.connect() as db:
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

    def _prepare(self, db: Connection) -> None:
        """Check it is our database (or a new one), switch to WAL, apply pending migrations."""
        check_ours(self.tables(db), self.where)
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise HistoryError(f"{self.where}: cannot switch the journal to WAL (it is {mode!r})")
        with db.writing("schema_version"):
            migrate(db, lambda: self.tables(db), self.where)

    def schema_version(self, db: Connection) -> int:
        return stored_version(db, self.where)


def _describe(error: sqlite3.DatabaseError) -> str:
    text = str(error)
    if isinstance(error, sqlite3.OperationalError) and "unable to open" in text:
        return f"cannot open the history database: {text}"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"the history database is corrupted ({text}); it was left untouched"
    return f"history database error: {text}"
