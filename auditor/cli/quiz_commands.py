"""`auditor quiz`: take the module quiz in a plain terminal; `auditor quiz history`: the training record.

Answers are read from standard input one line each (so a file or a pipe works too). Formats, feedback
modes, practice (spaced repetition), ``--from-last-scan`` and the records: docs/quiz.md. Every value
printed is Rich ``Text``, never markup (operator names and scan data are not trusted).

Exit codes: ``quiz`` 0 passed, 3 failed, 1 on an unusable bank or history database or when
``--from-last-scan`` finds no scan, 2 usage error. ``quiz history`` 0, or 1 on an unusable database.
"""

from __future__ import annotations

import os
import re
import string
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from auditor.cli.console import fail, stdout_console
from auditor.cli.history_option import HistoryUrlOption

if TYPE_CHECKING:
    from quiz.bank import Bank
    from quiz.engine import Answer, Graded, QuizItem, QuizResult
    from quiz.records import AttemptStore

T = TypeVar("T")
EXIT_FAILED = 3
MAX_TRIES = 3
LETTERS = string.ascii_lowercase


class Feedback(StrEnum):
    immediate = "immediate"
    deferred = "deferred"


app = typer.Typer(
    help="Operator training: take the module quiz (exit 0 passed, 3 failed), list the training record.",
    invoke_without_command=True,
    rich_markup_mode=None,
    no_args_is_help=False,
)


@app.callback(invoke_without_command=True)
def quiz(
    ctx: typer.Context,
    operator: str | None = typer.Option(None, "--operator", help="Who takes it (default: $USER)."),
    questions: int = typer.Option(20, "--questions", "-n", min=1, help="How many questions."),
    seed: int | None = typer.Option(None, "--seed", help="Draw the same quiz again with the same seed."),
    practice: bool = typer.Option(False, "--practice", help="Serve the questions due for review."),
    from_last_scan: bool = typer.Option(
        False, "--from-last-scan", help="Add scenario questions about the last stored scan and focus on it."
    ),
    bank_name: str = typer.Option("module4", "--bank", help="A bundled bank name or a bank YAML file."),
    pass_mark: float = typer.Option(0.8, "--pass-mark", min=0.0, max=1.0, help="Score needed to pass."),
    feedback: Feedback = typer.Option(
        Feedback.immediate, "--feedback", help="immediate: after each answer; deferred: at the end."
    ),
    certificate: Path | None = typer.Option(
        None, "--certificate", help="On a pass, write the certificate of completion PDF here."
    ),
    history_url: HistoryUrlOption = None,
) -> None:
    """Take the quiz: answers are read from standard input, one line per question."""
    if ctx.invoked_subcommand is not None:
        return
    from quiz.engine import draw_quiz, grade, grade_quiz
    from quiz.scheduling import due_question_ids, review

    console = stdout_console()
    who = _operator(operator)
    bank = _load_bank(bank_name)
    store = _attempt_store(history_url)
    now = datetime.now(UTC)
    states = {state.question_id: state for state in _or_fail(lambda: store.review_states(who))}

    due: list[str] = []
    count = questions
    if practice:
        known = {question.id for question in bank.questions}
        due = [qid for qid in due_question_ids(states.values(), now) if qid in known]
        if due:
            count = min(questions, len(due))
            console.print(Text(f"Practice: {count} question(s) due for review."))
        else:
            console.print(Text("Practice: no question is due for review; drawing a normal quiz."))
    extra: list[Any] = []
    focus: dict[str, float] | None = None
    if from_last_scan:
        extra, focus = _from_last_scan(bank, history_url)
        console.print(Text(f"Added {len(extra)} scenario question(s) about the last stored scan."))

    drawn = draw_quiz(
        bank, questions=count, seed=seed, pass_mark=pass_mark, focus=focus, due=due, extra=extra
    )
    titles = {section.id: section.title for section in bank.sections}
    console.print(
        Text(bank.title, style="bold") + Text(f" · {len(drawn.items)} questions · seed {drawn.seed}")
    )
    console.print(Text("An empty line skips a question; end of input stops and grades the answers given."))

    answers: dict[str, Answer | None] = {}
    started = datetime.now(UTC)
    for number, item in enumerate(drawn.items, start=1):
        _show(console, number, len(drawn.items), item)
        answer, eof = _ask(console, item)
        if eof:
            console.print(Text("End of input: grading the answers given so far.", style="dim"))
            break
        answers[item.question.id] = answer
        if feedback is Feedback.immediate:
            _feedback(console, item, grade(item.question, answer))
    result = grade_quiz(drawn, answers)
    finished = datetime.now(UTC)

    updated = [review(states.get(g.question_id), g.question_id, g.correct, finished) for g in result.graded]
    _or_fail(lambda: store.save_review_states(who, updated))
    mode = "practice" if practice else "quiz"
    attempt_id = _or_fail(lambda: store.save_attempt(who, result, started, finished, mode))

    if feedback is Feedback.deferred:
        _review_wrong(console, drawn.items, result)
    _print_result(console, result, titles, attempt_id)
    if certificate is not None and result.passed:
        _write_certificate(console, store, attempt_id, bank, result, titles, certificate)
    elif certificate is not None:
        console.print(Text("No certificate: the attempt did not pass."))
    raise typer.Exit(0 if result.passed else EXIT_FAILED)


@app.command("history")
def history(
    ctx: typer.Context,
    operator: str | None = typer.Option(None, "--operator", help="Only this operator (default: everyone)."),
    csv_path: Path | None = typer.Option(None, "--csv", help="Write the training record CSV here."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many attempts, newest first."),
    history_url: HistoryUrlOption = None,
) -> None:
    """List the stored quiz attempts, or write them as the training-record CSV."""
    from quiz.records import training_record_csv
    from reports.render import write_report

    store = _attempt_store(history_url or _group_history_url(ctx))
    attempts = _or_fail(lambda: store.attempts(operator, limit))
    console = stdout_console()
    if csv_path is not None:
        write_report(csv_path, training_record_csv(reversed(attempts)))
        console.print(Text(f"Wrote {len(attempts)} attempt(s) to {csv_path}."))
        return
    if not attempts:
        console.print(Text(f"No quiz attempts recorded yet in {store.where}."))
        return
    for attempt in attempts:
        line = Text(f"#{attempt.id} ", style="bold")
        line.append(attempt.finished_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"))
        line.append("  ")
        line.append(attempt.operator)
        line.append(f"  {attempt.bank_id} ({attempt.mode})  {_pct(attempt.score)} ")
        line.append("PASS" if attempt.passed else "FAIL", style="green" if attempt.passed else "bold red")
        line.append(f" (pass mark {_pct(attempt.pass_mark)})")
        console.print(line)


@app.command("export-gift")
def export_gift_command(
    bank_name: str = typer.Option("module4", "--bank", help="A bundled bank name or a bank YAML file."),
    out: Path = typer.Option(
        ..., "--out", "-o", help="The GIFT file to write (Moodle: Question bank > Import)."
    ),
) -> None:
    """Export a question bank to Moodle GIFT (ordering questions, which GIFT lacks, are listed as skipped)."""
    from quiz.gift import export_gift
    from reports.render import write_report

    exported = export_gift(_load_bank(bank_name))
    write_report(out, exported.text)
    console = stdout_console()
    console.print(Text(f"Wrote {out}."))
    for warning in exported.skipped:
        console.print(Text(f"skipped: {warning}", style="yellow"))


@app.command("import-gift")
def import_gift_command(
    gift_file: Path = typer.Argument(..., help="A Moodle GIFT file."),
    out: Path = typer.Option(..., "--out", "-o", help="The bank YAML to write."),
    bank_id: str = typer.Option("imported", "--id", help="The new bank's id."),
    title: str = typer.Option("Imported questions", "--title", help="The new bank's title."),
    section: str = typer.Option(
        "imported", "--section", help="Section for questions whose GIFT carries no section comment."
    ),
) -> None:
    """Import a GIFT file into a question bank YAML (validated; errors name the GIFT line)."""
    import yaml

    from quiz.bank import BankError, parse_bank
    from quiz.gift import GiftError, parse_gift
    from reports.render import write_report

    try:
        questions = parse_gift(gift_file.read_text(encoding="utf-8"), str(gift_file), default_section=section)
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{gift_file}: cannot read: {getattr(error, 'strerror', None) or error}")
    except GiftError as error:
        fail(str(error))
    sections = list(dict.fromkeys(q.section for q in questions))
    data = {
        "id": bank_id,
        "title": title,
        "module": title,
        "version": "1",
        "sections": [{"id": s, "title": s} for s in sections],
        "questions": [q.model_dump(mode="json") for q in questions],
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        bank = parse_bank(text, str(out))
    except BankError as error:
        fail(str(error))
    write_report(out, text)
    stdout_console().print(Text(f"Wrote {out}: {len(bank.questions)} questions in {len(sections)} sections."))


# ----------------------------------------------------------------------------------------- plumbing


def _operator(name: str | None) -> str:
    chosen = (name if name is not None else os.environ.get("USER", "")).strip()
    return chosen or "operator"


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _or_fail(action: Callable[[], T]) -> T:
    from auditor.history import HistoryError

    try:
        return action()
    except HistoryError as error:
        fail(str(error))


def _attempt_store(history_url: str | None) -> AttemptStore:
    from auditor.cli.history_option import location_or_fail
    from quiz.records import AttemptStore

    location = location_or_fail(history_url)
    return _or_fail(lambda: AttemptStore(location))


def _group_history_url(ctx: typer.Context) -> str | None:
    """`auditor quiz --history-url URL history`: the option given to the group counts too."""
    parent = ctx.parent
    value = parent.params.get("history_url") if parent is not None else None
    return value if isinstance(value, str) else None


def _load_bank(name: str) -> Bank:
    from quiz.bank import BankError, bundled_bank, load_bank

    try:
        if name.endswith((".yaml", ".yml")) or os.sep in name:
            return load_bank(Path(name))
        return load_bank(bundled_bank(name))
    except BankError as error:
        fail(str(error))


def _from_last_scan(bank: Bank, history_url: str | None) -> tuple[list[Any], dict[str, float]]:
    from auditor.cli.history_option import location_or_fail, open_existing
    from quiz.scenarios import focus_from_scan, scenario_questions

    store = open_existing(history_url)
    ids = _or_fail(store.scan_ids) if store is not None else []
    if store is None or not ids:
        where = store.where if store is not None else location_or_fail(history_url)
        fail(f"{where}: no scan recorded yet; run `auditor scan` or `auditor demo` first")
    result = _or_fail(lambda: store.load(ids[-1]))
    return list(scenario_questions(result)), dict(focus_from_scan(result, bank))


def _multi(question: Any) -> bool:
    return question.type == "multiple" or (question.type == "scenario" and len(question.answers) > 1)


def _show(console: Console, number: int, total: int, item: QuizItem) -> None:
    question = item.question
    console.print()
    console.print(
        Text(f"Question {number}/{total}", style="bold") + Text(f" [{question.section}]", style="dim")
    )
    if question.type == "scenario":
        console.print(Text(question.situation))
    console.print(Text(question.prompt))
    if question.type in ("single", "multiple", "scenario"):
        for position, index in enumerate(item.display_order):
            console.print(Text(f"  {LETTERS[position]}) ") + Text(question.options[index]))
        hint = "letters, comma-separated, e.g. a,c" if _multi(question) else "one letter, e.g. b"
    elif question.type == "true_false":
        hint = "t (true) or f (false)"
    elif question.type == "matching":
        for position, (left, _) in enumerate(question.pairs, start=1):
            console.print(Text(f"  {position}. ") + Text(left))
        for position, index in enumerate(item.display_order):
            console.print(Text(f"  {LETTERS[position]}) ") + Text(question.pairs[index][1]))
        hint = "number+letter pairs, e.g. 1b 2a 3c"
    else:
        for position, index in enumerate(item.display_order):
            console.print(Text(f"  {LETTERS[position]}) ") + Text(question.items[index]))
        hint = "all letters in the right order, e.g. c a b"
    console.print(Text(f"Answer ({hint}):", style="dim"))


def _ask(console: Console, item: QuizItem) -> tuple[Answer | None, bool]:
    """(answer or None for a skip, True at end of input). Invalid input re-asks up to MAX_TRIES."""
    for attempt in range(MAX_TRIES):
        line = sys.stdin.readline()
        if not line:
            return None, True
        text = line.strip()
        if not text:
            return None, False
        try:
            return parse_answer(item, text), False
        except ValueError as error:
            left = MAX_TRIES - attempt - 1
            message = f"Not understood: {error}." + (" Try again:" if left else " Skipping the question.")
            console.print(Text(message, style="yellow"))
    return None, False


def _letter_positions(tokens: list[str], size: int) -> list[int]:
    positions = []
    for token in tokens:
        if len(token) != 1 or token not in LETTERS[:size]:
            raise ValueError(f"{token!r} is not one of a-{LETTERS[size - 1]}")
        positions.append(LETTERS.index(token))
    return positions


def parse_answer(item: QuizItem, text: str) -> Answer:
    """One line of input as an engine ``Answer`` (original indexes); ``ValueError`` when invalid."""
    question = item.question
    order = item.display_order
    text = text.strip().lower()
    if question.type == "true_false":
        if text in ("t", "true", "y", "yes"):
            return True
        if text in ("f", "false", "n", "no"):
            return False
        raise ValueError("answer t or f")
    tokens = [token for token in re.split(r"[\s,;]+", text) if token]
    if question.type in ("single", "multiple", "scenario"):
        positions = _letter_positions(tokens, len(order))
        if len(set(positions)) != len(positions):
            raise ValueError("a letter is given twice")
        if _multi(question):
            return frozenset(order[p] for p in positions)
        if len(positions) != 1:
            raise ValueError("give exactly one letter")
        return order[positions[0]]
    if question.type == "matching":
        size = len(question.pairs)
        pairs: dict[int, int] = {}
        for token in tokens:
            match = re.fullmatch(r"(\d+)[-=:]?([a-z])", token)
            if not match or not 1 <= int(match.group(1)) <= size or match.group(2) not in LETTERS[:size]:
                raise ValueError(f"{token!r} is not a pair like 1b (1-{size}, a-{LETTERS[size - 1]})")
            left = int(match.group(1)) - 1
            if left in pairs:
                raise ValueError(f"item {left + 1} is matched twice")
            pairs[left] = order[LETTERS.index(match.group(2))]
        return pairs
    positions = _letter_positions(tokens, len(order))
    if sorted(positions) != list(range(len(order))):
        raise ValueError(f"give each of the {len(order)} letters exactly once")
    return tuple(order[p] for p in positions)


def format_answer(item: QuizItem, answer: Any) -> str:
    """An answer in the letters the operator saw (``b``, ``a, c``, ``true``, ``1b 2a``, ``c a b``)."""
    if answer is None:
        return "(no answer)"
    question = item.question
    position = {index: LETTERS[p] for p, index in enumerate(item.display_order)}
    if question.type == "true_false":
        return "true" if answer else "false"
    if question.type == "matching":
        return " ".join(f"{left + 1}{position.get(right, '?')}" for left, right in sorted(answer.items()))
    if question.type == "ordering":
        return " ".join(position.get(index, "?") for index in answer)
    if isinstance(answer, frozenset | set):
        return ", ".join(sorted(position.get(index, "?") for index in answer))
    return position.get(answer, "?")


def _feedback(console: Console, item: QuizItem, graded: Graded) -> None:
    if graded.correct:
        console.print(Text("Right.", style="green"))
    else:
        verdict = "Partly right" if graded.score > 0 else "Wrong"
        console.print(
            Text(f"{verdict} ({_pct(graded.score)}).", style="bold red")
            + Text(f" Expected: {format_answer(item, graded.expected)}")
        )
    console.print(Text(graded.explanation, style="dim"))


def _review_wrong(console: Console, items: tuple[QuizItem, ...], result: QuizResult) -> None:
    by_id = {item.question.id: item for item in items}
    wrong = result.wrong()
    console.print()
    console.print(Text(f"Review: {len(wrong)} answer(s) not fully right", style="bold"))
    for graded in wrong:
        item = by_id[graded.question_id]
        console.print()
        console.print(Text(item.question.prompt, style="bold"))
        console.print(
            Text(f"Your answer: {format_answer(item, graded.given)} · ")
            + Text(f"expected: {format_answer(item, graded.expected)} · score {_pct(graded.score)}")
        )
        console.print(Text(graded.explanation, style="dim"))


def _print_result(console: Console, result: QuizResult, titles: dict[str, str], attempt_id: int) -> None:
    console.print()
    for section, score in result.per_section.items():
        console.print(Text(f"  {_pct(score):>5}  ") + Text(titles.get(section, section)))
    verdict = Text(f"Score {_pct(result.score)} (pass mark {_pct(result.quiz.pass_mark)}): ", style="bold")
    verdict.append("PASS" if result.passed else "FAIL", style="bold green" if result.passed else "bold red")
    console.print(verdict)
    console.print(Text(f"Recorded as attempt #{attempt_id}.", style="dim"))


def _write_certificate(
    console: Console,
    store: AttemptStore,
    attempt_id: int,
    bank: Bank,
    result: QuizResult,
    titles: dict[str, str],
    path: Path,
) -> None:
    from quiz.certificate import render_certificate_pdf
    from reports.render import write_report

    attempt = _or_fail(lambda: store.attempt(attempt_id))
    assert attempt is not None
    sections = [titles.get(section, section) for section in result.per_section]
    try:
        write_report(path, render_certificate_pdf(attempt, bank.title, sections))
    except OSError as error:
        fail(f"{path}: cannot write the certificate: {error.strerror or error}")
    console.print(Text(f"Certificate written to {path}."))
