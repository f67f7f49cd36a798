"""The quiz screen: a seeded short quiz answered right is graded, passed and stored; review states,
practice and the attempt-history table."""

from datetime import UTC, datetime, timedelta

from textual.widgets import DataTable, Input, Static

from auditor.cli.quiz_commands import format_answer
from auditor.tui.app import AuditorApp
from auditor.tui.screens import quiz as quiz_screen
from auditor.tui.screens.quiz import QuizScreen
from quiz.engine import expected_answer
from quiz.records import AttemptStore


async def test_a_short_quiz_answered_right_is_recorded(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp(operator="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        screen.query_one("#quiz-count", Input).value = "3"
        screen.query_one("#quiz-seed", Input).value = "42"
        await pilot.click("#quiz-start")
        await pilot.pause()
        assert screen.quiz is not None and screen.quiz.seed == 42
        assert len(screen.quiz.items) == 3
        answer_input = screen.query_one("#quiz-answer", Input)
        answer_input.focus()
        for _ in range(3):
            item = screen.current_item
            assert item is not None
            answer_input.value = format_answer(item, expected_answer(item.question))
            await pilot.press("enter")
            await pilot.pause()
        assert screen.result is not None and screen.result.passed
        assert screen.result.score == 1.0
        summary = str(screen.query_one("#quiz-question", Static).render())
        assert "PASS" in summary
    attempts = AttemptStore().attempts("alice")
    assert len(attempts) == 1
    assert attempts[0].passed and attempts[0].seed == 42


async def test_an_answer_that_is_not_understood_is_asked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        screen.seed = 7
        screen.query_one("#quiz-count", Input).value = "1"
        await pilot.click("#quiz-start")
        await pilot.pause()
        answer_input = screen.query_one("#quiz-answer", Input)
        answer_input.focus()
        answer_input.value = "zz 99"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.index == 0
        assert "Not understood" in str(screen.query_one("#quiz-feedback", Static).render())


async def _open_quiz(pilot, app) -> QuizScreen:
    await pilot.press("q")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, QuizScreen)
    return screen


async def _answer_all(pilot, screen: QuizScreen, wrong: frozenset[int] = frozenset()) -> None:
    """Answer every question right, except the (0-based) positions in ``wrong``, which are skipped."""
    answer_input = screen.query_one("#quiz-answer", Input)
    answer_input.focus()
    position = 0
    while (item := screen.current_item) is not None:
        right = format_answer(item, expected_answer(item.question))
        answer_input.value = "" if position in wrong else right
        await pilot.press("enter")
        await pilot.pause()
        position += 1


def _history_rows(screen: QuizScreen) -> list[list[str]]:
    table = screen.query_one("#quiz-history", DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_a_missed_question_gets_a_review_state_and_practice_serves_it_first(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp(operator="bob")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_quiz(pilot, app)
        screen.query_one("#quiz-count", Input).value = "3"
        screen.query_one("#quiz-seed", Input).value = "11"
        await pilot.click("#quiz-start")
        await pilot.pause()
        assert screen.quiz is not None
        drawn = [item.question.id for item in screen.quiz.items]
        missed = drawn[1]
        await _answer_all(pilot, screen, wrong=frozenset({1}))
        assert screen.result is not None
        assert [g.question_id for g in screen.result.graded if not g.correct] == [missed]
        states = {state.question_id: state for state in AttemptStore().review_states("bob")}
        assert set(states) == set(drawn)
        assert all(state.reviews == 1 for state in states.values())
        assert min(states.values(), key=lambda state: state.due).question_id == missed

        class Later(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + timedelta(days=1)

        monkeypatch.setattr(quiz_screen, "datetime", Later)
        screen.query_one("#quiz-seed", Input).value = "99"
        await pilot.click("#quiz-practice")
        await pilot.pause()
        assert screen.mode == "practice"
        assert screen.quiz.items[0].question.id == missed
        assert {item.question.id for item in screen.quiz.items} == set(drawn)
        await _answer_all(pilot, screen)
        assert screen.result is not None and screen.result.passed
        rows = _history_rows(screen)
        assert [row[3] for row in rows] == ["practice", "quiz"]
        assert [row[5] for row in rows] == ["PASS", "FAIL"]
    latest = AttemptStore().attempts("bob")[0]
    assert latest.mode == "practice"
    assert all(state.reviews == 2 for state in AttemptStore().review_states("bob"))


async def test_practice_with_nothing_due_notifies_and_draws_normally(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp(operator="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_quiz(pilot, app)
        screen.query_one("#quiz-count", Input).value = "2"
        await pilot.click("#quiz-practice")
        await pilot.pause()
        assert screen.quiz is not None and len(screen.quiz.items) == 2
        assert any("Nothing is due for review" in str(n.message) for n in app._notifications)


async def test_the_history_table_lists_the_attempts_as_plain_text(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp(operator="[b]Eve[/b]")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_quiz(pilot, app)
        assert _history_rows(screen) == []
        for seed in ("1", "2"):
            screen.query_one("#quiz-count", Input).value = "2"
            screen.query_one("#quiz-seed", Input).value = seed
            await pilot.click("#quiz-start")
            await pilot.pause()
            await _answer_all(pilot, screen)
        rows = _history_rows(screen)
        ids = [attempt.id for attempt in AttemptStore().attempts()]
        assert [row[0] for row in rows] == [f"#{i}" for i in ids]
        assert len(rows) == 2
        assert all(row[2] == "[b]Eve[/b]" and row[3] == "quiz" and row[4] == "100%" for row in rows)
        assert rows[0][1] == AttemptStore().attempts()[0].finished_at.astimezone(UTC).strftime(
            "%Y-%m-%d %H:%M"
        )
