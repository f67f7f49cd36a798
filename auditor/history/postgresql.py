"""The PostgreSQL history: a team's shared store, through psycopg 3 (imported only when used).

The store is the tables of the connection's current schema (``public`` unless the URL's
``options=-csearch_path=...`` says otherwise). Ids come from identity columns (the database's own
sequences). Every save takes ``LOCK TABLE ... IN EXCLUSIVE MODE`` first: two scans finishing at once, on
two machines, are written one after the other with increasing ids, and readers (plain SELECTs) never wait.
Migrations run under a transaction-scoped advisory lock, so two first runs against an empty database do
not both create the tables. Every message names the URL with its password replaced by ``***``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from auditor.history.connection import LOCK_TIMEOUT_SECONDS, Backend, Connection, Cursor
from auditor.history.errors import HistoryError, HistoryMissing
from auditor.history.schema import SCAN_TABLES, SCHEMA_VERSION, Dialect, check_ours, migrate, stored_version

if TYPE_CHECKING:
    import psycopg

CONNECT_TIMEOUT_SECONDS = 10
MIGRATION_LOCK = 0x706F7374757265  # pg_advisory_xact_lock key: "posture" in ASCII
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_RELATIONS = """
SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
"""


class PostgresConnection(Connection):
    dialect: Dialect = "postgresql"

    def __init__(self, db: psycopg.Connection[Any]) -> None:
        self.db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.db.execute(_placeholders(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.db.cursor() as cursor:
                cursor.executemany(_placeholders(sql), rows)

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        row = self.db.execute(_placeholders(sql) + " RETURNING id", params).fetchone()
        assert row is not None
        return int(row[0])

    @contextmanager
    def writing(self, table: str) -> Iterator[None]:
        if not _IDENTIFIER.match(table):
            raise ValueError(f"not a table name: {table!r}")
        with self.db.transaction():
            self._lock_timeout()
            self.db.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            yield

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self.db.transaction():
            self.db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield

    @contextmanager
    def migrating(self) -> Iterator[None]:
        """A transaction holding the database's migration lock (one migrating process at a time)."""
        with self.db.transaction():
            self._lock_timeout()
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            yield

    def _lock_timeout(self) -> None:
        self.db.execute(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_SECONDS * 1000)}ms'")


class PostgresBackend(Backend):
    dialect: Dialect = "postgresql"

    def open(self, *, create: bool) -> None:
        with self.connect() as db:
            assert isinstance(db, PostgresConnection)
            if db.execute("SELECT current_schema()").fetchone()[0] is None:
                raise HistoryError(
                    f"{self.where}: the connection's search_path names no schema that exists "
                    "(create it, or fix options=-csearch_path=... in the URL)"
                )
            tables = self.tables(db)
            if not tables and not create:
                raise HistoryMissing(
                    f"{self.where}: no history in this database yet (no scan has been saved)"
                )
            check_ours(tables, self.where)
            if tables >= SCAN_TABLES and stored_version(db, self.where) == SCHEMA_VERSION:
                return  # up to date: no lock, no write
            with db.migrating():
                migrate(db, lambda: self.tables(db), self.where)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A short autocommit connection (transactions are explicit); driver errors become
        ``HistoryError`` naming the redacted URL."""
        psycopg = _driver(self.where)
        try:
            db = psycopg.connect(self.location.url or "", autocommit=True, **self._defaults(psycopg))
        except psycopg.Error as error:
            raise HistoryError(f"{self.where}: {self._describe(error, connecting=True)}") from error
        try:
            yield PostgresConnection(db)
        except psycopg.Error as error:
            raise HistoryError(f"{self.where}: {self._describe(error, connecting=False)}") from error
        finally:
            db.close()

    def tables(self, db: Connection) -> set[str]:
        return {row[0] for row in db.execute(_RELATIONS).fetchall()}

    # ----------------------------------------------------------------------------------- plumbing

    def _defaults(self, psycopg: Any) -> dict[str, Any]:
        """connect_timeout and application_name, unless the URL or the environment sets them."""
        try:
            given = psycopg.conninfo.conninfo_to_dict(self.location.url or "")
        except psycopg.ProgrammingError as error:
            raise HistoryError(f"{self.where}: not a valid PostgreSQL URL: {self._text(error)}") from error
        defaults: dict[str, Any] = {}
        if "connect_timeout" not in given and not os.environ.get("PGCONNECT_TIMEOUT"):
            defaults["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        if "application_name" not in given and not os.environ.get("PGAPPNAME"):
            defaults["application_name"] = "posture-auditor"
        return defaults

    def _describe(self, error: Exception, *, connecting: bool) -> str:
        text = self._text(error)
        sqlstate = getattr(error, "sqlstate", None)
        if sqlstate == "55P03":  # lock_not_available: lock_timeout ran out
            return f"the history is busy (another writer held it for {LOCK_TIMEOUT_SECONDS:.0f} s): {text}"
        if sqlstate == "42501":  # insufficient_privilege
            return f"not allowed: {text} (the user needs to own the history's tables, or be granted them)"
        if connecting:
            hint = ""
            if "password authentication failed" in text or "no password supplied" in text:
                hint = " (wrong user or password: check the URL, PGPASSWORD or ~/.pgpass)"
            elif "does not exist" in text and "database" in text:
                hint = " (create it first: createdb, or CREATE DATABASE ... OWNER ...)"
            return f"cannot connect to the history database: {text}{hint}"
        lost = sqlstate is None or sqlstate.startswith(("08", "57"))  # no answer, or the server ended it
        if lost and isinstance(error, _driver(self.where).OperationalError):
            return f"the connection to the history database was lost: {text}"
        return f"history database error: {text}"

    def _text(self, error: Exception) -> str:
        """The driver's message on one line, any password of the URL replaced by ***."""
        return self.location.scrub(" ".join(str(error).split()))


def _placeholders(sql: str) -> str:
    """Our ``?`` placeholders as psycopg's ``%s`` (no statement of ours holds a literal ``?`` or ``%``)."""
    assert "%" not in sql, sql
    return sql.replace("?", "%s")


def _driver(where: str) -> Any:
    try:
        import psycopg
    except ImportError as error:  # pragma: no cover - psycopg is a dependency
        raise HistoryError(
            f"{where}: a PostgreSQL history needs psycopg 3: pip install 'psycopg[binary]'"
        ) from error
    return psycopg
