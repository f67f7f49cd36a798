"""What only a SQLite history has: a file (where it lives by default, WAL, a file that is damaged or is
another program's) that is refused naming its path and never recreated, rewritten or deleted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.history import HOME_ENV, HistoryError, HistoryStore, default_history_path
from auditor.model import Status
from tests.history.builders import RESULT, make_finding, make_result


@pytest.fixture(autouse=True)
def _history_home(tmp_path, monkeypatch):
    """Never touch the real user data directory."""
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))


def test_wal_journal_and_foreign_keys(tmp_path):
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    store.save(RESULT, [])
    assert store.journal_mode() == "wal"
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()
    with store.connect() as connection:
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_the_default_path_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "elsewhere"))
    assert default_history_path() == tmp_path / "elsewhere" / "history.sqlite3"
    store = HistoryStore()
    store.save(RESULT, [])
    assert store.path == tmp_path / "elsewhere" / "history.sqlite3" and store.path.is_file()
    assert store.where == str(store.path)


def test_without_the_variable_the_platform_data_directory_is_used(monkeypatch):
    monkeypatch.delenv(HOME_ENV)
    path = default_history_path()
    assert path.name == "history.sqlite3" and path.parent.name == "posture-auditor"


def test_an_empty_file_is_initialised(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.touch()
    assert HistoryStore(path, create=False).scan_ids() == []


# ------------------------------------------------------------------------------------------ corruption


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def test_a_garbage_file_raises_naming_the_path_and_is_left_untouched(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"\x00\xffnot a database at all\x13\x37" * 400)
    before = _files(tmp_path)
    with pytest.raises(HistoryError, match=rf"{path}: not a SQLite database") as caught:
        HistoryStore(path)
    assert "left untouched" in str(caught.value)
    assert _files(tmp_path) == before  # same bytes, no -wal/-shm, nothing recreated


def _saved_database(path: Path, scans: int = 12) -> bytes:
    store = HistoryStore(path)
    findings = [make_finding(f"vpc-{i}", Status.FAIL) for i in range(60)]
    for _ in range(scans):
        store.save(make_result(findings), [])
    return path.read_bytes()


def test_a_truncated_database_raises_and_is_left_untouched(tmp_path):
    path = tmp_path / "history.sqlite3"
    data = _saved_database(path)
    path.write_bytes(data[: len(data) // 2])
    before = _files(tmp_path)
    with pytest.raises(HistoryError, match=rf"{path}: truncated"):
        HistoryStore(path)
    assert _files(tmp_path) == before


def test_a_database_truncated_inside_the_header_is_not_a_database(tmp_path):
    path = tmp_path / "history.sqlite3"
    data = _saved_database(path, scans=1)
    path.write_bytes(data[:60])
    with pytest.raises(HistoryError, match="not a SQLite database"):
        HistoryStore(path)
    assert path.read_bytes() == data[:60]


def test_damaged_pages_after_a_valid_header_raise_history_error(tmp_path):
    path = tmp_path / "history.sqlite3"
    data = _saved_database(path)
    damaged = data[:4096] + bytes((i * 7919) % 251 for i in range(len(data) - 4096))
    path.write_bytes(damaged)
    with pytest.raises(HistoryError, match=rf"{path}: the history database is corrupted"):
        store = HistoryStore(path)
        for scan_id in store.scan_ids():
            store.load(scan_id)
    assert path.read_bytes() == damaged


def test_a_directory_in_place_of_the_file_is_refused(tmp_path):
    (tmp_path / "history.sqlite3").mkdir()
    with pytest.raises(HistoryError, match="is a directory"):
        HistoryStore(tmp_path / "history.sqlite3")


def test_integrity_after_concurrent_writers(tmp_path):
    """The file is whole after the two-writer tests' kind of load (tests/history/test_store.py)."""
    import threading

    path = tmp_path / "history.sqlite3"
    HistoryStore(path)

    def writer() -> None:
        store = HistoryStore(path)
        for n in range(8):
            store.save(make_result([make_finding(f"vpc-{n}-{i}", Status.FAIL) for i in range(30)]), [])

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM scans").fetchone()[0] == 16
    finally:
        db.close()
