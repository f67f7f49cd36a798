"""`auditor scan azure [--management-group G] [--subscription ID ...] [--exclude-subscription ID ...]
[--tenant T] [--endpoint URL [--ca-bundle PEM] [--anonymous]]`: collect Azure subscriptions read-only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
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


def scan_azure(
    ctx: typer.Context,
    subscriptions: list[str] = typer.Option(
        [],
        "--subscription",
        "-s",
        help="Scan this subscription id (repeatable). Default: every one visible (or in --management-group).",
    ),
    exclude_subscriptions: list[str] = typer.Option(
        [], "--exclude-subscription", help="Leave this subscription id out (repeatable)."
    ),
    management_group: str | None = typer.Option(
        None,
        "--management-group",
        help="Scan every subscription under this management group id, child groups too "
        "(needs Management Group Reader on it). Unreadable or disabled ones are reported as not evaluated.",
    ),
    tenant: str | None = typer.Option(
        None, "--tenant", help="Tenant to authenticate against (Azure CLI / PowerShell / service principal)."
    ),
    endpoint: str | None = typer.Option(
        None,
        "--endpoint",
        envvar="POSTURE_AUDITOR_AZURE_ENDPOINT",
        help="The Resource Manager endpoint (default https://management.azure.com): a sovereign cloud's "
        "(its token audience follows), an emulator, or a proxy in front of ARM.",
    ),
    ca_bundle: Path | None = typer.Option(
        None,
        "--ca-bundle",
        envvar="POSTURE_AUDITOR_AZURE_CA_BUNDLE",
        exists=True,
        dir_okay=False,
        help="PEM bundle that verifies the endpoint's certificate (default: the system's; REQUESTS_CA_BUNDLE "
        "is honoured too).",
    ),
    anonymous: bool = typer.Option(
        False,
        "--anonymous",
        help="Send a fixed placeholder token instead of a credential: for an emulator on a loopback "
        "--endpoint only.",
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
    cluster: str | None = cluster_option("subscription"),
) -> None:
    """Collect Azure subscriptions read-only (Reader + Security Reader) and evaluate every Azure check."""
    from auditor.providers.azure import AzureCollectionFailed, AzureScanOptions, collect_azure
    from auditor.providers.azure.endpoint import EndpointError, azure_endpoint

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
    try:
        where = azure_endpoint(endpoint, ca_bundle, anonymous=anonymous)
    except EndpointError as error:
        hint = (
            "--anonymous"
            if "--anonymous" in str(error)
            else "--ca-bundle"
            if "CA bundle" in str(error)
            else "--endpoint"
        )
        raise typer.BadParameter(str(error), param_hint=hint) from error
    try:
        options = AzureScanOptions(
            base_url=where.base_url,
            connection_verify=where.connection_verify,
            subscriptions=tuple(subscriptions),
            exclude_subscriptions=tuple(exclude_subscriptions),
            management_group=management_group,
            tenant=tenant,
            max_workers=workers,
            timeout=timeout,
            rate_limits=rate_limits_from(rate_limits),
        )
    except ValueError as error:
        hint = "--management-group" if str(error).startswith("management_group") else None
        raise typer.BadParameter(str(error), param_hint=hint) from error
    spec = cluster_from(cluster)
    from auditor.providers.cluster import ClusterError

    def collect(progress: ProgressCallback | None) -> Sequence[Inventory]:
        if spec is not None:
            from auditor.providers.azure.shards import collect_azure_on_cluster

            return collect_azure_on_cluster(options, spec, progress=progress, credential=where.credential)
        return collect_azure(options, progress=progress, credential=where.credential)

    run_scan("Azure", collect, (AzureCollectionFailed, ClusterError), evaluation, snapshot)
