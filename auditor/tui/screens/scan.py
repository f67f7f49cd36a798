"""The scan screen."""

from __future__ import annotations

from auditor.tui.screens.base import AuditorScreen


class ScanScreen(AuditorScreen):
    """Placeholder until the screen is built."""
