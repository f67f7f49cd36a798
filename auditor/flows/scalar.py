"""One value from a DuckDB statement, with the result consumed (DuckDB 2 refuses new work on a connection
while a result is still open)."""

from __future__ import annotations

from typing import Any


def scalar(con: Any, sql: str, parameters: list[Any] | None = None) -> int:
    rows = con.execute(sql, parameters or []).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0
