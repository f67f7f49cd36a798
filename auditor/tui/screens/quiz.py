"""The quiz screen."""

from __future__ import annotations

from auditor.tui.screens.base import AuditorScreen


class QuizScreen(AuditorScreen):
    """Placeholder until the screen is built."""
