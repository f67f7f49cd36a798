"""The help screen: every key binding with what it does, the command palette, and status meanings."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widgets import Static

from auditor.model import Status
from auditor.tui.app import AuditorApp
from auditor.tui.screens import SCREENS
from auditor.tui.screens.help import HelpScreen, key_text


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))


def help_text(app: AuditorApp) -> str:
    content = app.screen.query_one("#help-text", Static).content
    assert isinstance(content, Text)
    return content.plain


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_help_lists_every_key_the_palette_and_statuses(size: tuple[int, int]):
    app = AuditorApp()
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app)
        for binding in AuditorApp.BINDINGS:
            assert key_text(binding.key) in text, binding.key
        for _name, (_screen, _key, title) in SCREENS.items():
            assert f"{title} screen" in text
        assert "?" in text
        assert "ctrl+q" in text and "quit" in text
        assert "Theme" in text or "theme" in text
        assert "ctrl+p" in text and "command palette" in text
        for status in Status:
            assert status.value in text
        assert "NOT_ASSESSED" in text
        assert "coverage" in text
