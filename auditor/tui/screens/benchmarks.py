"""The benchmarks screen."""

from __future__ import annotations

from auditor.tui.screens.base import AuditorScreen


class BenchmarksScreen(AuditorScreen):
    """Placeholder until the screen is built."""
