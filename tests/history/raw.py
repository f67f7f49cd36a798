"""Direct access to a store with the engine's own driver (sqlite3 or psycopg), not through our code: to
prepare a foreign or a newer store, and to look at what was written."""

from __future__ import annotations

import sqlite3
from typing import Any


def is_postgresql(url: str) -> bool:
    return url.startswith("postgresql://")


def execute(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement (``?`` placeholders) and commit; the rows it returned."""
    if is_postgresql(url):
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:
            cursor = db.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    db = sqlite3.connect(url)
    try:
        rows = db.execute(sql, params).fetchall()
        db.commit()
        return rows
    finally:
        db.close()


def tables(url: str) -> set[str]:
    if is_postgresql(url):
        rows = execute(url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        rows = execute(
            url, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return {row[0] for row in rows}
