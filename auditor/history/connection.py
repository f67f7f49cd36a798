"""The one interface the history code talks to, whichever engine is behind it.

A ``Backend`` opens a store (checks it is ours, migrates it) and hands out short ``Connection``s. SQL is
written once with ``?`` placeholders; each connection adapts it to its driver. Transactions:

- ``writing(table)``: one write transaction that first takes the write lock (SQLite ``BEGIN IMMEDIATE``;
  PostgreSQL ``LOCK TABLE table IN EXCLUSIVE MODE``, which readers do not wait for). Writers of the same
  table run one after the other, so ids are handed out in commit order and nobody waits for a deadlock;
  a writer waits up to ``LOCK_TIMEOUT_SECONDS`` and then fails naming the store.
- ``reading()``: one read transaction, a consistent snapshot (SQLite WAL; PostgreSQL REPEATABLE READ
  READ ONLY): a scan being written is either wholly visible or not at all.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from auditor.history.location import HistoryLocation
    from auditor.history.schema import Dialect

LOCK_TIMEOUT_SECONDS = 30.0


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(ABC):
    """One short connection to a history store."""

    dialect: Dialect

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement written with ``?`` placeholders."""

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""

    @abstractmethod
    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT`` into a table with an ``id`` key; return the id the database gave the row."""

    @abstractmethod
    def writing(self, table: str) -> AbstractContextManager[None]:
        """A write transaction holding the write lock of ``table`` (see the module doc)."""

    @abstractmethod
    def reading(self) -> AbstractContextManager[None]:
        """A read transaction: one consistent snapshot."""


class Backend(ABC):
    """An engine's way to open a history store and connect to it."""

    dialect: Dialect

    def __init__(self, location: HistoryLocation) -> None:
        self.location = location
        self.where = str(location)

    @abstractmethod
    def open(self, *, create: bool) -> None:
        """Check the store is a posture-auditor history (or new) and migrate it to the current schema.
        With ``create=False`` a store that does not exist yet raises ``HistoryMissing``."""

    @abstractmethod
    def connect(self) -> AbstractContextManager[Connection]:
        """A short connection; driver errors inside it become ``HistoryError`` naming the store."""

    @abstractmethod
    def tables(self, db: Connection) -> set[str]:
        """The names of the tables in the store."""


def backend_for(location: HistoryLocation) -> Backend:
    if location.backend == "postgresql":
        from auditor.history.postgresql import PostgresBackend

        return PostgresBackend(location)
    from auditor.history.sqlite import SqliteBackend

    return SqliteBackend(location)
