"""FSRS scheduling of quiz questions: right answers push the next review out, wrong ones bring it near."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from quiz.scheduling import ReviewState, due_question_ids, review

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_correct_is_due_later_than_wrong():
    right = review(None, "q", True, NOW)
    wrong = review(None, "q", False, NOW)
    assert right.due > wrong.due > NOW
    assert right.reviews == wrong.reviews == 1 and right.question_id == "q"


def test_repeated_correct_answers_push_due_further():
    state = review(None, "q", True, NOW)
    intervals = []
    for _ in range(4):
        previous = state.due
        state = review(state, "q", True, previous)
        intervals.append(state.due - previous)
    assert all(later > earlier for earlier, later in pairwise(intervals))
    assert intervals[-1] > timedelta(days=7)
    assert state.reviews == 5


def test_wrong_answer_is_due_within_a_day():
    state = review(None, "q", True, NOW)
    for _ in range(3):
        state = review(state, "q", True, state.due)
    assert state.due - NOW > timedelta(days=3)
    lapse_at = state.due
    lapsed = review(state, "q", False, lapse_at)
    assert lapse_at < lapsed.due <= lapse_at + timedelta(days=1)
    assert review(None, "q", False, NOW).due <= NOW + timedelta(days=1)


def test_state_round_trips_through_json():
    state = review(review(None, "q", True, NOW), "q", True, NOW + timedelta(hours=1))
    copy = ReviewState.model_validate_json(state.model_dump_json())
    assert copy == state
    assert review(copy, "q", True, copy.due) == review(state, "q", True, state.due)


def test_naive_now_is_utc():
    assert review(None, "q", True, NOW.replace(tzinfo=None)) == review(None, "q", True, NOW)


def test_due_question_ids_most_overdue_first():
    states = [
        review(None, "late", False, NOW - timedelta(days=3)),
        review(None, "later", False, NOW - timedelta(days=5)),
        review(None, "future", True, NOW),
        review(None, "now", False, NOW - timedelta(minutes=1)),
    ]
    assert due_question_ids(states, NOW) == ["later", "late", "now"]
    assert due_question_ids([], NOW) == []
