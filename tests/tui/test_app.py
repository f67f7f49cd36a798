"""The app shell: every screen reachable by keyboard, a bad scan file is a notification, not a crash."""

import json

from auditor.tui.app import AuditorApp
from auditor.tui.screens import SCREENS


async def test_every_screen_is_reachable_by_its_key(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp()
    async with app.run_test(size=(80, 24)) as pilot:
        for name, (screen_class, key, _title) in SCREENS.items():
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, screen_class.load()), name


async def test_a_bad_scan_file_is_a_notification_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "nope"}))
    app = AuditorApp(scan_file=bad)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):  # the loader fails in its worker; the app turns that into a notification
            await pilot.pause(0.05)
            if app._notifications:
                break
        messages = [n.message for n in app._notifications]
        assert any("not a scan result" in m and str(bad) in m for m in messages), messages
        assert app.state.result is None
