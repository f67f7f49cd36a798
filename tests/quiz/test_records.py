import csv
import io
import sqlite3
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from auditor.history import HistoryError, HistoryStore
from quiz.records import CSV_HEADER, AttemptStore, training_record_csv

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def fake_result(score=0.9, passed=True, bank_id="module4", seed=7):
    graded = [
        SimpleNamespace(
            question_id="q-one",
            section="flow-logs",
            score=1.0,
            correct=True,
            expected=frozenset({0, 2}),
            given=frozenset({2, 0}),
            explanation="x",
        ),
        SimpleNamespace(
            question_id="q-two",
            section="guardduty",
            score=0.0,
            correct=False,
            expected={0: 1, 1: 0},
            given=None,
            explanation="y",
        ),
    ]
    quiz = SimpleNamespace(bank_id=bank_id, seed=seed, items=(), pass_mark=0.8)
    return SimpleNamespace(
        quiz=quiz, graded=graded, score=score, passed=passed, per_section={"flow-logs": 1.0, "guardduty": 0.0}
    )


def test_save_and_list_round_trip(history_url):
    store = AttemptStore(history_url)
    first = store.save_attempt("alice", fake_result(), START, START + timedelta(minutes=5), "quiz")
    second = store.save_attempt("bob", fake_result(0.5, False), START, START, "practice")
    assert second > first
    listed = store.attempts()
    assert [a.id for a in listed] == [second, first]
    assert [a.operator for a in store.attempts("alice")] == ["alice"]
    alice = store.attempts("alice")[0]
    assert alice.passed and alice.score == 0.9 and alice.seed == 7 and alice.mode == "quiz"
    assert alice.per_section == {"flow-logs": 1.0, "guardduty": 0.0}
    assert alice.finished_at == START + timedelta(minutes=5)
    detail = store.attempt(first)
    assert detail is not None
    assert [a.question_id for a in detail.answers] == ["q-one", "q-two"]
    assert detail.answers[0].given == [0, 2] and detail.answers[1].expected == {"0": 1, "1": 0}
    assert detail.answers[1].given is None and not detail.answers[1].correct
    assert store.attempt(9999) is None
    assert store.attempts(limit=1)[0].id == second


def test_history_store_still_opens_the_database(tmp_path):
    path = tmp_path / "history.sqlite3"
    AttemptStore(path).save_attempt("alice", fake_result(), START, START, "quiz")
    history = HistoryStore(path, create=False)
    assert history.list_scans() == []
    assert history.journal_mode().lower() == "wal"
    # and the other way round: an existing history gets the quiz tables added
    other = tmp_path / "other.sqlite3"
    HistoryStore(other)
    AttemptStore(other).save_attempt("alice", fake_result(), START, START, "quiz")
    HistoryStore(other, create=False)
    tables = {r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")}
    assert {"quiz_attempts", "quiz_answers", "quiz_reviews", "schema_version", "scans"} <= tables


def test_refuses_a_foreign_file(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"not a database at all" * 10)
    with pytest.raises(HistoryError):
        AttemptStore(path)
    assert path.read_bytes().startswith(b"not a database")


def test_default_path_uses_home(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))
    store = AttemptStore()
    assert store.path == tmp_path / "home" / "history.sqlite3"
    assert store.attempts() == []


def test_rejects_unknown_mode(history_url):
    store = AttemptStore(history_url)
    with pytest.raises(ValueError):
        store.save_attempt("a", fake_result(), START, START, "exam")
    assert store.attempts() == []


def test_a_seed_beyond_32_bits_and_the_answer_order_are_kept(history_url):
    """Seeds are drawn below 2**32 (quiz.engine): more than a 32-bit column holds."""
    store = AttemptStore(history_url)
    result = fake_result(seed=2**32 - 1)
    result.graded.reverse()  # q-two answered first
    attempt_id = store.save_attempt("alice", result, START, START, "quiz")
    detail = store.attempt(attempt_id)
    assert detail is not None and detail.seed == 2**32 - 1
    assert [a.question_id for a in detail.answers] == ["q-two", "q-one"]


def test_review_states_are_replaced_not_duplicated(history_url):
    scheduling = pytest.importorskip("quiz.scheduling")
    store = AttemptStore(history_url)
    first = scheduling.review(None, "q-one", False, START)
    store.save_review_states("alice", [first])
    later = scheduling.review(first, "q-one", True, START + timedelta(days=2))
    store.save_review_states("alice", [later])
    (loaded,) = store.review_states("alice")
    assert loaded.due == later.due and loaded.due != first.due


def test_csv_escapes_formulas(history_url):
    store = AttemptStore(history_url)
    for name in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain, name"):
        store.save_attempt(name, fake_result(), START, START, "quiz")
    text = training_record_csv(reversed(store.attempts()))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(CSV_HEADER)
    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "plain, name",
    ]
    assert rows[1][1:] == [
        "2026-11-02",
        "module4",
        "90",
        "yes",
        "flow-logs; guardduty",
        "flow-logs 100%; guardduty 0%",
    ]


def test_review_states_round_trip(history_url):
    scheduling = pytest.importorskip("quiz.scheduling")
    store = AttemptStore(history_url)
    state = scheduling.review(None, "q-one", False, START)
    store.save_review_states("alice", [state])
    assert store.review_states("bob") == []
    (loaded,) = store.review_states("alice")
    assert loaded.question_id == "q-one" and loaded.due == state.due
    store.save_review_states("alice", [scheduling.review(loaded, "q-one", True, START)])
    assert len(store.review_states("alice")) == 1
