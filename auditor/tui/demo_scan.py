"""The demo scan for ``auditor tui --demo`` and the scan screen: the bundled estate, the real collectors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.progress import ProgressCallback
    from auditor.providers.scan_pool import ScanStop
    from auditor.scan_result import ScanResult


def run_demo_scan(progress: ProgressCallback | None = None, stop: ScanStop | None = None) -> ScanResult:
    from auditor.benchmarks import default_benchmarks, load_benchmark
    from auditor.demo import collect_demo
    from auditor.demo.flows import analyze_demo_flows
    from auditor.emulators.estate import bundled_estate, load_estate
    from auditor.engine import build_scan_result
    from auditor.flows.scan import with_flow_analysis

    estate = load_estate(bundled_estate("demo"))
    started = datetime.now(UTC)
    inventories = collect_demo(estate, progress, stop)
    result = build_scan_result(
        inventories,
        started_at=started,
        finished_at=datetime.now(UTC),
        source="demo",
        benchmarks=[load_benchmark(b) for b in default_benchmarks(i.provider for i in inventories)],
    )
    return with_flow_analysis(result, analyze_demo_flows())  # as `auditor demo` does
