"""`auditor tui` (and `auditor` with no arguments): the interactive app."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import typer

from auditor.cli.history_option import HistoryUrlOption


def tui(
    demo: bool = typer.Option(
        False, "--demo", help="Open on the demo estate (scanned in the local emulator)."
    ),
    scan: Path | None = typer.Option(None, "--scan", help="Open on a stored scan result JSON."),
    operator: str | None = typer.Option(None, "--operator", help="Who is using it (quiz records)."),
    history_url: HistoryUrlOption = None,
) -> None:
    """Open the interactive terminal app (dashboard, findings, benchmarks, scan, quiz, reports, diff)."""
    from auditor.cli.history_option import location_or_fail

    history = location_or_fail(history_url)  # a bad URL stops here, before the screen is taken
    app_module = importlib.import_module("auditor.tui.app")
    app = app_module.AuditorApp(
        demo=demo,
        scan_file=scan,
        operator=operator or os.environ.get("USER") or "operator",
        history=history,
    )
    app.run()
