"""The findings screen."""

from __future__ import annotations

from auditor.tui.screens.base import AuditorScreen


class FindingsScreen(AuditorScreen):
    """Placeholder until the screen is built."""
