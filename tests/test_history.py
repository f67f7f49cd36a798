import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from auditor.history import (
    HOME_ENV,
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    ScanNotFound,
    default_history_path,
)
from auditor.model import Finding, Severity, Status, finding_id
from auditor.scan_result import ScanResult, ScanScope

ACCOUNT = "111122223333"


@pytest.fixture(autouse=True)
def _history_home(tmp_path, monkeypatch):
    """Never touch the real user data directory."""
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))


def make_finding(resource_id: str, status: Status, check_id: str = "aws.vpc.flow_logs_enabled") -> Finding:
    return Finding(
        id=finding_id("aws", ACCOUNT, "us-east-1", check_id, resource_id),
        check_id=check_id,
        provider="aws",
        service=check_id.split(".")[1],
        severity=Severity.MEDIUM,
        status=status,
        account=ACCOUNT,
        region="us-east-1",
        resource_id=resource_id,
        resource_name="[bold]name[/bold]",
        message=f"{resource_id} is {status.value}",
    )


def make_result(findings: list[Finding], day: int = 1, source: str = "snapshot") -> ScanResult:
    started = datetime(2026, 11, day, 9, 30, tzinfo=UTC)
    return ScanResult(
        tool_version="0.1.0",
        started_at=started,
        finished_at=started + timedelta(seconds=42),
        source=source,
        scopes=[ScanScope(provider="aws", account=ACCOUNT, regions=["eu-west-1", "us-east-1"])],
        inventory_hash="sha256:abc",
        api_calls=12,
        findings=findings,
    )


class Figures(BaseModel):
    control_ratio: float
    weighted_score: float
    coverage: float


class ControlScore(BaseModel):
    control_id: str
    status: Status


class Score(BaseModel):
    """Shaped like auditor.scoring.BenchmarkScore: benchmark_id, figures, per-control results."""

    benchmark_id: str
    figures: Figures
    controls: list[ControlScore] = []


RESULT = make_result(
    [
        make_finding("vpc-1", Status.FAIL),
        make_finding("vpc-2", Status.PASS),
        make_finding("vpc-3", Status.ERROR),
        make_finding("vpc-4", Status.PASS),
    ]
)


def test_save_list_load_round_trip(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
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
    assert oldest.accounts == [f"aws:{ACCOUNT}"]
    assert oldest.counts == {
        "PASS": 2,
        "FAIL": 1,
        "ERROR": 1,
        "NOT_APPLICABLE": 0,
        "MANUAL": 0,
        "MUTED": 0,
    }
    scores = {row.benchmark_id: row for row in oldest.scores}
    assert scores["cis-aws-7.0"].control_ratio == 0.5
    assert scores["cis-aws-7.0"].weighted_score == 0.42
    assert scores["cis-aws-7.0"].coverage == 0.8
    assert scores["module4-baseline"].weighted_score is None
    assert scores["module4-baseline"].control_ratio == 1.0

    assert store.load(first) == RESULT
    assert store.control_statuses(first) == {("cis-aws-7.0", "3.7"): "FAIL", ("cis-aws-7.0", "6.3"): "PASS"}
    assert store.control_statuses(second) == {}
    assert [s.id for s in store.list_scans(1)] == [2]
    assert store.summary(1) == oldest
    assert store.scan_ids() == [1, 2]


def test_scores_may_be_any_object_with_the_attributes_and_controls_may_be_given_explicitly(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
    score = SimpleNamespace(
        benchmark_id="cis-aws-7.0",
        figures=SimpleNamespace(control_ratio=0.1, weighted_score=0.2, coverage=0.3),
    )
    scan_id = store.save(RESULT, [score], controls={("cis-aws-7.0", "6.3"): Status.MANUAL})
    assert store.summary(scan_id).scores[0].coverage == 0.3
    assert store.control_statuses(scan_id) == {("cis-aws-7.0", "6.3"): "MANUAL"}


def test_a_score_without_benchmark_id_is_refused(tmp_path):
    with pytest.raises(TypeError, match="benchmark_id"):
        HistoryStore(tmp_path / "h.sqlite3").save(RESULT, [{"control_ratio": 1}])


def test_wal_mode_foreign_keys_and_the_schema_version(tmp_path):
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    store.save(RESULT, [])
    assert store.journal_mode() == "wal"
    assert store.schema_version() == SCHEMA_VERSION
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = db.execute("SELECT version FROM schema_version").fetchall()
        assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    finally:
        db.close()
    with store._connect() as connection:
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("INSERT INTO status_counts VALUES (999, 'PASS', 1)")


def test_reopening_keeps_the_scans_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).save(RESULT, [])
    again = HistoryStore(path)
    assert [s.id for s in again.list_scans()] == [1]
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT count(*) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        db.close()


def test_a_missing_scan_id_raises_naming_id_and_path(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
    for read in (store.load, store.control_statuses, store.summary):
        with pytest.raises(ScanNotFound, match=r"h\.sqlite3: no scan with id 7"):
            read(7)


def test_the_default_path_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "elsewhere"))
    assert default_history_path() == tmp_path / "elsewhere" / "history.sqlite3"
    store = HistoryStore()
    store.save(RESULT, [])
    assert (tmp_path / "elsewhere" / "history.sqlite3").is_file()


def test_without_the_variable_the_platform_data_directory_is_used(monkeypatch):
    monkeypatch.delenv(HOME_ENV)
    path = default_history_path()
    assert path.name == "history.sqlite3" and path.parent.name == "posture-auditor"


def test_create_false_refuses_a_missing_database(tmp_path):
    with pytest.raises(HistoryError, match="no history database"):
        HistoryStore(tmp_path / "none.sqlite3", create=False)
    assert not (tmp_path / "none.sqlite3").exists()


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


def test_another_programs_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="not a posture-auditor history"):
        HistoryStore(path)
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "history.sqlite3"
    HistoryStore(path)
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    db.commit()
    db.close()
    with pytest.raises(HistoryError, match="newer posture-auditor"):
        HistoryStore(path)


def test_a_directory_in_place_of_the_file_is_refused(tmp_path):
    (tmp_path / "history.sqlite3").mkdir()
    with pytest.raises(HistoryError, match="is a directory"):
        HistoryStore(tmp_path / "history.sqlite3")


# ----------------------------------------------------------------------------------------- concurrency


@pytest.mark.parametrize("shared_store", [True, False], ids=["one-store", "store-per-thread"])
def test_two_threads_saving_concurrently_do_not_corrupt_it(tmp_path, shared_store):
    path = tmp_path / "history.sqlite3"
    shared = HistoryStore(path) if shared_store else None
    saves_per_thread = 15
    ids: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)
    lock = threading.Lock()

    def writer(tag: str) -> None:
        try:
            start.wait()
            store = shared or HistoryStore(path)
            for n in range(saves_per_thread):
                result = make_result([make_finding(f"{tag}-{n}-{i}", Status.FAIL) for i in range(20)])
                scan_id = store.save(result, [{"benchmark_id": tag, "control_ratio": n / 100}])
                with lock:
                    ids.append(scan_id)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(tag,)) for tag in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(ids) == list(range(1, 2 * saves_per_thread + 1))
    store = HistoryStore(path)
    assert len(store.list_scans(None)) == 2 * saves_per_thread
    for scan_id in store.scan_ids():
        loaded = store.load(scan_id)
        tag = loaded.findings[0].resource_id.split("-")[0]
        assert store.summary(scan_id).scores[0].benchmark_id == tag
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
