"""What only a PostgreSQL history has: a server to reach, a password, privileges, a schema (search_path),
identity columns. Against the real server of ``tests/postgresql_server.py``; every message names the URL
with the password replaced by ``***``."""

from __future__ import annotations

import pytest

from auditor.history import HistoryError, HistoryStore
from tests.history import raw
from tests.history.builders import RESULT
from tests.postgresql_server import PASSWORD, free_port


def _refused(url: str) -> str:
    with pytest.raises(HistoryError) as caught:
        HistoryStore(url)
    message = str(caught.value)
    assert PASSWORD not in message and "wrong-Secret" not in message
    return message


def test_an_unreachable_server_is_a_clear_error_naming_the_redacted_url():
    port = free_port()  # nothing listens there
    message = _refused(f"postgresql://auditor:wrong-Secret@127.0.0.1:{port}/posture")
    assert message.startswith(f"postgresql://auditor:***@127.0.0.1:{port}/posture: cannot connect")
    assert "Connection refused" in message


def test_a_wrong_password_is_a_clear_error_and_the_password_is_never_shown(postgresql_server):
    url = postgresql_server.url(postgresql_server.new_database().rsplit("/", 1)[1], password="wrong-Secret")
    message = _refused(url)
    assert "password authentication failed" in message and "PGPASSWORD" in message
    assert ":***@" in message


def test_a_database_that_does_not_exist_says_to_create_it(postgresql_server):
    message = _refused(postgresql_server.url("no_such_history"))
    assert 'database "no_such_history" does not exist' in message and "createdb" in message


def test_a_user_without_the_right_to_create_the_tables_is_told_so(postgresql_server):
    url = postgresql_server.new_database()
    database = url.rsplit("/", 1)[1]
    postgresql_server.admin(f"CREATE ROLE reader_{database} LOGIN PASSWORD 'reader-pw'")
    reader = postgresql_server.url(database, user=f"reader_{database}", password="reader-pw")
    message = _refused(reader)  # PostgreSQL 15: only the owner creates in the public schema
    assert message.startswith(f"postgresql://reader_{database}:***@") and "not allowed" in message
    assert "reader-pw" not in message
    assert raw.tables(url) == set()


def test_the_history_may_live_in_its_own_schema_through_the_search_path(postgresql_server):
    url = postgresql_server.new_database()
    raw.execute(url, "CREATE SCHEMA posture")
    in_schema = f"{url}?options=-csearch_path%3Dposture"
    HistoryStore(in_schema).save(RESULT, [])
    assert raw.tables(url) == set()  # public is untouched
    assert "scans" in raw.tables(in_schema)
    assert HistoryStore(in_schema, create=False).scan_ids() == [1]
    message = _refused(f"{url}?options=-csearch_path%3Dnot_there")
    assert "search_path names no schema" in message


def test_ids_come_from_identity_columns_and_figures_are_doubles(postgresql_server):
    url = postgresql_server.new_database()
    HistoryStore(url)
    identity = raw.execute(
        url,
        "SELECT table_name, column_name, data_type, is_identity, identity_generation"
        " FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'id'"
        " ORDER BY table_name",
    )
    assert identity == [
        ("quiz_attempts", "id", "bigint", "YES", "ALWAYS"),
        ("scans", "id", "bigint", "YES", "ALWAYS"),
    ]
    doubles = raw.execute(
        url,
        "SELECT DISTINCT data_type FROM information_schema.columns WHERE table_schema = 'public'"
        " AND column_name IN ('control_ratio', 'weighted_score', 'coverage', 'score', 'pass_mark')",
    )
    assert doubles == [("double precision",)]


def test_psycopg_is_loaded_only_when_a_postgresql_history_is_used(tmp_path, postgresql_server):
    """`auditor --help` and a SQLite history never import the driver (the --help budget, docs/history.md)."""
    import subprocess
    import sys

    url = postgresql_server.new_database()
    script = (
        "import sys\n"
        "import auditor.cli.main\n"
        "from auditor.history import HistoryStore\n"
        f"HistoryStore({str(tmp_path / 'h.sqlite3')!r}).scan_ids()\n"
        "print('psycopg' in sys.modules)\n"
        f"HistoryStore({url!r}).scan_ids()\n"
        "print('psycopg' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["False", "True"]


def test_once_made_a_writer_needs_select_insert_update_and_a_reader_select(postgresql_server):
    """The grants docs/history.md names: the owner makes the tables once; others are granted rights."""
    url = postgresql_server.new_database()
    database = url.rsplit("/", 1)[1]
    HistoryStore(url).save(RESULT, [])
    roles = {"writer": "SELECT, INSERT, UPDATE", "reader": "SELECT"}
    for role, rights in roles.items():
        postgresql_server.admin(f"CREATE ROLE {role}_{database} LOGIN PASSWORD '{role}-pw'")
        raw.execute(url, f"GRANT {rights} ON ALL TABLES IN SCHEMA public TO {role}_{database}")
    writer = postgresql_server.url(database, user=f"writer_{database}", password="writer-pw")
    reader = postgresql_server.url(database, user=f"reader_{database}", password="reader-pw")
    assert HistoryStore(writer).save(RESULT, []) == 2
    assert HistoryStore(reader, create=False).scan_ids() == [1, 2]
    with pytest.raises(HistoryError, match="not allowed") as caught:
        HistoryStore(reader).save(RESULT, [])
    assert "reader-pw" not in str(caught.value)
    assert HistoryStore(url).scan_ids() == [1, 2]


def test_a_server_that_goes_away_mid_operation_is_said_so(postgresql_server):
    url = postgresql_server.new_database()
    database = url.rsplit("/", 1)[1]
    store = HistoryStore(url)
    lost = pytest.raises(HistoryError, match="connection to the history database was lost")
    with lost as caught, store.connect() as db:
        postgresql_server.admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        db.execute("SELECT 1")
    assert str(caught.value).startswith(f"{store.where}: ") and PASSWORD not in str(caught.value)
    assert store.scan_ids() == []  # the next operation connects again


def test_a_writer_that_waits_past_the_lock_timeout_fails_saying_the_history_is_busy(
    postgresql_server, monkeypatch
):
    import psycopg

    from auditor.history import postgresql

    url = postgresql_server.new_database()
    store = HistoryStore(url)
    monkeypatch.setattr(postgresql, "LOCK_TIMEOUT_SECONDS", 0.5)
    with psycopg.connect(url) as other:  # another writer, holding the lock in an open transaction
        other.execute("LOCK TABLE scans IN EXCLUSIVE MODE")
        with pytest.raises(HistoryError, match="the history is busy") as caught:
            store.save(RESULT, [])
        other.rollback()
    assert PASSWORD not in str(caught.value)
    assert store.scan_ids() == []
    assert store.save(RESULT, []) >= 1  # free again: the next save lands
