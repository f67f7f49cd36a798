"""Reading what a screen shows, for Pilot tests: the plain text of its widgets, and waiting for a scan."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Static

from auditor.tui.app import AuditorApp


def screen_text(app: AuditorApp) -> str:
    parts: list[str] = []
    for static in app.screen.query(Static):
        content = static.content
        parts.append(content.plain if isinstance(content, Text) else str(content))
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            for cell in table.get_row_at(row):
                parts.append(cell.plain if isinstance(cell, Text) else str(cell))
    return "\n".join(parts)


async def wait_loaded(app: AuditorApp, pilot) -> None:
    for _ in range(100):
        if app.state.result is not None:
            break
        await pilot.pause(0.05)
    assert app.state.result is not None
    await pilot.pause()


async def settle(app: AuditorApp, pilot) -> None:
    """Let the screen's workers (history reads) finish and their messages be handled."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
