"""The reports screen."""

from __future__ import annotations

from auditor.tui.screens.base import AuditorScreen


class ReportsScreen(AuditorScreen):
    """Placeholder until the screen is built."""
