"""Benchmark: TUI start-up on the demo scan and filtering 20,000 findings. Prints figures, asserts nothing.

    python benchmarks/tui_speed.py

1. From "import the app" to the first screen painted (headless, 120x40), then to the dashboard showing
   the committed demo scan (tests/tui/data/demo-scan.json).
2. 20,000 findings (the demo's, repeated with distinct ids): the pure filter over them, and the full
   filter + table re-fill as the findings screen does it when the filter text changes.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "tui" / "data" / "demo-scan.json"


async def start_up() -> tuple[float, float, float]:
    started = time.perf_counter()
    from auditor.tui.app import AuditorApp

    imported = time.perf_counter() - started
    app = AuditorApp(scan_file=DATA)
    async with app.run_test(size=(120, 40)) as pilot:
        painted = time.perf_counter() - started
        while app.state.result is None:
            await pilot.pause(0.01)
        await pilot.pause()
        loaded = time.perf_counter() - started
    return imported, painted, loaded


async def filtering(count: int = 20_000) -> tuple[list[float], list[float], int]:
    from textual.widgets import Input

    from auditor.scan_result import ScanResult
    from auditor.tui.app import AuditorApp
    from auditor.tui.screens.findings import FindingsScreen, filter_findings

    base = ScanResult.model_validate_json(DATA.read_text())
    findings = [
        base.findings[i % len(base.findings)].model_copy(
            update={
                "id": f"{i:020d}",
                "resource_id": f"{base.findings[i % len(base.findings)].resource_id}-{i}",
            }
        )
        for i in range(count)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        path.write_text(base.model_copy(update={"findings": findings}).model_dump_json(by_alias=True))
        app = AuditorApp(scan_file=path)
        async with app.run_test(size=(120, 40)) as pilot:
            while app.state.result is None:
                await pilot.pause(0.05)
            await pilot.press("f")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, FindingsScreen)
            pure, full = [], []
            for text in ("flow_logs", "guardduty", "eu-west-1", "sg-", ""):
                screen.query_one("#filter-text", Input).value = text
                filters = screen.current_filters()
                t0 = time.perf_counter()
                filter_findings(screen._findings, screen._haystacks, filters)
                pure.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                screen.apply_filters()
                full.append(time.perf_counter() - t0)
            return pure, full, len(findings)


def main() -> None:
    imported, painted, loaded = asyncio.run(start_up())
    print(f"import of the app: {imported:.3f} s")
    print(f"first screen painted (headless, 120x40): {painted:.3f} s after the import started")
    print(f"demo scan loaded and shown on the dashboard: {loaded:.3f} s")
    pure, full, count = asyncio.run(filtering())
    print(f"filtering {count:,} findings, pure filter: median {statistics.median(pure) * 1000:.0f} ms")
    refill = statistics.median(full) * 1000
    print(f"filtering {count:,} findings, filter + table re-fill: median {refill:.0f} ms")


if __name__ == "__main__":
    main()
