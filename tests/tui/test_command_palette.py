"""The command palette lists every screen and, while a screen is active, that screen's own actions."""

from __future__ import annotations

from textual.widgets import DataTable

from auditor.tui.app import AuditorApp
from auditor.tui.screens import SCREENS
from tests.tui.screen_reading import wait_loaded


def _titles(app: AuditorApp) -> set[str]:
    return {command.title for command in app.get_system_commands(app.screen)}


async def test_the_palette_lists_screens_and_each_screens_actions(scan_file):
    app = AuditorApp(scan_file=scan_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        expected = {
            "f": {"Copy fix", "Mute", "Filter", "Show only failures", "Clear filters"},
            "r": {"Export PDF", "Export HTML", "Export JSON", "Export CSV", "Export OCSF", "Export JUNIT"},
            "q": {"Start quiz", "Start practice"},
            "s": {"Start scan", "Start demo scan", "Cancel scan"},
        }
        for key, actions in expected.items():
            await pilot.press(key)
            await pilot.pause()
            titles = _titles(app)
            assert {f"Go to {title}" for _s, _k, title in SCREENS.values()} <= titles
            assert actions <= titles, (key, actions - titles)


async def test_a_screen_action_runs_from_the_palette_by_keyboard(scan_file):
    app = AuditorApp(scan_file=scan_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        everything = table.row_count
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"only failures")
        await pilot.pause(0.3)
        await pilot.press("enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if table.row_count != everything:
                break
        statuses = {str(table.get_row_at(row)[0]) for row in range(table.row_count)}
        assert 0 < table.row_count < everything
        assert statuses == {"FAIL"}, statuses
