"""`auditor demo`: scan the bundled simulated estate with the real collector, no credentials needed."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import typer

from auditor.cli.console import fail

# The demo must never reach a real account, whatever the user's shell holds.
_DEMO_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "demo-not-a-real-key",
    "AWS_SECRET_ACCESS_KEY": "demo-not-a-real-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}
BUNDLED_VARIANTS = {"demo": "demo", "remediated": "demo-remediated"}
_CLEARED = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


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
) -> None:
    """Seed a simulated AWS estate into the local emulator (moto) and scan it through boto3."""
    for name in _CLEARED:
        os.environ.pop(name, None)
    os.environ.update(_DEMO_ENVIRONMENT)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

    import boto3
    from moto import mock_aws

    from auditor.cli.progress import progress_reporter
    from auditor.cli.scan_commands import Evaluation, finish, write_or_fail
    from auditor.emulators import moto_extensions
    from auditor.emulators.aws_seed import seed_aws
    from auditor.emulators.estate import EstateError, bundled_estate, load_estate
    from auditor.providers.aws import AwsCollectionFailed, AwsScanOptions, collect_aws
    from auditor.snapshot import write_snapshot

    if estate is None and variant not in BUNDLED_VARIANTS:
        raise typer.BadParameter(f"must be one of {', '.join(BUNDLED_VARIANTS)}", param_hint="--variant")
    try:
        simulated = load_estate(estate or bundled_estate(BUNDLED_VARIANTS.get(variant, variant)))
    except EstateError as error:
        fail(str(error))
    if simulated.aws is None:
        fail(f"{estate}: the estate has no 'aws' part to simulate")

    started = datetime.now(UTC)
    clock = time.monotonic()
    with mock_aws():
        moto_extensions.install()
        session = boto3.Session(region_name="us-east-1")
        seed_aws(simulated.aws, session, stable_ids=True)
        try:
            with progress_reporter(enabled=not quiet) as report:
                inventory = collect_aws(AwsScanOptions(), progress=report, session=session)
        except AwsCollectionFailed as error:
            fail(f"demo scan failed: {error}")

    write_or_fail(snapshot, lambda: write_snapshot(snapshot, [inventory]))
    evaluation = Evaluation(json_out=json_out, quiet=quiet, record_history=not no_history, pdf_out=pdf)
    result = evaluation.build([inventory], started_at=started, source="demo")
    if not quiet:
        source = estate or f"the bundled {variant!r} estate"
        typer.echo(
            f"Simulated estate {simulated.name!r} from {source}; writing {snapshot}, {json_out}, {pdf}"
        )
    finish(result, evaluation, elapsed=time.monotonic() - clock)
