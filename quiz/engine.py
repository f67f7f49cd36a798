"""The quiz engine: draw a quiz from a bank, grade answers, summarise a result.

Pure and UI-free: no I/O, no clock, no printing. Randomness comes from a seed recorded in the quiz,
so the same seed always gives the same quiz. Rules (drawing, partial credit, pass mark):
docs/quiz-engine.md.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from quiz.bank import Bank, Matching, MultipleChoice, Ordering, Question, Scenario, SingleChoice, TrueFalse

Answer = int | frozenset[int] | bool | dict[int, int] | tuple[int, ...]
"""single / one-answer scenario: the ORIGINAL option index; multiple / several-answer scenario: a
frozenset of original option indexes; true_false: a bool; matching: left index -> right index, both
in the original ``pairs`` order; ordering: original item indexes in the order the operator chose."""

_EPSILON = 1e-9


@dataclass(frozen=True)
class QuizItem:
    question: Question
    display_order: tuple[int, ...]
    """Original indexes in the order shown: options (single, multiple, scenario), the right column
    (matching) or the items (ordering); ``(0, 1)`` (true, false) for true_false."""


@dataclass(frozen=True)
class Quiz:
    bank_id: str
    seed: int
    items: tuple[QuizItem, ...]
    pass_mark: float = 0.8


@dataclass(frozen=True)
class Graded:
    question_id: str
    section: str
    score: float
    correct: bool
    expected: Answer
    given: Answer | None
    explanation: str


@dataclass(frozen=True)
class QuizResult:
    quiz: Quiz
    graded: tuple[Graded, ...]
    score: float
    passed: bool
    per_section: dict[str, float] = field(default_factory=dict)

    def wrong(self) -> list[Graded]:
        """The answers that were not fully right, in quiz order, for a review with explanations."""
        return [graded for graded in self.graded if not graded.correct]


def draw_quiz(
    bank: Bank,
    *,
    questions: int = 20,
    seed: int | None = None,
    pass_mark: float = 0.8,
    focus: Mapping[str, float] | None = None,
    due: Sequence[str] = (),
    extra: Sequence[Question] = (),
) -> Quiz:
    """Draw up to ``questions`` questions: ``due`` ids first, then ``extra`` questions, then a
    round-robin over the sections with a weighted draw (``focus``: id -> weight, default 1) inside each."""
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    weights = focus or {}

    pool: dict[str, Question] = {}
    for question in (*bank.questions, *extra):
        pool.setdefault(question.id, question)

    chosen: list[Question] = []
    taken: set[str] = set()

    def take(question: Question) -> None:
        chosen.append(question)
        taken.add(question.id)

    for question_id in due:
        if len(chosen) >= questions:
            break
        if question_id in pool and question_id not in taken:
            take(pool[question_id])
    head = len(chosen)
    for question in extra:
        if len(chosen) >= questions:
            break
        if question.id not in taken:
            take(pool[question.id])

    section_order = [section.id for section in bank.sections]
    section_order += sorted({q.section for q in pool.values()} - set(section_order))
    remaining: dict[str, list[Question]] = {section: [] for section in section_order}
    for question in pool.values():
        if question.id not in taken and weights.get(question.id, 1.0) > 0:
            remaining[question.section].append(question)
    rng.shuffle(section_order)
    while len(chosen) < questions and any(remaining.values()):
        for section in section_order:
            if len(chosen) >= questions:
                break
            candidates = remaining[section]
            if candidates:
                pick = rng.choices(range(len(candidates)), [weights.get(q.id, 1.0) for q in candidates])[0]
                take(candidates.pop(pick))

    rest = chosen[head:]
    rng.shuffle(rest)
    items = tuple(QuizItem(question, _display_order(question, rng)) for question in (*chosen[:head], *rest))
    return Quiz(bank_id=bank.id, seed=seed, items=items, pass_mark=pass_mark)


def _display_order(question: Question, rng: random.Random) -> tuple[int, ...]:
    if isinstance(question, TrueFalse):
        return (0, 1)
    if isinstance(question, Matching):
        size = len(question.pairs)
    elif isinstance(question, Ordering):
        size = len(question.items)
    else:
        size = len(question.options)
    order = list(range(size))
    rng.shuffle(order)
    if isinstance(question, Matching | Ordering) and order == sorted(order):
        order.append(order.pop(0))  # never show the answer itself: rotate the identity
    return tuple(order)


def expected_answer(question: Question) -> Answer:
    """The right answer to ``question`` in the ``Answer`` shape of its type."""
    if isinstance(question, SingleChoice):
        return question.answer
    if isinstance(question, TrueFalse):
        return question.answer
    if isinstance(question, MultipleChoice):
        return frozenset(question.answers)
    if isinstance(question, Scenario):
        return question.answers[0] if len(question.answers) == 1 else frozenset(question.answers)
    if isinstance(question, Matching):
        return {index: index for index in range(len(question.pairs))}
    return tuple(range(len(question.items)))


def grade(question: Question, answer: Answer | None) -> Graded:
    """Score one answer from 0 to 1; a missing or malformed answer scores 0."""
    expected = expected_answer(question)
    score = 0.0 if answer is None else _score(question, expected, answer)
    return Graded(
        question_id=question.id,
        section=question.section,
        score=score,
        correct=score == 1.0,
        expected=expected,
        given=answer,
        explanation=question.explanation,
    )


def _is_index(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _score(question: Question, expected: Answer, answer: Answer) -> float:
    if isinstance(question, TrueFalse):
        return 1.0 if isinstance(answer, bool) and answer == expected else 0.0
    if isinstance(question, Matching):
        if not isinstance(answer, Mapping):
            return 0.0
        right = sum(1 for index in range(len(question.pairs)) if answer.get(index) == index)
        return right / len(question.pairs)
    if isinstance(question, Ordering):
        if not isinstance(answer, tuple | list):
            return 0.0
        right = sum(1 for position, item in enumerate(answer[: len(question.items)]) if item == position)
        return right / len(question.items)
    if isinstance(expected, frozenset):
        chosen = frozenset({answer}) if _is_index(answer) else answer
        if not isinstance(chosen, frozenset | set):
            return 0.0
        right_chosen = len(chosen & expected)
        wrong_chosen = len(chosen - expected)
        return max(0.0, (right_chosen - wrong_chosen) / len(expected))
    if _is_index(answer):
        return 1.0 if answer == expected else 0.0
    if isinstance(answer, frozenset | set) and len(answer) == 1:
        return 1.0 if next(iter(answer)) == expected else 0.0
    return 0.0


def grade_quiz(quiz: Quiz, answers: Mapping[str, Answer | None]) -> QuizResult:
    """Grade every item (a missing answer scores 0); the quiz passes at ``score >= pass_mark``."""
    graded = tuple(grade(item.question, answers.get(item.question.id)) for item in quiz.items)
    score = math.fsum(g.score for g in graded) / len(graded) if graded else 0.0
    by_section: dict[str, list[float]] = {}
    for result in graded:
        by_section.setdefault(result.section, []).append(result.score)
    per_section = {section: math.fsum(scores) / len(scores) for section, scores in by_section.items()}
    passed = bool(graded) and score >= quiz.pass_mark - _EPSILON
    return QuizResult(quiz=quiz, graded=graded, score=score, passed=passed, per_section=per_section)
