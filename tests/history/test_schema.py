"""The schema is written once: its SQLite rendering is, word for word, what the released SQLite-only
version created (so its files need no rewrite), and the PostgreSQL rendering differs only in the types."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.history.schema import MIGRATIONS, SCHEMA_VERSION, VERSION_TABLE, statements

V1_DUMP = Path(__file__).parent / "data" / "history-v1.sql"


def _normal(sql: str) -> str:
    return " ".join(sql.replace("IF NOT EXISTS ", "").split())


def _released_ddl() -> set[str]:
    text = V1_DUMP.read_text()
    return {_normal(m) for m in re.findall(r"^CREATE (?:TABLE|INDEX) .*?\);", text, flags=re.M | re.S)}


def test_the_sqlite_rendering_of_migrations_1_and_2_is_the_released_schema():
    ours = {_normal(statement) + ";" for version in (1, 2) for statement in statements(version, "sqlite")}
    assert ours | {_normal(VERSION_TABLE) + ";"} == _released_ddl()


def test_the_postgresql_rendering_differs_only_in_the_placeholder_types():
    for version in MIGRATIONS:
        sqlite = statements(version, "sqlite")
        postgresql = statements(version, "postgresql")
        common = [s for s in sqlite if "rowid" not in s]  # the one SQLite-only step (migration 3)
        assert len(common) == len(postgresql)
        for lite, pg in zip(common, postgresql, strict=True):
            generic = (
                lite.replace(
                    "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
                )
                .replace("REAL", "DOUBLE PRECISION")
                .replace("INTEGER", "BIGINT")
            )
            assert generic.replace("BIGINT", "INTEGER") == pg.replace("BIGINT", "INTEGER")
    assert max(MIGRATIONS) == SCHEMA_VERSION == 3
