"""One entry point over the three collectors, for callers that only choose a provider and a scope
(the TUI's scan screen). The CLI's `scan aws|azure|gcp` commands expose each collector's full options."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from auditor.inventory import Inventory
from auditor.progress import ProgressCallback

if TYPE_CHECKING:
    from auditor.providers.cluster import ClusterSpec
    from auditor.providers.scan_pool import ScanStop

Provider = Literal["aws", "azure", "gcp"]

SCOPE_WORDS: dict[str, tuple[str, str]] = {
    "aws": ("Profile", "Regions (empty: every enabled region)"),
    "azure": ("Tenant", "Subscriptions (empty: every subscription the credential sees)"),
    "gcp": ("Organization id", "Projects (empty: every project the credential sees)"),
}
"""What the credential field and the scope field mean for each provider."""

ENDPOINT_WORDS: dict[str, str] = {
    "azure": "Resource Manager endpoint (empty: public ARM; CA bundle from POSTURE_AUDITOR_AZURE_CA_BUNDLE)",
    "gcp": "REST endpoint (empty: Google's; gRPC from POSTURE_AUDITOR_GCP_GRPC_ENDPOINT)",
}
"""The endpoint field, where the provider takes one here (AWS: botocore's own AWS_ENDPOINT_URL)."""

GROUP_WORDS: dict[str, str] = {
    "azure": "Management group id (empty: none; every subscription under it, child groups too)",
    "gcp": "Folder id (empty: none; every project under it, nested folders too)",
}
"""The third scope field, a tree of accounts to cover, where the provider has one (not AWS here)."""


CLUSTER_WORDS = "Cluster (empty: this process; local:N or tcp://HOST:8786)"
"""The cluster field: where a sharded scan's tasks go (``auditor.providers.cluster``)."""


class LiveScanFailed(Exception):
    """The collector could not start (no credentials, unknown region/subscription/project...)."""


def collect_live(
    provider: Provider,
    credential_hint: str | None,
    scope: Sequence[str],
    progress: ProgressCallback | None = None,
    group: str | None = None,
    stop: ScanStop | None = None,
    endpoint: str | None = None,
    anonymous: bool = False,
    cluster: str | None = None,
) -> list[Inventory]:
    """Collect ``provider`` read-only: AWS with ``credential_hint`` as the profile and ``scope`` as
    regions; Azure with it as the tenant, ``scope`` as subscriptions and ``group`` as the management
    group; GCP with it as the organization, ``scope`` as projects and ``group`` as the folder.
    ``stop.stop("cancelled")`` ends the scan early and keeps what was collected (the rest is ERROR, not
    finished). ``endpoint`` and ``anonymous`` (Azure, GCP) send the scan to an emulator or a private
    endpoint, as ``scan azure|gcp --endpoint ... --anonymous`` do. ``cluster`` (``local:N`` or a scheduler
    address) shards the scan on a Dask cluster, as ``--cluster`` does; for AWS it scans the caller's
    organization (``scan aws --organization --cluster``)."""
    from auditor.providers.cluster import ClusterError, parse_cluster

    try:
        spec = parse_cluster(cluster) if cluster else None
    except ClusterError as error:
        raise LiveScanFailed(str(error)) from error
    try:
        return _collect(provider, credential_hint, scope, progress, group, stop, endpoint, anonymous, spec)
    except ClusterError as error:
        raise LiveScanFailed(f"{provider} scan failed: {error}") from error


def _collect(
    provider: Provider,
    credential_hint: str | None,
    scope: Sequence[str],
    progress: ProgressCallback | None,
    group: str | None,
    stop: ScanStop | None,
    endpoint: str | None,
    anonymous: bool,
    cluster: ClusterSpec | None,
) -> list[Inventory]:
    if provider == "aws":
        from auditor.providers.aws import AwsCollectionFailed, AwsScanOptions, collect_aws

        try:
            if cluster is not None:
                from auditor.providers.aws.shards import collect_aws_organization_on_cluster

                options = AwsScanOptions(profile=credential_hint, regions=tuple(scope), organization=True)
                return list(
                    collect_aws_organization_on_cluster(options, cluster, progress=progress, stop=stop)
                )
            options = AwsScanOptions(profile=credential_hint, regions=tuple(scope))
            return [collect_aws(options, progress=progress, stop=stop)]
        except AwsCollectionFailed as error:
            raise LiveScanFailed(f"AWS scan failed: {error}") from error
    if provider == "azure":
        from auditor.providers.azure import AzureCollectionFailed, AzureScanOptions, collect_azure
        from auditor.providers.azure.endpoint import azure_endpoint

        try:
            where = azure_endpoint(endpoint, anonymous=anonymous)
            options = AzureScanOptions(
                subscriptions=tuple(scope),
                tenant=credential_hint,
                management_group=group,
                base_url=where.base_url,
                connection_verify=where.connection_verify,
            )
            if cluster is not None:
                from auditor.providers.azure.shards import collect_azure_on_cluster

                return list(
                    collect_azure_on_cluster(
                        options, cluster, progress=progress, credential=where.credential, stop=stop
                    )
                )
            return list(collect_azure(options, progress=progress, credential=where.credential, stop=stop))
        except (AzureCollectionFailed, ValueError) as error:
            raise LiveScanFailed(f"Azure scan failed: {error}") from error
    if provider == "gcp":
        from auditor.providers.gcp import GcpCollectionFailed, GcpEndpoints, GcpScanOptions, collect_gcp

        try:
            grpc = os.environ.get("POSTURE_AUDITOR_GCP_GRPC_ENDPOINT") or None
            rest = endpoint or os.environ.get("POSTURE_AUDITOR_GCP_ENDPOINT") or None
            options = GcpScanOptions(
                projects=tuple(scope),
                organization=credential_hint,
                folder=group,
                endpoints=GcpEndpoints(rest=rest, grpc=grpc) if rest or grpc else None,
                anonymous=anonymous,
            )
            if cluster is not None:
                from auditor.providers.gcp.shards import collect_gcp_on_cluster

                return list(collect_gcp_on_cluster(options, cluster, progress=progress, stop=stop))
            return list(collect_gcp(options, progress=progress, stop=stop))
        except (GcpCollectionFailed, ValueError) as error:
            raise LiveScanFailed(f"GCP scan failed: {error}") from error
    raise LiveScanFailed(f"unknown provider {provider!r}")
