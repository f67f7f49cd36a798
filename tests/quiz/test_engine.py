"""The quiz engine: grading of every type, seeded drawing, balance, due ids, focus, pass mark."""

from __future__ import annotations

from collections import Counter

import pytest

from quiz.bank import Bank, bundled_bank, load_bank
from quiz.engine import Quiz, QuizItem, draw_quiz, grade, grade_quiz

SINGLE = {
    "id": "s",
    "type": "single",
    "section": "a",
    "prompt": "p",
    "explanation": "why",
    "options": ["x", "y", "z"],
    "answer": 1,
}
MULTIPLE = {
    "id": "m",
    "type": "multiple",
    "section": "a",
    "prompt": "p",
    "explanation": "why",
    "options": ["o0", "o1", "o2", "o3", "o4"],
    "answers": [0, 2, 3],
}
TRUE_FALSE = {
    "id": "t",
    "type": "true_false",
    "section": "b",
    "prompt": "p",
    "explanation": "e",
    "answer": False,
}
MATCHING = {
    "id": "ma",
    "type": "matching",
    "section": "b",
    "prompt": "p",
    "explanation": "e",
    "pairs": [["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"]],
}
ORDERING = {
    "id": "o",
    "type": "ordering",
    "section": "c",
    "prompt": "p",
    "explanation": "e",
    "items": ["first", "second", "third", "fourth"],
}
SCENARIO_ONE = {
    "id": "sc1",
    "type": "scenario",
    "section": "c",
    "situation": "s",
    "prompt": "p",
    "explanation": "e",
    "options": ["a", "b", "c"],
    "answers": [2],
}
SCENARIO_MANY = {**SCENARIO_ONE, "id": "sc2", "answers": [0, 1]}


def make_bank(*questions: dict) -> Bank:
    sections = sorted({q["section"] for q in questions})
    return Bank.model_validate(
        {
            "id": "test",
            "title": "T",
            "module": "M",
            "version": "1",
            "sections": [{"id": s, "title": s} for s in sections],
            "questions": list(questions),
        }
    )


@pytest.fixture(scope="module")
def small() -> Bank:
    return make_bank(SINGLE, MULTIPLE, TRUE_FALSE, MATCHING, ORDERING, SCENARIO_ONE, SCENARIO_MANY)


@pytest.fixture(scope="module")
def module4() -> Bank:
    return load_bank(bundled_bank("module4"))


def question(bank: Bank, question_id: str):
    return next(q for q in bank.questions if q.id == question_id)


def test_single(small):
    q = question(small, "s")
    assert grade(q, 1).score == 1 and grade(q, 1).correct
    assert grade(q, 0).score == 0 and not grade(q, 0).correct
    assert grade(q, True).score == 0  # a bool is not an option index
    assert grade(q, None).score == 0
    assert grade(q, 0).expected == 1 and grade(q, 0).explanation == "why"


@pytest.mark.parametrize(
    ("chosen", "score"),
    [
        ({0, 2, 3}, 1.0),  # all right
        ({0, 2}, 2 / 3),  # one right missing
        ({0, 2, 3, 1}, 2 / 3),  # all right plus one wrong
        ({0, 1}, 0.0),  # one right, one wrong
        ({1, 4}, 0.0),  # only wrong: never below 0
        ({0, 1, 4}, 0.0),  # extra wrong outweighs the right one
        (set(), 0.0),  # none chosen
    ],
)
def test_multiple_partial_credit(small, chosen, score):
    graded = grade(question(small, "m"), frozenset(chosen))
    assert graded.score == pytest.approx(score)
    assert graded.correct is (score == 1.0)
    assert graded.expected == frozenset({0, 2, 3})


def test_true_false(small):
    q = question(small, "t")
    assert grade(q, False).correct
    assert grade(q, True).score == 0
    assert grade(q, 0).score == 0  # an int is not a bool


def test_matching(small):
    q = question(small, "ma")
    assert grade(q, {0: 0, 1: 1, 2: 2, 3: 3}).score == 1
    assert grade(q, {0: 0, 1: 1, 2: 3, 3: 2}).score == 0.5
    assert grade(q, {0: 0}).score == 0.25
    assert grade(q, {}).score == 0
    assert grade(q, (0, 1, 2, 3)).score == 0


def test_ordering(small):
    q = question(small, "o")
    assert grade(q, (0, 1, 2, 3)).correct
    assert grade(q, (0, 1, 3, 2)).score == 0.5
    assert grade(q, (3, 2, 1, 0)).score == 0
    assert grade(q, (0,)).score == 0.25


def test_scenario(small):
    one = question(small, "sc1")
    assert grade(one, 2).correct and grade(one, 2).expected == 2
    assert grade(one, frozenset({2})).correct
    assert grade(one, 0).score == 0
    many = question(small, "sc2")
    assert grade(many, frozenset({0, 1})).correct
    assert grade(many, frozenset({0})).score == 0.5
    assert grade(many, frozenset({0, 2})).score == 0


def test_same_seed_same_quiz_different_seed_differs(module4):
    first = draw_quiz(module4, questions=15, seed=7)
    assert first == draw_quiz(module4, questions=15, seed=7)
    assert first.seed == 7 and first.bank_id == "module4"
    others = [draw_quiz(module4, questions=15, seed=seed) for seed in range(8, 12)]
    assert all(other.items != first.items for other in others)
    orders = {item.question.id: item.display_order for item in first.items}
    assert any(
        item.question.id in orders and item.display_order != orders[item.question.id]
        for other in others
        for item in other.items
    )


def test_random_seed_is_recorded(module4):
    quiz = draw_quiz(module4, questions=5)
    assert draw_quiz(module4, questions=5, seed=quiz.seed) == quiz


def test_display_orders_are_permutations(module4):
    quiz = draw_quiz(module4, questions=len(module4.questions), seed=3)
    assert len(quiz.items) == len(module4.questions)
    assert len({item.question.id for item in quiz.items}) == len(quiz.items)
    for item in quiz.items:
        q = item.question
        if q.type == "true_false":
            assert item.display_order == (0, 1)
            continue
        size = (
            len(q.pairs) if q.type == "matching" else len(q.items) if q.type == "ordering" else len(q.options)
        )
        assert sorted(item.display_order) == list(range(size))
        if q.type in ("matching", "ordering"):
            assert item.display_order != tuple(range(size))  # never shows the answer


def test_per_section_balance(module4):
    sections = {s.id for s in module4.sections}
    for seed in range(20):
        quiz = draw_quiz(module4, questions=len(sections), seed=seed)
        assert {item.question.section for item in quiz.items} == sections
        counts = Counter(item.question.section for item in draw_quiz(module4, questions=22, seed=seed).items)
        assert max(counts.values()) - min(counts.values()) <= 1


def test_due_first(module4):
    due = ["runbook-scenario-response", "log-types-gcp-waf", "no-such-question"]
    quiz = draw_quiz(module4, questions=5, seed=1, due=due)
    assert [item.question.id for item in quiz.items[:2]] == due[:2]
    assert len(quiz.items) == 5
    assert len({item.question.id for item in quiz.items}) == 5


def test_extra_included(small):
    extra = question(make_bank({**SINGLE, "id": "scan-x-1", "section": "zz"}), "scan-x-1")
    quiz = draw_quiz(small, questions=3, seed=2, extra=[extra])
    assert "scan-x-1" in {item.question.id for item in quiz.items}


def test_focus_weighting_favours_focused(module4):
    section = "flow-logs"
    ids = [q.id for q in module4.questions if q.section == section]
    focused = ids[0]
    focus = {focused: 3.0}
    plain = Counter()
    weighted = Counter()
    for seed in range(300):
        plain.update(i.question.id for i in draw_quiz(module4, questions=11, seed=seed).items)
        weighted.update(i.question.id for i in draw_quiz(module4, questions=11, seed=seed, focus=focus).items)
    assert weighted[focused] > 1.5 * plain[focused]
    others = [i for i in ids if i != focused]
    assert weighted[focused] > max(weighted[i] for i in others)


def test_zero_weight_excluded(small):
    quiz = draw_quiz(small, questions=7, seed=1, focus={"s": 0})
    assert "s" not in {item.question.id for item in quiz.items}


def _quiz_of(bank: Bank, pass_mark: float = 0.8) -> Quiz:
    items = tuple(QuizItem(q, (0, 1) if q.type == "true_false" else ()) for q in bank.questions)
    return Quiz(bank_id=bank.id, seed=0, items=items, pass_mark=pass_mark)


def test_pass_mark_boundary():
    bank = make_bank(*({**TRUE_FALSE, "id": f"t{n}", "section": "a" if n < 5 else "b"} for n in range(10)))
    quiz = _quiz_of(bank)
    answers = {f"t{n}": n >= 8 for n in range(10)}  # 8 of 10 right: exactly 0.8
    result = grade_quiz(quiz, answers)
    assert result.score == pytest.approx(0.8) and result.passed
    answers["t7"] = True
    result = grade_quiz(quiz, answers)
    assert result.score == pytest.approx(0.7) and not result.passed
    assert result.per_section == {"a": 1.0, "b": pytest.approx(0.4)}
    assert [g.question_id for g in result.wrong()] == ["t7", "t8", "t9"]
    assert all(g.explanation == "e" and g.expected is False for g in result.wrong())


def test_grade_quiz_missing_answers_and_partial(small):
    quiz = _quiz_of(small, pass_mark=0.5)
    result = grade_quiz(quiz, {"s": 1, "m": frozenset({0, 2})})
    assert result.score == pytest.approx((1 + 2 / 3) / 7)
    assert not result.passed
    assert len(result.wrong()) == 6
    assert result.graded[2].given is None


def test_empty_quiz_fails(small):
    result = grade_quiz(Quiz(bank_id="x", seed=0, items=()), {})
    assert result.score == 0 and not result.passed
