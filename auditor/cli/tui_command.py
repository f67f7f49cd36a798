"""`auditor tui` (and `auditor` with no arguments): the interactive app."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import typer


def tui(
    demo: bool = typer.Option(
        False, "--demo", help="Open on the demo estate (scanned in the local emulator)."
    ),
    scan: Path | None = typer.Option(None, "--scan", help="Open on a stored scan result JSON."),
    operator: str | None = typer.Option(None, "--operator", help="Who is using it (quiz records)."),
) -> None:
    """Open the interactive terminal app (dashboard, findings, benchmarks, scan, quiz, reports, diff)."""
    app_module = importlib.import_module("auditor.tui.app")
    app = app_module.AuditorApp(
        demo=demo, scan_file=scan, operator=operator or os.environ.get("USER") or "operator"
    )
    app.run()
