"""The diff screen."""

from __future__ import annotations

from auditor.tui.screens.base import AuditorScreen


class DiffScreen(AuditorScreen):
    """Placeholder until the screen is built."""
