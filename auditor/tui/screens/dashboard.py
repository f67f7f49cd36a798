"""The dashboard screen."""

from __future__ import annotations

from auditor.tui.screens.base import AuditorScreen


class DashboardScreen(AuditorScreen):
    """Placeholder until the screen is built."""
