"""`auditor scan aws [--profile P] [--region R ...] [--organization ...]`: one AWS account, or every
account of an AWS Organization, collected read-only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer

from auditor.cli.scan_options import (
    BenchmarkOption,
    ExceptionsOption,
    FormatOption,
    HistoryUrlOption,
    JsonOption,
    NoHistoryOption,
    OutputDirOption,
    QuietOption,
    RateLimitOption,
    SnapshotOption,
    TimeoutOption,
    WorkersOption,
    cluster_from,
    cluster_option,
    evaluation_from,
    rate_limits_from,
    run_scan,
)

if TYPE_CHECKING:
    from auditor.inventory import Inventory
    from auditor.progress import ProgressCallback


def scan_aws(
    ctx: typer.Context,
    profile: str | None = typer.Option(None, "--profile", help="AWS profile (default: the standard chain)."),
    regions: list[str] = typer.Option(
        [], "--region", "-r", help="Restrict to this region (repeatable). Default: every enabled region."
    ),
    max_attempts: int = typer.Option(
        6, "--max-attempts", min=1, max=20, help="Attempts per call (adaptive retries) before it is ERROR."
    ),
    organization: bool = typer.Option(
        False,
        "--organization",
        help="Scan every account of the caller's AWS Organization (from the management or a delegated "
        "administrator account) through the cross-account role --role-name; one merged report.",
    ),
    role_name: str = typer.Option(
        "OrganizationAccountAccessRole", "--role-name", help="With --organization: the role to assume."
    ),
    accounts: list[str] = typer.Option(
        [], "--accounts", help="With --organization: only this account id (repeatable)."
    ),
    exclude_accounts: list[str] = typer.Option(
        [], "--exclude-accounts", help="With --organization: skip this account id (repeatable)."
    ),
    parallel_accounts: int = typer.Option(
        4,
        "--parallel-accounts",
        min=1,
        max=64,
        help="With --organization: accounts collected at once (their calls share the --workers pool).",
    ),
    snapshot: SnapshotOption = None,
    json_out: JsonOption = None,
    benchmarks: BenchmarkOption = None,
    exceptions: ExceptionsOption = None,
    no_history: NoHistoryOption = False,
    history_url: HistoryUrlOption = None,
    output_dir: OutputDirOption = None,
    formats: FormatOption = "pdf,json",
    workers: WorkersOption = 16,
    timeout: TimeoutOption = None,
    rate_limits: RateLimitOption = None,
    quiet: QuietOption = False,
    cluster: str | None = cluster_option("account of the organization (needs --organization)"),
) -> None:
    """Collect an AWS account (or every account of an organization) read-only; evaluate every AWS check."""
    from auditor.providers.aws import (
        AwsCollectionFailed,
        AwsScanOptions,
        collect_aws,
        collect_aws_organization,
    )

    evaluation = evaluation_from(
        ctx,
        benchmarks=benchmarks,
        exceptions=exceptions,
        no_history=no_history,
        history_url=history_url,
        json_out=json_out,
        quiet=quiet,
        output_dir=output_dir,
        formats=formats,
    )
    if (accounts or exclude_accounts) and not organization:
        raise typer.BadParameter("needs --organization", param_hint="--accounts/--exclude-accounts")
    spec = cluster_from(cluster)
    if spec is not None and not organization:
        raise typer.BadParameter(
            "needs --organization (one account is one shard: scan it without --cluster)",
            param_hint="--cluster",
        )
    options = AwsScanOptions(
        profile=profile,
        regions=tuple(regions),
        max_workers=workers,
        max_attempts=max_attempts,
        timeout=timeout,
        organization=organization,
        role_name=role_name,
        accounts=tuple(accounts),
        exclude_accounts=tuple(exclude_accounts),
        parallel_accounts=parallel_accounts,
        rate_limits=rate_limits_from(rate_limits),
    )

    from auditor.providers.cluster import ClusterError

    def collect(progress: ProgressCallback | None) -> Sequence[Inventory]:
        if spec is not None:
            from auditor.providers.aws.shards import collect_aws_organization_on_cluster

            return collect_aws_organization_on_cluster(options, spec, progress=progress)
        if options.organization:
            return collect_aws_organization(options, progress=progress)
        return [collect_aws(options, progress=progress)]

    run_scan("AWS", collect, (AwsCollectionFailed, ClusterError), evaluation, snapshot)
