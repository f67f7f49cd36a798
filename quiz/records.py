"""Training records: quiz attempts, their answers and each operator's spaced-repetition state.

The tables live in the scan history (``auditor.history``: the same SQLite file or PostgreSQL database,
chosen by ``--history-url`` / ``POSTURE_AUDITOR_HISTORY_URL``, else ``POSTURE_AUDITOR_HOME``). They are
part of the history's versioned schema (``auditor.history.schema``, migrations 2 and 3); opening an
``AttemptStore`` opens a ``HistoryStore`` on the same location, which validates it (a garbage or
foreign store raises ``HistoryError`` and is left untouched) and migrates it:

- ``quiz_attempts``: id, operator, started_at, finished_at, bank_id, seed, score, passed, pass_mark,
  per_section (JSON {section: score}), mode ('quiz' or 'practice');
- ``quiz_answers``: attempt_id, question_id, section, score, correct, given (JSON), expected (JSON),
  position (the answer's place in the attempt);
- ``quiz_reviews``: operator, question_id, state (the ``ReviewState`` JSON), due.

``training_record_csv(attempts)`` is the CSV of the training record; every cell starting with
``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe (no formula injection through an operator name).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from auditor.history import HistoryLocation, HistoryStore

if TYPE_CHECKING:
    from quiz.engine import QuizResult
    from quiz.scheduling import ReviewState

Mode = Literal["quiz", "practice"]

FORMULA_PREFIXES = ("=", "+", "-", "@")
CSV_HEADER = ("operator", "date", "bank", "score %", "passed", "sections covered", "per-section scores")


class AnswerRecord(BaseModel):
    """One graded answer of an attempt, as stored (``given``/``expected`` as JSON-able values)."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    section: str
    score: float
    correct: bool
    given: Any = None
    expected: Any = None


class AttemptSummary(BaseModel):
    """One stored attempt; ``answers`` is filled by ``AttemptStore.attempt(id)`` only."""

    model_config = ConfigDict(frozen=True)

    id: int
    operator: str
    started_at: datetime
    finished_at: datetime
    bank_id: str
    seed: int | None
    score: float
    passed: bool
    pass_mark: float
    per_section: dict[str, float]
    mode: Mode
    answers: list[AnswerRecord] = []


def to_jsonable(value: Any) -> Any:
    """An engine answer as JSON: sets become sorted lists, tuples lists, dict keys strings."""
    if isinstance(value, frozenset | set):
        return sorted(to_jsonable(item) for item in value)
    if isinstance(value, tuple | list):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class AttemptStore:
    """Quiz attempts and review states in the history at ``location`` (as ``HistoryStore`` takes it)."""

    def __init__(self, location: HistoryLocation | str | os.PathLike[str] | None = None) -> None:
        self._history = HistoryStore(location)  # validates the store, migrates it (quiz tables included)
        self.location = self._history.location
        self.where = self._history.where
        self.path: Path | None = self._history.path

    # ------------------------------------------------------------------------------------ attempts

    def save_attempt(
        self,
        operator: str,
        result: QuizResult,
        started_at: datetime,
        finished_at: datetime,
        mode: Mode = "quiz",
    ) -> int:
        """Store an attempt and its graded answers; return the attempt id."""
        if mode not in ("quiz", "practice"):
            raise ValueError(f"mode must be 'quiz' or 'practice', not {mode!r}")
        quiz = result.quiz
        with self._history.connect() as db, db.writing("quiz_attempts"):
            attempt_id = db.insert(
                "INSERT INTO quiz_attempts (operator, started_at, finished_at, bank_id, seed, score, passed,"
                " pass_mark, per_section, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    operator,
                    started_at.isoformat(),
                    finished_at.isoformat(),
                    quiz.bank_id,
                    quiz.seed,
                    float(result.score),
                    int(bool(result.passed)),
                    float(quiz.pass_mark),
                    json.dumps({str(k): float(v) for k, v in result.per_section.items()}),
                    mode,
                ),
            )
            answers = {graded.question_id: graded for graded in result.graded}  # one row per question
            db.executemany(
                "INSERT INTO quiz_answers (attempt_id, question_id, section, score, correct, given, expected,"
                " position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        attempt_id,
                        graded.question_id,
                        graded.section,
                        float(graded.score),
                        int(bool(graded.correct)),
                        json.dumps(to_jsonable(graded.given)),
                        json.dumps(to_jsonable(graded.expected)),
                        position,
                    )
                    for position, graded in enumerate(answers.values(), start=1)
                ],
            )
        return attempt_id

    def attempts(self, operator: str | None = None, limit: int | None = 50) -> list[AttemptSummary]:
        """The newest attempts first (of ``operator``, or everyone's), at most ``limit``."""
        query = f"SELECT {_COLUMNS} FROM quiz_attempts"
        params: list[Any] = []
        if operator is not None:
            query += " WHERE operator = ?"
            params.append(operator)
        query += " ORDER BY id DESC"
        if limit is not None:
            query += " LIMIT ?"
            params.append(max(limit, 0))
        with self._history.connect() as db, db.reading():
            return [_summary(row) for row in db.execute(query, params).fetchall()]

    def attempt(self, attempt_id: int) -> AttemptSummary | None:
        """One attempt with its answers; None when there is no such id."""
        with self._history.connect() as db, db.reading():
            row = db.execute(f"SELECT {_COLUMNS} FROM quiz_attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                return None
            answers = [
                AnswerRecord(
                    question_id=qid,
                    section=section,
                    score=score,
                    correct=bool(correct),
                    given=json.loads(given),
                    expected=json.loads(expected),
                )
                for qid, section, score, correct, given, expected in db.execute(
                    "SELECT question_id, section, score, correct, given, expected FROM quiz_answers"
                    " WHERE attempt_id = ? ORDER BY position, question_id",
                    (attempt_id,),
                ).fetchall()
            ]
        return _summary(row).model_copy(update={"answers": answers})

    # ------------------------------------------------------------------------------------ reviews

    def review_states(self, operator: str) -> list[ReviewState]:
        """The operator's spaced-repetition states, soonest due first."""
        from quiz.scheduling import ReviewState

        with self._history.connect() as db, db.reading():
            rows = db.execute(
                "SELECT state FROM quiz_reviews WHERE operator = ? ORDER BY due, question_id", (operator,)
            ).fetchall()
        return [ReviewState.model_validate_json(row[0]) for row in rows]

    def save_review_states(self, operator: str, states: Iterable[ReviewState]) -> None:
        """Insert or replace the given states (others of the operator are kept)."""
        latest = {state.question_id: state for state in states}
        rows = [(operator, s.question_id, s.model_dump_json(), s.due.isoformat()) for s in latest.values()]
        with self._history.connect() as db, db.writing("quiz_reviews"):
            db.executemany(
                "INSERT INTO quiz_reviews (operator, question_id, state, due) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (operator, question_id)"
                " DO UPDATE SET state = excluded.state, due = excluded.due",
                rows,
            )


_COLUMNS = "id, operator, started_at, finished_at, bank_id, seed, score, passed, pass_mark, per_section, mode"


def _summary(row: Sequence[Any]) -> AttemptSummary:
    return AttemptSummary(
        id=row[0],
        operator=row[1],
        started_at=row[2],
        finished_at=row[3],
        bank_id=row[4],
        seed=row[5],
        score=row[6],
        passed=bool(row[7]),
        pass_mark=row[8],
        per_section=json.loads(row[9]),
        mode=row[10],
    )


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def neutralise(cell: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def training_record_csv(attempts: Iterable[AttemptSummary]) -> str:
    """The training record: one row per attempt (operator, date, bank, score %, passed, sections)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for attempt in attempts:
        sections = sorted(attempt.per_section)
        row = (
            attempt.operator,
            attempt.finished_at.date().isoformat(),
            attempt.bank_id,
            f"{attempt.score * 100:.0f}",
            "yes" if attempt.passed else "no",
            "; ".join(sections),
            "; ".join(f"{name} {percent(attempt.per_section[name])}" for name in sections),
        )
        writer.writerow([neutralise(str(cell)) for cell in row])
    return out.getvalue()
