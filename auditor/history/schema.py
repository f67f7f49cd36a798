"""The history schema, written once for SQLite and PostgreSQL, and the migrations that build it.

Each migration takes the schema from version N-1 to N; append one, never edit a released one. The SQL is
the common dialect of both engines; the three words that differ are placeholders:

- ``{id}``: the table's own key, from the database: ``INTEGER PRIMARY KEY AUTOINCREMENT`` (SQLite) or
  ``BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY`` (PostgreSQL, a sequence: never max(id)+1);
- ``{ref}`` / ``{bigint}``: a reference to such a key, a 64-bit integer (``INTEGER`` / ``BIGINT``);
- ``{real}``: a double (``REAL`` / ``DOUBLE PRECISION``; PostgreSQL's ``REAL`` is only 32 bits).

Times are ISO 8601 text (UTC), JSON is text, booleans are 0/1 integers, on both. A step that only one
engine needs is in ``ENGINE_STEPS``. The ``schema_version`` table has one row per applied migration;
``migrate`` applies the missing ones in order inside the caller's transaction and refuses a store
newer than ``SCHEMA_VERSION`` or one that is not a posture-auditor history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from auditor.history.errors import HistoryError

if TYPE_CHECKING:
    from auditor.history.connection import Connection

Dialect = Literal["sqlite", "postgresql"]

TYPES: dict[Dialect, dict[str, str]] = {
    "sqlite": {
        "id": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "ref": "INTEGER",
        "bigint": "INTEGER",
        "real": "REAL",
    },
    "postgresql": {
        "id": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "ref": "BIGINT",
        "bigint": "BIGINT",
        "real": "DOUBLE PRECISION",
    },
}

MIGRATIONS: dict[int, str] = {
    # 1: the scans (released in 0.1 as SQLite-only; the SQLite rendering is that text, word for word)
    1: """
    CREATE TABLE scans (
        id {id},
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
        scan_id {ref} NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        provider TEXT NOT NULL,
        account TEXT NOT NULL,
        regions TEXT NOT NULL,
        PRIMARY KEY (scan_id, provider, account)
    );
    CREATE TABLE status_counts (
        scan_id {ref} NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (scan_id, status)
    );
    CREATE TABLE benchmark_scores (
        scan_id {ref} NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        benchmark_id TEXT NOT NULL,
        control_ratio {real},
        weighted_score {real},
        coverage {real},
        PRIMARY KEY (scan_id, benchmark_id)
    );
    CREATE TABLE control_statuses (
        scan_id {ref} NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
        benchmark_id TEXT NOT NULL,
        control_id TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (scan_id, benchmark_id, control_id)
    )
    """,
    # 2: the training records. Before version 2 the quiz created these tables itself, unversioned, in
    # the same SQLite file: IF NOT EXISTS keeps such a file's attempts as they are.
    2: """
    CREATE TABLE IF NOT EXISTS quiz_attempts (
        id {id},
        operator TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        bank_id TEXT NOT NULL,
        seed {bigint},
        score {real} NOT NULL,
        passed INTEGER NOT NULL,
        pass_mark {real} NOT NULL,
        per_section TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('quiz', 'practice'))
    );
    CREATE INDEX IF NOT EXISTS quiz_attempts_operator ON quiz_attempts (operator, id);
    CREATE TABLE IF NOT EXISTS quiz_answers (
        attempt_id {ref} NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        section TEXT NOT NULL,
        score {real} NOT NULL,
        correct INTEGER NOT NULL,
        given TEXT NOT NULL,
        expected TEXT NOT NULL,
        PRIMARY KEY (attempt_id, question_id)
    );
    CREATE TABLE IF NOT EXISTS quiz_reviews (
        operator TEXT NOT NULL,
        question_id TEXT NOT NULL,
        state TEXT NOT NULL,
        due TEXT NOT NULL,
        PRIMARY KEY (operator, question_id)
    )
    """,
    # 3: the order of an attempt's answers as a column (SQLite's rowid gave it; PostgreSQL has none)
    3: """
    ALTER TABLE quiz_answers ADD COLUMN position INTEGER
    """,
}

ENGINE_STEPS: dict[int, dict[Dialect, str]] = {
    3: {"sqlite": "UPDATE quiz_answers SET position = rowid WHERE position IS NULL"},
}

SCHEMA_VERSION = max(MIGRATIONS)

SCAN_TABLES = frozenset({"scans", "scan_scopes", "status_counts", "benchmark_scores", "control_statuses"})
QUIZ_TABLES = frozenset({"quiz_attempts", "quiz_answers", "quiz_reviews"})
TABLES = frozenset({"schema_version", *SCAN_TABLES, *QUIZ_TABLES})
"""Every table of the current schema (a store holding only these, or none, is ours)."""

VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
)


def statements(version: int, dialect: Dialect) -> list[str]:
    """The SQL statements of one migration for one engine, in order."""
    script = MIGRATIONS[version].format(**TYPES[dialect])
    parts = [part.strip() for part in script.split(";") if part.strip()]
    extra = ENGINE_STEPS.get(version, {}).get(dialect)
    return [*parts, extra] if extra else parts


def stored_version(db: Connection, where: str) -> int:
    """The highest applied migration (0 when ``schema_version`` is empty)."""
    value = db.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    try:
        return int(value or 0)
    except (TypeError, ValueError) as error:
        raise _not_ours(where, "its schema_version table is not ours") from error


def check_ours(tables: set[str], where: str) -> None:
    """Refuse a store holding tables but no ``schema_version`` (another program's database)."""
    if tables and "schema_version" not in tables:
        raise _not_ours(where, "no schema_version table")


def migrate(
    db: Connection,
    tables: Callable[[], set[str]],
    where: str,
    *,
    target: int = SCHEMA_VERSION,
) -> int:
    """Bring the store to ``target`` inside the caller's write transaction; return the version before.

    ``tables()`` lists the tables of the store. A store newer than this code, or one that holds tables
    of another program, raises ``HistoryError`` naming ``where``; nothing is changed then.
    """
    dialect = db.dialect
    present = tables()
    check_ours(present, where)
    db.execute(VERSION_TABLE)
    current = stored_version(db, where)
    if current > SCHEMA_VERSION:
        raise HistoryError(
            f"{where}: written by a newer posture-auditor (history schema {current}; this one reads up to "
            f"{SCHEMA_VERSION}); it was left untouched: upgrade posture-auditor to use it"
        )
    if current == 0 and present - {"schema_version"}:
        raise _not_ours(where, f"schema_version is empty but it holds tables ({', '.join(sorted(present))})")
    if current >= 1 and not present >= SCAN_TABLES:
        raise _not_ours(where, f"schema_version says {current} but the scans tables are missing")
    for version in range(current + 1, target + 1):
        for statement in statements(version, dialect):
            db.execute(statement)
        db.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
            (version, datetime.now(UTC).isoformat()),
        )
    return current


def _not_ours(where: str, why: str) -> HistoryError:
    return HistoryError(f"{where}: not a posture-auditor history ({why}); it was left untouched")
