"""The findings screen: filters, detail pane, copy, mute dialog, plain-text rendering of cloud data."""

import json
import time

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Select, Static

from auditor.exceptions import load_exceptions
from auditor.model import Status
from auditor.scan_result import ScanResult
from auditor.tui.app import AuditorApp
from auditor.tui.screens.findings import FindingsScreen
from auditor.tui.screens.mute_dialog import MuteDialog


@pytest.fixture
def demo_scan(scan_file):
    """The committed demo ScanResult (tests/tui/conftest.py)."""
    return scan_file


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))
    return tmp_path


async def _open_findings(app, pilot) -> FindingsScreen:
    for _ in range(100):
        if app.state.result is not None:
            break
        await pilot.pause(0.05)
    assert app.state.result is not None, "the scan did not load"
    await pilot.press("f")
    await pilot.pause()
    assert isinstance(app.screen, FindingsScreen)
    return app.screen


def _table(screen) -> DataTable:
    return screen.query_one("#findings-table", DataTable)


def _detail(screen) -> str:
    return str(screen.query_one("#detail-text", Static).content)


async def test_filters_detail_copy_and_mute(demo_scan, home):
    result = ScanResult.model_validate_json(demo_scan.read_text())
    exceptions_file = home / "exceptions.yaml"
    app = AuditorApp(scan_file=demo_scan)
    app.state.exceptions_file = exceptions_file
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_findings(app, pilot)
        table = _table(screen)
        assert table.row_count == len(result.findings)

        def matching(text: str, status: Status | None = None) -> int:
            return sum(
                1
                for f in result.findings
                if any(
                    text in v.lower()
                    for v in (f.check_id, f.resource_id, f.resource_name, f.message, f.region)
                )
                and (status is None or f.status is status)
            )

        filter_input = screen.query_one("#filter-text", Input)
        filter_input.focus()
        await pilot.press(*"flow_logs")
        await pilot.pause()
        expected = matching("flow_logs")
        assert 0 < expected < len(result.findings)
        assert table.row_count == expected

        screen.query_one("#filter-status", Select).value = "FAIL"
        await pilot.pause()
        expected_fail = matching("flow_logs", Status.FAIL)
        assert expected_fail > 0
        assert table.row_count == expected_fail

        table.focus()
        table.move_cursor(row=0)
        await pilot.pause()
        finding = screen.highlighted_finding()
        assert finding is not None and finding.status is Status.FAIL
        detail = _detail(screen)
        assert "aws ec2 create-flow-logs" in detail
        assert f"--resource-ids {finding.resource_id}" in detail
        assert "cis-aws-7.0" in detail
        assert "Module section:" in detail

        copied = []
        app.copy_to_clipboard = copied.append
        await pilot.press("c")
        await pilot.pause()
        assert copied and copied[0].startswith("aws ec2 create-flow-logs")

        await pilot.press("m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MuteDialog)
        assert dialog.query_one("#mute-check", Input).value == finding.check_id
        dialog.query_one("#mute-owner", Input).value = "alice@example.com"
        dialog.query_one("#mute-reason", Input).value = "Accepted for the test"
        dialog.query_one("#mute-expires", Input).value = "2026-13-01"  # not a date: refused
        dialog.query_one("#mute-expires", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and not exceptions_file.exists()
        assert "date" in str(dialog.query_one("#mute-error", Static).content)

        dialog.query_one("#mute-expires", Input).value = "2099-12-31"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        rules = load_exceptions(exceptions_file).exceptions
        assert len(rules) == 1
        rule = rules[0]
        assert rule.check == finding.check_id and rule.resource == finding.resource_id
        assert rule.account == finding.account and rule.region == finding.region
        assert any(str(exceptions_file) in n.message for n in app._notifications)

        # a second mute appends to the same file
        await pilot.press("m")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#mute-reason", Input).value = "Second"
        dialog.query_one("#mute-expires", Input).value = "2099-01-01"
        dialog.query_one("#mute-expires", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert len(load_exceptions(exceptions_file).exceptions) == 2


async def test_cloud_text_is_plain_and_control_free(demo_scan, home):
    data = json.loads(demo_scan.read_text())
    hostile = "[bold red]x[/]\x1b[2J"
    data["findings"][0]["resource_id"] = hostile
    data["findings"][0]["message"] = "msg [link=http://evil]y[/link]\x1b]0;title\x07"
    path = home / "hostile.json"
    path.write_text(json.dumps(data))
    app = AuditorApp(scan_file=path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_findings(app, pilot)
        table = _table(screen)
        cells = [table.get_row_at(row) for row in range(table.row_count)]
        resource_cells = [row[-1] for row in cells]
        assert all(isinstance(cell, Text) for cell in resource_cells)
        plains = [cell.plain for cell in resource_cells]
        assert "[bold red]x[/] [2J" in plains  # the escape character became a space
        assert not any("\x1b" in plain for row in cells for plain in (c.plain for c in row))

        screen.query_one("#filter-text", Input).value = "[bold red]"
        await pilot.pause()
        assert table.row_count == 1
        table.move_cursor(row=0)
        await pilot.pause()
        detail = _detail(screen)
        assert "[bold red]x[/]" in detail and "[link=http://evil]y[/link]" in detail
        assert "\x1b" not in detail and "\x07" not in detail


async def test_filtering_twenty_thousand_findings(demo_scan, home):
    base = ScanResult.model_validate_json(demo_scan.read_text())
    findings = [
        f.model_copy(update={"id": f"{i:020d}", "resource_id": f"{f.resource_id}-{i}"})
        for i, f in enumerate(base.findings[i % len(base.findings)] for i in range(20_000))
    ]
    big = base.model_copy(update={"findings": findings})
    path = home / "big.json"
    path.write_text(big.model_dump_json(by_alias=True))
    app = AuditorApp(scan_file=path)
    async with app.run_test(size=(120, 40)) as pilot:
        started = time.perf_counter()
        screen = await _open_findings(app, pilot)
        print(f"\nfirst fill of 20,000 findings: {time.perf_counter() - started:.3f}s")
        assert _table(screen).row_count == 20_000
        expected = sum(1 for f in findings if "flow_logs" in f.check_id or "flow_logs" in f.message.lower())
        started = time.perf_counter()
        screen.query_one("#filter-text", Input).value = "flow_logs"
        screen.apply_filters()
        print(f"filter + re-fill to {screen.visible_count} rows: {time.perf_counter() - started:.3f}s")
        assert screen.visible_count == expected
        started = time.perf_counter()
        screen.query_one("#filter-text", Input).value = ""
        screen.apply_filters()
        print(f"clear filter, re-fill 20,000 rows: {time.perf_counter() - started:.3f}s")
        assert screen.visible_count == 20_000
        await pilot.pause()


async def test_provider_and_benchmark_section_filters_and_runbook(demo_scan, home):
    from auditor.benchmarks import load_benchmark

    result = ScanResult.model_validate_json(demo_scan.read_text())
    assert "cis-aws-7.0" in {score.benchmark_id for score in result.benchmarks}
    app = AuditorApp(scan_file=demo_scan)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_findings(app, pilot)
        table = _table(screen)

        provider = screen.query_one("#filter-provider", Select)
        assert ("aws", "aws") in [(str(label), value) for label, value in provider._options]
        provider.value = "aws"
        await pilot.pause()
        assert table.row_count == sum(1 for f in result.findings if f.provider == "aws")

        section = screen.query_one("#filter-section", Select)
        labels = {str(label): value for label, value in section._options}
        assert "cis-aws-7.0 §4 Logging" in labels
        section.value = labels["cis-aws-7.0 §4 Logging"]
        await pilot.pause()
        benchmark = load_benchmark("cis-aws-7.0")
        logging_checks = {
            c for control in benchmark.controls if control.section == "4" for c in control.checks
        }
        expected = sum(1 for f in result.findings if f.check_id in logging_checks)
        assert 0 < expected < len(result.findings)
        assert table.row_count == expected
        shown = {table.get_row_at(row)[2].plain for row in range(table.row_count)}
        assert shown <= logging_checks

        section.clear()
        screen.query_one("#filter-text", Input).value = "aws.vpc.flow_logs_enabled"
        await pilot.pause()
        rows = [
            r for r in range(table.row_count) if table.get_row_at(r)[2].plain == "aws.vpc.flow_logs_enabled"
        ]
        assert rows
        table.move_cursor(row=rows[0])
        await pilot.pause()
        assert screen.highlighted_finding().check_id == "aws.vpc.flow_logs_enabled"
        detail = _detail(screen)
        assert "Runbook (module 4):" in detail
        assert "If Port scan detected (detected by GuardDuty/Flow logs): Block source IP via NACL" in detail
        assert "Isolate instance, investigate" in detail

        screen.query_one("#filter-text", Input).value = "aws.ec2.imdsv2_required"
        await pilot.pause()
        if table.row_count:
            table.move_cursor(row=0)
            await pilot.pause()
            assert "Runbook (module 4)" not in _detail(screen)


async def test_filter_bar_fits_80_by_24(demo_scan, home):
    app = AuditorApp(scan_file=demo_scan)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_findings(app, pilot)
        for name in ("text", "provider", "section", "status", "severity", "region", "service"):
            region = screen.query_one(f"#filter-{name}").region
            assert region.width >= 8 and region.right <= 80 and region.bottom <= 24, (name, region)
        table = _table(screen)
        assert table.region.height >= 8
        assert screen.query_one("#findings-detail").region.width >= 20
