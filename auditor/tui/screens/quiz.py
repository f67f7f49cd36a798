"""The quiz screen: take the module quiz in the app, one question at a time, with immediate feedback.

Answers use the same syntax as ``auditor quiz`` (``auditor.cli.quiz_commands.parse_answer``): one
letter, letters ``a,c``, ``t``/``f``, pairs ``1b 2a``, an order ``c a b``; an empty answer skips. The
finished attempt is stored with ``AttemptStore.save_attempt`` (mode "quiz", or "practice" from the
Practice button) and, as ``auditor quiz`` does, updates the operator's spaced-repetition review states
(``quiz.scheduling.review`` for every drawn question). Practice serves the questions due for review
first (``due_question_ids``); with none due it draws a normal quiz. The attempt-history table lists
the newest attempts of everyone. All text is plain.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Static

from auditor.cli.quiz_commands import LETTERS, format_answer, parse_answer
from auditor.tui.screens.base import AuditorScreen

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from textual.app import ComposeResult

    from auditor.scan_result import ScanResult
    from quiz.engine import Answer, Graded, Quiz, QuizItem, QuizResult
    from quiz.records import AttemptStore

BANK = "module4"
DEFAULT_QUESTIONS = 10
HISTORY_LIMIT = 20


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _multi(question: Any) -> bool:
    return question.type == "multiple" or (question.type == "scenario" and len(question.answers) > 1)


def question_text(number: int, total: int, item: QuizItem) -> str:
    """One question as plain lines: header, prompt, lettered options in display order, the hint."""
    question = item.question
    lines = [f"Question {number}/{total} [{question.section}]", ""]
    if question.type == "scenario":
        lines += [question.situation, ""]
    lines.append(question.prompt)
    if question.type in ("single", "multiple", "scenario"):
        lines += [f"  {LETTERS[p]}) {question.options[i]}" for p, i in enumerate(item.display_order)]
        hint = "letters, comma-separated, e.g. a,c" if _multi(question) else "one letter, e.g. b"
    elif question.type == "true_false":
        hint = "t (true) or f (false)"
    elif question.type == "matching":
        lines += [f"  {n}. {left}" for n, (left, _) in enumerate(question.pairs, start=1)]
        lines += [f"  {LETTERS[p]}) {question.pairs[i][1]}" for p, i in enumerate(item.display_order)]
        hint = "number+letter pairs, e.g. 1b 2a 3c"
    else:
        lines += [f"  {LETTERS[p]}) {question.items[i]}" for p, i in enumerate(item.display_order)]
        hint = "all letters in the right order, e.g. c a b"
    lines += ["", f"Answer ({hint}; empty skips):"]
    return "\n".join(lines)


class QuizScreen(AuditorScreen):
    """Draw a quiz (number of questions, optional seed), answer each question, see the result."""

    AUTO_FOCUS = "#quiz-start"  # not an input: letter keys stay screen switches
    DEFAULT_CSS = """
    QuizScreen #quiz-setup { height: auto; padding: 0 1; }
    QuizScreen #quiz-setup Label { margin: 1 1 0 1; }
    QuizScreen #quiz-count { width: 10; }
    QuizScreen #quiz-seed { width: 16; }
    QuizScreen #quiz-body { height: 1fr; padding: 0 1; }
    QuizScreen #quiz-feedback { margin-bottom: 1; }
    QuizScreen #quiz-answer { margin: 0 1; }
    QuizScreen #quiz-history { height: 8; margin: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.seed: int | None = None  # a fixed seed for the next draw (the Seed input overrides it)
        self.quiz: Quiz | None = None
        self.index = 0
        self.answers: dict[str, Answer | None] = {}
        self.result: QuizResult | None = None
        self.attempt_id: int | None = None
        self._started = datetime.now(UTC)
        self._titles: dict[str, str] = {}
        self.mode = "quiz"  # "practice" when drawn with the Practice button

    def body(self) -> ComposeResult:
        with Horizontal(id="quiz-setup"):
            yield Label("Questions")
            yield Input(str(DEFAULT_QUESTIONS), type="integer", id="quiz-count")
            yield Label("Seed")
            yield Input(placeholder="random", type="integer", id="quiz-seed")
            yield Button("Start quiz", id="quiz-start", variant="primary")
            yield Button("Practice", id="quiz-practice")
        with VerticalScroll(id="quiz-body"):
            yield Static("", id="quiz-feedback", markup=False)
            yield Static("Press Start quiz to draw the questions.", id="quiz-question", markup=False)
        yield Input(placeholder="your answer, then Enter", id="quiz-answer", disabled=True)
        yield DataTable(id="quiz-history", zebra_stripes=True, cursor_type="row")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#quiz-history", DataTable)
        for label in ("Id", "Date", "Operator", "Mode", "Score", "Result"):
            table.add_column(Text(label))
        self.refresh_history()

    def refresh_history(self) -> None:
        """Reload the attempt-history table (everyone's newest attempts)."""
        from auditor.history import HistoryError
        from quiz.records import AttemptStore

        table = self.query_one("#quiz-history", DataTable)
        table.clear()
        try:
            attempts = AttemptStore(self.app.state.history).attempts(limit=HISTORY_LIMIT)  # type: ignore[attr-defined]
        except (HistoryError, OSError) as error:
            self.notify(str(error), title="Quiz history", severity="error", markup=False, timeout=10)
            return
        for attempt in attempts:
            table.add_row(
                Text(f"#{attempt.id}"),
                Text(attempt.finished_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")),
                Text(attempt.operator),
                Text(attempt.mode),
                Text(_pct(attempt.score)),
                Text("PASS" if attempt.passed else "FAIL"),
                key=str(attempt.id),
            )

    # The quiz does not depend on the current scan.
    def show(self, result: ScanResult) -> None:
        pass

    def show_empty(self) -> None:
        pass

    @property
    def current_item(self) -> QuizItem | None:
        if self.quiz is None or self.index >= len(self.quiz.items):
            return None
        return self.quiz.items[self.index]

    def palette_commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        yield from super().palette_commands()
        yield "Start quiz", "A graded module quiz for the operator", self.start_quiz
        yield "Start practice", "Practice the questions due for review", self.start_practice

    @on(Button.Pressed, "#quiz-start")
    def start_quiz(self) -> None:
        self._start(practice=False)

    @on(Button.Pressed, "#quiz-practice")
    def start_practice(self) -> None:
        self._start(practice=True)

    def _due(self, known: set[str]) -> list[str] | None:
        """The operator's question ids due for review (in the bank), or None when unreadable."""
        from auditor.history import HistoryError
        from quiz.records import AttemptStore
        from quiz.scheduling import due_question_ids

        operator = self.app.state.operator  # type: ignore[attr-defined]
        try:
            states = AttemptStore(self.app.state.history).review_states(operator)  # type: ignore[attr-defined]
        except (HistoryError, OSError) as error:
            self.notify(str(error), title="Practice", severity="error", markup=False, timeout=10)
            return None
        return [qid for qid in due_question_ids(states, datetime.now(UTC)) if qid in known]

    def _start(self, *, practice: bool) -> None:
        from quiz.bank import BankError, bundled_bank, load_bank
        from quiz.engine import draw_quiz

        count_text = self.query_one("#quiz-count", Input).value.strip()
        seed_text = self.query_one("#quiz-seed", Input).value.strip()
        try:
            count = int(count_text) if count_text else DEFAULT_QUESTIONS
            seed = int(seed_text) if seed_text else self.seed
        except ValueError:
            self.notify("Questions and seed must be whole numbers.", severity="warning", markup=False)
            return
        if count < 1:
            self.notify("Draw at least one question.", severity="warning", markup=False)
            return
        try:
            bank = load_bank(bundled_bank(BANK))
        except BankError as error:
            self.notify(str(error), title="Quiz", severity="error", markup=False, timeout=10)
            return
        due: list[str] = []
        if practice:
            found = self._due({question.id for question in bank.questions})
            if found is None:
                return
            due = found
            if due:
                count = min(count, len(due))
            else:
                self.notify("Nothing is due for review", title="Practice", markup=False)
        self._titles = {section.id: section.title for section in bank.sections}
        self.quiz = draw_quiz(bank, questions=count, seed=seed, due=due)
        self.mode = "practice" if practice else "quiz"
        self.index = 0
        self.answers = {}
        self.result = None
        self.attempt_id = None
        self._started = datetime.now(UTC)
        heading = f"{bank.title} · {len(self.quiz.items)} questions · seed {self.quiz.seed}"
        if due:
            heading = f"Practice: {len(self.quiz.items)} question(s) due for review · {heading}"
        self.query_one("#quiz-feedback", Static).update(heading)
        answer = self.query_one("#quiz-answer", Input)
        answer.disabled = False
        answer.value = ""
        self._show_question()
        answer.focus()

    def _show_question(self) -> None:
        item = self.current_item
        assert self.quiz is not None and item is not None
        self.query_one("#quiz-question", Static).update(
            question_text(self.index + 1, len(self.quiz.items), item)
        )

    @on(Input.Submitted, "#quiz-answer")
    def submit_answer(self, event: Input.Submitted) -> None:
        from quiz.engine import grade

        item = self.current_item
        if item is None:
            return
        text = event.value.strip()
        feedback = self.query_one("#quiz-feedback", Static)
        answer: Answer | None = None
        if text:
            try:
                answer = parse_answer(item, text)
            except ValueError as error:
                feedback.update(f"Not understood: {error}. Try again (an empty answer skips).")
                return
        event.input.value = ""
        self.answers[item.question.id] = answer
        feedback.update(self._feedback(item, grade(item.question, answer)))
        self.index += 1
        if self.current_item is None:
            self._finish()
        else:
            self._show_question()

    @staticmethod
    def _feedback(item: QuizItem, graded: Graded) -> str:
        if graded.correct:
            verdict = "Right."
        else:
            word = "Partly right" if graded.score > 0 else "Wrong"
            verdict = f"{word} ({_pct(graded.score)}). Expected: {format_answer(item, graded.expected)}"
        return f"{verdict}\n{graded.explanation}"

    def _finish(self) -> None:
        from auditor.history import HistoryError
        from quiz.engine import grade_quiz
        from quiz.records import AttemptStore

        assert self.quiz is not None
        result = grade_quiz(self.quiz, self.answers)
        finished = datetime.now(UTC)
        self.result = result
        self.query_one("#quiz-answer", Input).disabled = True
        operator = self.app.state.operator  # type: ignore[attr-defined]
        try:
            store = AttemptStore(self.app.state.history)  # type: ignore[attr-defined]
            self._update_reviews(store, operator, result)
            self.attempt_id = store.save_attempt(operator, result, self._started, finished, self.mode)
        except (HistoryError, OSError, ValueError) as error:
            self.notify(str(error), title="Quiz not recorded", severity="error", markup=False, timeout=10)
        self.refresh_history()
        self.query_one("#quiz-question", Static).update(self._summary(result))
        self.notify(f"Quiz {'passed' if result.passed else 'failed'}: {_pct(result.score)}", markup=False)

    @staticmethod
    def _update_reviews(store: AttemptStore, operator: str, result: QuizResult) -> None:
        """As ``auditor quiz`` does: one FSRS review per drawn question, right or not."""
        from quiz.scheduling import review

        now = datetime.now(UTC)
        states = {state.question_id: state for state in store.review_states(operator)}
        updated = [review(states.get(g.question_id), g.question_id, g.correct, now) for g in result.graded]
        store.save_review_states(operator, updated)

    def _summary(self, result: QuizResult) -> str:
        verdict = "PASS" if result.passed else "FAIL"
        lines = [f"Score {_pct(result.score)} (pass mark {_pct(result.quiz.pass_mark)}): {verdict}", ""]
        lines += [
            f"  {_pct(score):>5}  {self._titles.get(section, section)}"
            for section, score in result.per_section.items()
        ]
        if self.attempt_id is not None:
            lines += ["", f"Recorded as attempt #{self.attempt_id}."]
        wrong = result.wrong()
        lines += ["", f"Review: {len(wrong)} answer(s) not fully right"]
        by_id = {item.question.id: item for item in result.quiz.items}
        for graded in wrong:
            item = by_id[graded.question_id]
            lines += [
                "",
                item.question.prompt,
                f"Your answer: {format_answer(item, graded.given)} · expected: "
                f"{format_answer(item, graded.expected)} · score {_pct(graded.score)}",
                graded.explanation,
            ]
        lines += ["", "Press Start quiz for another attempt."]
        return "\n".join(lines)
