"""Spaced repetition of quiz questions with FSRS (the ``fsrs`` package).

Pure: the caller passes ``now`` (timezone-aware; a naive datetime is taken as UTC) and stores the
returned states (one per operator and question id; JSON via ``model_dump(mode="json")``). Fuzzing is
off, so the same reviews give the same due dates. Rules: docs/quiz-engine.md.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler
from pydantic import BaseModel

_SCHEDULER = Scheduler(enable_fuzzing=False)


class ReviewState(BaseModel):
    """The FSRS card of one question for one operator."""

    question_id: str
    card: dict
    due: datetime
    reviews: int = 0


def _aware(moment: datetime) -> datetime:
    """UTC, as fsrs requires; a naive datetime is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def review(state: ReviewState | None, question_id: str, correct: bool, now: datetime) -> ReviewState:
    """Record one answer: ``Rating.Good`` when correct, ``Rating.Again`` when wrong."""
    now = _aware(now)
    if state is None:
        card = Card(card_id=zlib.crc32(question_id.encode()), due=now)
        reviews = 0
    else:
        card = Card.from_dict(state.card)
        reviews = state.reviews
    rating = Rating.Good if correct else Rating.Again
    card, _ = _SCHEDULER.review_card(card, rating, review_datetime=now)
    return ReviewState(question_id=question_id, card=card.to_dict(), due=card.due, reviews=reviews + 1)


def due_question_ids(states: Iterable[ReviewState], now: datetime) -> list[str]:
    """The ids whose review is due (``due <= now``), most overdue first."""
    now = _aware(now)
    due = [state for state in states if _aware(state.due) <= now]
    due.sort(key=lambda state: (_aware(state.due), state.question_id))
    return [state.question_id for state in due]
