"""The help screen."""

from __future__ import annotations

from auditor.tui.screens.base import AuditorScreen


class HelpScreen(AuditorScreen):
    """Placeholder until the screen is built."""
