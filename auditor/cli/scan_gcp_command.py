"""`auditor scan gcp [--project P ...] [--organization O] [--folder F] [--endpoint URL ...]`: collect GCP
projects read-only.

``--endpoint`` / ``--grpc-endpoint`` (or the variables ``POSTURE_AUDITOR_GCP_ENDPOINT`` /
``POSTURE_AUDITOR_GCP_GRPC_ENDPOINT``) send the clients to an emulator or a private endpoint (Private
Service Connect) instead of Google's; ``--service-endpoint SERVICE=URL`` overrides one service.
``--anonymous`` uses no credentials at all (google.auth's AnonymousCredentials: only an emulator accepts
that); otherwise Application Default Credentials, also against a private endpoint.
"""

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


def scan_gcp(
    ctx: typer.Context,
    projects: list[str] = typer.Option(
        [],
        "--project",
        "-p",
        help="Scan this project (repeatable). Default: every project the credential sees.",
    ),
    organization: str | None = typer.Option(
        None,
        "--organization",
        help="Numeric organization id: every project under it, in nested folders too, and its Security "
        "Command Center.",
    ),
    folder: str | None = typer.Option(
        None,
        "--folder",
        help="Numeric folder id: every project under it, in nested folders too (its organization is read "
        "from its ancestors unless --organization names it).",
    ),
    endpoint: str | None = typer.Option(
        None,
        "--endpoint",
        envvar="POSTURE_AUDITOR_GCP_ENDPOINT",
        help="Base URL of every REST API instead of Google's, e.g. an emulator (http://127.0.0.1:8085) or "
        "a Private Service Connect endpoint (https://www-myendpoint.p.googleapis.com).",
    ),
    grpc_endpoint: str | None = typer.Option(
        None,
        "--grpc-endpoint",
        envvar="POSTURE_AUDITOR_GCP_GRPC_ENDPOINT",
        help="HOST:PORT of every gRPC API (Security Command Center, Logging, Monitoring) instead of "
        "Google's: TLS, or plaintext when written http://HOST:PORT (an emulator).",
    ),
    service_endpoints: list[str] = typer.Option(
        [],
        "--service-endpoint",
        help="SERVICE=URL for one service (repeatable): compute, dns, networkmanagement, resourcemanager, "
        "securitycentermanagement, serviceusage, storage (REST URLs); securitycenter, logging, monitoring "
        "(gRPC targets).",
    ),
    anonymous: bool = typer.Option(
        False,
        "--anonymous",
        help="Send no credentials (google.auth AnonymousCredentials), for an emulator; needs an endpoint.",
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
    cluster: str | None = cluster_option("project (and one per organization's SCC and per ancestor's sinks)"),
) -> None:
    """Collect GCP projects read-only (Application Default Credentials) and evaluate every GCP check."""
    from auditor.providers.gcp import GcpCollectionFailed, GcpEndpoints, GcpScanOptions, collect_gcp

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
    endpoints = None
    if endpoint is not None or grpc_endpoint is not None or service_endpoints:
        pairs = []
        for value in service_endpoints:
            service, equals, url = value.partition("=")
            if not equals or not service or not url:
                raise typer.BadParameter(f"{value!r} is not SERVICE=URL", param_hint="--service-endpoint")
            pairs.append((service.strip(), url.strip()))
        try:
            endpoints = GcpEndpoints(rest=endpoint, grpc=grpc_endpoint, services=tuple(pairs))
        except ValueError as error:
            hint = "--service-endpoint" if "unknown GCP service" in str(error) or pairs else "--endpoint"
            raise typer.BadParameter(str(error), param_hint=hint) from error
    try:
        options = GcpScanOptions(
            projects=tuple(projects),
            endpoints=endpoints,
            anonymous=anonymous,
            organization=organization,
            folder=folder,
            max_workers=workers,
            timeout=timeout,
            rate_limits=rate_limits_from(rate_limits),
        )
    except ValueError as error:
        message = str(error)
        hint = (
            "--anonymous"
            if message.startswith("anonymous")
            else "--folder"
            if message.startswith("folder")
            else "--organization"
        )
        raise typer.BadParameter(message, param_hint=hint) from error
    spec = cluster_from(cluster)
    from auditor.providers.cluster import ClusterError

    def collect(progress: ProgressCallback | None) -> Sequence[Inventory]:
        if spec is not None:
            from auditor.providers.gcp.shards import collect_gcp_on_cluster

            return collect_gcp_on_cluster(options, spec, progress=progress)
        return collect_gcp(options, progress=progress)

    run_scan("GCP", collect, (GcpCollectionFailed, ClusterError), evaluation, snapshot)
