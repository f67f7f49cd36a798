"""The history store, the same tests on both engines: a SQLite file and a real PostgreSQL database
(``history_url`` is parametrised; the server is ``tests/postgresql_server.py``)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from auditor.history import (
    HISTORY_URL_ENV,
    SCHEMA_VERSION,
    HistoryError,
    HistoryMissing,
    HistoryStore,
    ScanNotFound,
    history_location,
)
from auditor.history.connection import backend_for
from auditor.history.schema import TABLES, migrate
from auditor.history.store import insert_scan, scan_rows
from auditor.model import Status
from quiz.records import AttemptStore
from tests.history import raw
from tests.history.builders import (
    RESULT,
    ControlScore,
    Figures,
    Score,
    make_finding,
    make_result,
    tagged_result,
)
from tests.postgresql_server import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
V1_DUMP = Path(__file__).parent / "data" / "history-v1.sql"


def test_save_list_load_round_trip(history_url):
    store = HistoryStore(history_url)
    score = Score(
        benchmark_id="cis-aws-7.0",
        figures=Figures(control_ratio=0.5, weighted_score=0.42, coverage=0.8),
        controls=[
            ControlScore(control_id="3.7", status=Status.FAIL),
            ControlScore(control_id="6.3", status="PASS"),
        ],
    )
    flat = {"benchmark_id": "module4-baseline", "control_ratio": 1, "weighted_score": None, "coverage": 0.25}
    first = store.save(RESULT, [score, flat])
    second = store.save(make_result([make_finding("vpc-1", Status.PASS)], day=2, source="live"), [])
    assert (first, second) == (1, 2)

    newest, oldest = store.list_scans(10)
    assert newest.id == 2 and newest.source == "live" and newest.scores == []
    assert oldest.id == 1
    assert oldest.started_at == RESULT.started_at
    assert oldest.finished_at == RESULT.finished_at
    assert oldest.accounts == ["aws:111122223333"]
    assert oldest.counts == {"PASS": 2, "FAIL": 1, "ERROR": 1, "NOT_APPLICABLE": 0, "MANUAL": 0, "MUTED": 0}
    scores = {row.benchmark_id: row for row in oldest.scores}
    assert scores["cis-aws-7.0"].control_ratio == 0.5
    assert scores["cis-aws-7.0"].weighted_score == 0.42  # a double on both engines, not a 32-bit REAL
    assert scores["cis-aws-7.0"].coverage == 0.8
    assert scores["module4-baseline"].weighted_score is None
    assert scores["module4-baseline"].control_ratio == 1.0

    assert store.load(first) == RESULT
    assert store.control_statuses(first) == {("cis-aws-7.0", "3.7"): "FAIL", ("cis-aws-7.0", "6.3"): "PASS"}
    assert store.control_statuses(second) == {}
    assert [s.id for s in store.list_scans(1)] == [2]
    assert len(store.list_scans(None)) == 2
    assert store.summary(1) == oldest
    assert store.scan_ids() == [1, 2]


def test_scores_may_be_any_object_with_the_attributes_and_controls_may_be_given_explicitly(history_url):
    store = HistoryStore(history_url)
    score = SimpleNamespace(
        benchmark_id="cis-aws-7.0",
        figures=SimpleNamespace(control_ratio=0.1, weighted_score=0.2, coverage=0.3),
    )
    scan_id = store.save(RESULT, [score], controls={("cis-aws-7.0", "6.3"): Status.MANUAL})
    assert store.summary(scan_id).scores[0].coverage == 0.3
    assert store.control_statuses(scan_id) == {("cis-aws-7.0", "6.3"): "MANUAL"}


def test_a_score_without_benchmark_id_is_refused_and_nothing_is_saved(history_url):
    store = HistoryStore(history_url)
    with pytest.raises(TypeError, match="benchmark_id"):
        store.save(RESULT, [{"control_ratio": 1}])
    assert store.scan_ids() == []


def test_the_schema_is_versioned_and_rows_of_a_scan_need_the_scan(history_url):
    store = HistoryStore(history_url)
    store.save(RESULT, [])
    assert store.schema_version() == SCHEMA_VERSION
    assert raw.execute(history_url, "SELECT version FROM schema_version ORDER BY version") == [
        (version,) for version in range(1, SCHEMA_VERSION + 1)
    ]
    assert raw.tables(history_url) == set(TABLES)
    with (
        pytest.raises(HistoryError, match="history database error"),
        store.connect() as db,
        db.writing("scans"),
    ):
        db.execute("INSERT INTO status_counts (scan_id, status, count) VALUES (999, 'PASS', 1)")
    assert raw.execute(history_url, "SELECT count(*) FROM status_counts WHERE scan_id = 999") == [(0,)]


def test_reopening_keeps_the_scans_and_does_not_migrate_again(history_url):
    HistoryStore(history_url).save(RESULT, [])
    again = HistoryStore(history_url)
    assert [s.id for s in again.list_scans()] == [1]
    assert raw.execute(history_url, "SELECT count(*) FROM schema_version") == [(SCHEMA_VERSION,)]


def test_a_missing_scan_id_raises_naming_the_id_and_the_store(history_url):
    store = HistoryStore(history_url)
    for read in (store.load, store.control_statuses, store.summary):
        with pytest.raises(ScanNotFound, match=r"no scan with id 7") as caught:
            read(7)
        assert str(caught.value).startswith(f"{store.where}: ")


def test_create_false_refuses_a_store_that_does_not_exist_and_creates_nothing(history_url):
    with pytest.raises(HistoryMissing, match="no scan has been saved"):
        HistoryStore(history_url, create=False)
    if raw.is_postgresql(history_url):
        assert raw.tables(history_url) == set()
    else:
        assert not Path(history_url).exists()


def test_the_environment_variable_selects_the_store(history_url, monkeypatch):
    monkeypatch.setenv(HISTORY_URL_ENV, history_url)
    store = HistoryStore()
    store.save(RESULT, [])
    assert store.backend == ("postgresql" if raw.is_postgresql(history_url) else "sqlite")
    assert HistoryStore(history_url, create=False).scan_ids() == [1]
    assert PASSWORD not in store.where


# --------------------------------------------------------------------------- not ours, newer, older


def test_another_programs_database_is_refused_and_left_untouched(history_url):
    raw.execute(history_url, "CREATE TABLE notes (body TEXT)")
    raw.execute(history_url, "INSERT INTO notes (body) VALUES ('keep me')")
    with pytest.raises(HistoryError, match="not a posture-auditor history") as caught:
        HistoryStore(history_url)
    assert str(caught.value).startswith(f"{history_location(history_url)}: ")
    assert raw.tables(history_url) == {"notes"}
    assert raw.execute(history_url, "SELECT body FROM notes") == [("keep me",)]


def test_a_schema_version_table_without_our_tables_is_not_ours(history_url):
    raw.execute(
        history_url, "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
    )
    raw.execute(history_url, "INSERT INTO schema_version VALUES (1, 'someone else')")
    with pytest.raises(HistoryError, match=r"not a posture-auditor history.*scans tables are missing"):
        HistoryStore(history_url)
    assert raw.tables(history_url) == {"schema_version"}


def test_a_newer_store_is_refused_naming_both_versions_and_the_store(history_url):
    HistoryStore(history_url).save(RESULT, [])
    raw.execute(history_url, "INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    with pytest.raises(HistoryError) as caught:
        HistoryStore(history_url)
    message = str(caught.value)
    assert f"history schema {SCHEMA_VERSION + 1}" in message
    assert f"reads up to {SCHEMA_VERSION}" in message and "newer posture-auditor" in message
    assert message.startswith(f"{history_location(history_url)}: ")
    assert PASSWORD not in message
    assert raw.execute(history_url, "SELECT count(*) FROM scans") == [(1,)]  # left as it was


def _v1_store(url: str) -> None:
    """A history at schema 1, as the released version left it: on SQLite the dump of a file it wrote
    (two scans, and a quiz attempt in the quiz tables it made unversioned); on PostgreSQL (which it never
    had) migration 1 alone with the same two scans."""
    if not raw.is_postgresql(url):
        import sqlite3

        db = sqlite3.connect(url)
        db.executescript(V1_DUMP.read_text())
        db.close()
        return
    backend = backend_for(history_location(url))
    with backend.connect() as db:
        with db.migrating():  # type: ignore[attr-defined]  # PostgresConnection
            migrate(db, lambda: backend.tables(db), backend.where, target=1)
        for day, status in ((1, Status.FAIL), (2, Status.PASS)):
            result = make_result([make_finding("vpc-1", status), make_finding("vpc-2", Status.PASS)], day=day)
            score = {"benchmark_id": "cis-aws-7.0", "control_ratio": 0.5 * day, "controls": {"3.7": status}}
            with db.writing("scans"):
                insert_scan(db, scan_rows(result, [score]))


def test_an_older_store_is_migrated_in_place_keeping_its_scans(history_url):
    _v1_store(history_url)
    assert raw.execute(history_url, "SELECT version FROM schema_version") == [(1,)]
    store = HistoryStore(history_url)
    assert store.schema_version() == SCHEMA_VERSION
    assert [
        row[0] for row in raw.execute(history_url, "SELECT version FROM schema_version ORDER BY 1")
    ] == list(range(1, SCHEMA_VERSION + 1))
    assert store.scan_ids() == [1, 2]
    first = store.load(1)
    assert [f.status for f in first.findings if f.resource_id == "vpc-1"] == [Status.FAIL]
    assert store.control_statuses(1) == {("cis-aws-7.0", "3.7"): "FAIL"}
    assert store.summary(2).scores[0].control_ratio == 1.0
    assert store.save(RESULT, []) == 3  # the id sequence goes on after the old scans

    attempts = AttemptStore(history_url)
    if not raw.is_postgresql(history_url):  # the attempt the old quiz code wrote is kept, answers in order
        (old,) = attempts.attempts()
        assert old.operator == "alice" and old.seed == 4_000_000_000
        detail = attempts.attempt(old.id)
        assert detail is not None and [a.question_id for a in detail.answers] == ["q-zeta", "q-alpha"]
    assert raw.tables(history_url) == set(TABLES)


# ------------------------------------------------------------------------------------ concurrency


@pytest.mark.parametrize("shared_store", [True, False], ids=["one-store", "store-per-thread"])
def test_two_threads_saving_at_once_lose_nothing(history_url, shared_store):
    shared = HistoryStore(history_url) if shared_store else None
    saves_per_thread = 12
    ids: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(tag: str) -> None:
        try:
            start.wait()
            store = shared or HistoryStore(history_url)
            for n in range(saves_per_thread):
                ids[tag].append(
                    store.save(tagged_result(tag, n), [{"benchmark_id": tag, "control_ratio": n / 100}])
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(tag,)) for tag in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _assert_nothing_lost(history_url, ids, saves_per_thread)


def test_two_processes_saving_at_once_lose_nothing(history_url, tmp_path):
    """Two writer processes start on an empty store at the same moment: both migrate it, both save."""
    saves = 10
    go = tmp_path / "go"
    writers = {
        tag: subprocess.Popen(
            [sys.executable, "-m", "tests.history.concurrent_writer", history_url, tag, str(saves), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    }
    go.touch()
    ids: dict[str, list[int]] = {}
    for tag, process in writers.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        ids[tag] = json.loads(out)
    _assert_nothing_lost(history_url, ids, saves)


def _assert_nothing_lost(url: str, ids: dict[str, list[int]], each: int) -> None:
    """Every save landed once, with its own id; each writer's ids rise; ids rise with saved_at; every
    scan reads back whole and is the one its writer saved."""
    every = sorted(ids["a"] + ids["b"])
    assert every == list(range(1, 2 * each + 1))
    for tag_ids in ids.values():
        assert tag_ids == sorted(tag_ids)
    store = HistoryStore(url)
    summaries = store.list_scans(None)
    assert [s.id for s in summaries] == every[::-1]
    saved = [s.saved_at for s in sorted(summaries, key=lambda s: s.id)]
    assert saved == sorted(saved)
    for tag, tag_ids in ids.items():
        for n, scan_id in enumerate(tag_ids):
            loaded = store.load(scan_id)
            assert {f.resource_id.rsplit("-", 1)[0] for f in loaded.findings} == {f"{tag}-{n}"}
            summary = store.summary(scan_id)
            assert summary.counts["FAIL"] == 20 and summary.scores[0].benchmark_id == tag
            assert summary.scores[0].control_ratio == n / 100


def test_a_reader_during_writes_sees_only_whole_scans(history_url):
    store = HistoryStore(history_url)
    done = threading.Event()
    problems: list[str] = []
    seen: set[int] = set()

    def writer(tag: str) -> None:
        for n in range(10):
            store.save(tagged_result(tag, n, findings=40), [{"benchmark_id": tag, "control_ratio": 0.5}])

    def reader() -> None:
        while not done.is_set():
            for summary in store.list_scans(None):
                seen.add(summary.id)
                if sum(summary.counts.values()) != 40 or len(summary.scores) != 1 or not summary.accounts:
                    problems.append(f"scan {summary.id} read half-written: {summary}")
            ids = store.scan_ids()
            if ids != list(range(1, len(ids) + 1)):
                problems.append(f"a gap in the visible ids: {ids}")

    threads = [threading.Thread(target=writer, args=(tag,)) for tag in ("a", "b")]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    watcher.join()
    assert problems == []
    assert seen and seen <= set(range(1, 21))
    assert store.scan_ids() == list(range(1, 21))
