"""`auditor demo`: scan the bundled simulated estate with the real collector, no credentials needed."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import typer

from auditor.cli.console import fail
from auditor.cli.history_option import HistoryUrlOption

BUNDLED_VARIANTS = {"demo": "demo", "remediated": "demo-remediated"}


def demo(
    json_out: Path = typer.Option(Path("demo-scan.json"), "--json", help="Where to write the scan result."),
    snapshot: Path = typer.Option(
        Path("demo-snapshot.json"), "--snapshot", help="Where to write the inventory snapshot (the evidence)."
    ),
    pdf: Path = typer.Option(Path("demo-report.pdf"), "--pdf", help="Where to write the PDF audit report."),
    estate: Path | None = typer.Option(
        None, "--estate", help="An estate YAML file to simulate instead of the bundled demo estate."
    ),
    variant: str = typer.Option(
        "demo",
        "--variant",
        help="A bundled estate: 'demo', or 'remediated' (the same account after fixes and one regression; "
        "run it after `auditor demo`, then `auditor diff`).",
    ),
    no_history: bool = typer.Option(
        False, "--no-history", help="Do not record the demo scan in the history."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the one-line verdict."),
    history_url: HistoryUrlOption = None,
) -> None:
    """Seed the simulated estate into the local emulators and scan it with the real SDK clients."""
    from auditor.cli.progress import progress_reporter
    from auditor.cli.scan_commands import Evaluation, finish, write_or_fail
    from auditor.demo import DemoFailed, collect_demo
    from auditor.demo.flows import analyze_demo_flows
    from auditor.emulators.estate import EstateError, bundled_estate, load_estate
    from auditor.flows.scan import with_flow_analysis
    from auditor.providers.scan_pool import ScanStop
    from auditor.snapshot import write_snapshot

    evaluation = Evaluation(
        json_out=json_out, quiet=quiet, record_history=not no_history, pdf_out=pdf, history_url=history_url
    ).checked()
    if estate is None and variant not in BUNDLED_VARIANTS:
        raise typer.BadParameter(f"must be one of {', '.join(BUNDLED_VARIANTS)}", param_hint="--variant")
    try:
        simulated = load_estate(estate or bundled_estate(BUNDLED_VARIANTS.get(variant, variant)))
    except EstateError as error:
        fail(str(error))
    started = datetime.now(UTC)
    clock = time.monotonic()
    try:
        with progress_reporter(enabled=not quiet) as report:
            # one stop for the three providers: Ctrl-C keeps what was collected and starts no other
            inventories = collect_demo(simulated, progress=report, stop=ScanStop())
    except DemoFailed as error:
        fail(f"{estate or variant}: demo scan failed: {error}")

    write_or_fail(snapshot, lambda: write_snapshot(snapshot, inventories))
    result = evaluation.build(inventories, started_at=started, source="demo")
    result = with_flow_analysis(result, analyze_demo_flows())
    if not quiet:
        source = estate or f"the bundled {variant!r} estate"
        typer.echo(
            f"Simulated estate {simulated.name!r} from {source}; writing {snapshot}, {json_out}, {pdf}"
        )
    finish(result, evaluation, elapsed=time.monotonic() - clock)
