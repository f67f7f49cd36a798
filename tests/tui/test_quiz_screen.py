"""The quiz screen: a seeded short quiz answered right is graded, passed and stored."""

from textual.widgets import Input, Static

from auditor.cli.quiz_commands import format_answer
from auditor.tui.app import AuditorApp
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
