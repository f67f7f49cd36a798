"""GCP projects scanned on a Dask cluster: one shard (task) per project, and one per shared read.

The client resolves the projects and their ancestors as ``collect_gcp`` does (named ones, every ACTIVE
project under ``--organization`` or ``--folder`` through the folder walk, or every visible one). Then one
shard per project (its units), one per organization (its Security Command Center units) and one per
ancestor folder or organization (its aggregated sinks), so a read the projects share is still made once
per scan. Each shard is a ``GcpShardTask``: the unit scope, the target, the scan's options (endpoints,
``--anonymous``, retries, rate limits) and its wall-clock deadline; no credential: a worker uses its own
Application Default Credentials (or none, ``--anonymous``, for an emulator).

A worker hands back what its units read (``GcpShardResult``); the client puts the four maps together and
builds the inventories with ``assemble``, the single-process scan's own last step, so the findings, ids
and counts are the same. A lost project shard is an inventory with ``entry_error`` (every check ERROR);
a lost shared shard leaves its datasets ``None`` with the reason in every project that needs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from auditor.inventory.gcp import GLOBAL, GcpInventory
from auditor.model import CollectionError
from auditor.progress import ProgressCallback
from auditor.providers.cluster import (
    ClusterSpec,
    Shard,
    ShardOutcome,
    cluster_client,
    run_shards,
    wall_deadline,
    worker_stop,
)
from auditor.providers.gcp.clients import GcpClients, credentials_for
from auditor.providers.gcp.collector import (
    Errors,
    Values,
    ancestor_work,
    assemble,
    declared_reads,
    organization_work,
    project_work,
    run_work,
    shared_targets,
)
from auditor.providers.gcp.failures import GcpCollectionFailed
from auditor.providers.gcp.options import GcpScanOptions
from auditor.providers.gcp.projects import ProjectScope, resolve_projects
from auditor.providers.gcp.readonly import ReadOnlyGuard
from auditor.providers.gcp.unit import ApiCallCounter, Runtime
from auditor.providers.rate_limit import RateLimiter
from auditor.providers.scan_pool import ScanPool, ScanStop

if TYPE_CHECKING:
    from distributed import Client

PARALLEL_PROJECTS = 4
"""Shards at once per worker process of ``--cluster local:N``."""
Scope = Literal["project", "organization", "ancestor"]


@dataclass(frozen=True)
class GcpShardTask:
    """What a worker needs to read one target: identifiers and options, never a credential."""

    options: GcpScanOptions
    scope: Scope
    target: str
    deadline: float | None = None


@dataclass(frozen=True)
class GcpShardResult:
    """What one shard's units read: values and errors of its target, and the calls made for it."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[CollectionError] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)


def _runtime(options: GcpScanOptions, counter: ApiCallCounter) -> Runtime:
    return Runtime(
        GcpClients(options, credentials_for(options)),
        ReadOnlyGuard(declared_reads()),
        counter,
        RateLimiter("gcp", dict(options.rate_limits)),
    )


def collect_gcp_shard(task: GcpShardTask) -> GcpShardResult:
    """On a worker: one project's units, or one organization's SCC units, or one ancestor's sinks."""
    counter = ApiCallCounter()
    runtime = _runtime(task.options, counter)
    stop = worker_stop(task.options.timeout, task.deadline)
    work = {"project": project_work, "organization": organization_work, "ancestor": ancestor_work}[task.scope]
    projects = [task.target] if task.scope == "project" else []
    organizations = [task.target] if task.scope == "organization" else []
    ancestors = [task.target] if task.scope == "ancestor" else []
    with ScanPool(task.options.max_workers, stop, "gcp-shard") as pool:
        found = run_work(runtime, pool, work(task.target), None, "", projects, organizations, ancestors)
    project_values, project_errors, shared_values, shared_errors = found
    values = project_values if task.scope == "project" else shared_values
    errors = project_errors if task.scope == "project" else shared_errors
    return GcpShardResult(values[task.target], errors[task.target], counter.snapshot(task.target))


def collect_gcp_on_cluster(
    options: GcpScanOptions,
    cluster: ClusterSpec,
    progress: ProgressCallback | None = None,
    stop: ScanStop | None = None,
    client: Client | None = None,
) -> list[GcpInventory]:
    """``collect_gcp`` with one task per project (and per shared read): the same inventories."""
    collected_at = datetime.now(UTC)
    counter = ApiCallCounter()
    runtime = _runtime(options, counter)
    stop = stop if stop is not None else ScanStop(options.timeout)
    with ScanPool(2, stop, "gcp-discover") as pool:
        [projects] = pool.run([lambda: resolve_projects(runtime, options)])
    if projects is None:
        raise GcpCollectionFailed(f"the scan stopped before the projects were listed: {stop.describe()[2]}")
    organizations, ancestors = shared_targets(projects)
    deadline = wall_deadline(stop)
    targets: list[tuple[Scope, str]] = [("project", p.project_id) for p in projects]
    targets += [("organization", org) for org in organizations]
    targets += [("ancestor", ancestor) for ancestor in ancestors]
    shards = [
        Shard(
            "gcp",
            _label(scope, target),
            collect_gcp_shard,
            GcpShardTask(options, scope, target, deadline),
            what="project",
        )
        for scope, target in targets
    ]
    if client is not None:
        outcomes = run_shards(client, shards, stop, progress)
    else:
        with cluster_client(cluster, threads_per_worker=PARALLEL_PROJECTS) as opened:
            outcomes = run_shards(opened, shards, stop, progress)
    return _merged(projects, collected_at, targets, outcomes, counter)


def _label(scope: Scope, target: str) -> str:
    """The shard's name in progress and errors: the project id, ``organizations/O:scc`` or
    ``folders/F:sinks`` (an organization has both an SCC shard and a sinks shard)."""
    if scope == "organization":
        return f"organizations/{target}:scc"
    return f"{target}:sinks" if scope == "ancestor" else target


def _merged(
    projects: list[ProjectScope],
    collected_at: datetime,
    targets: list[tuple[Scope, str]],
    outcomes: list[ShardOutcome],
    counter: ApiCallCounter,
) -> list[GcpInventory]:
    project_values: Values = {}
    project_errors: Errors = {}
    shared_values: Values = {}
    shared_errors: Errors = {}
    calls: dict[str, dict[str, int]] = {"": counter.snapshot("")}  # the project lookup: the client's
    lost: dict[str, CollectionError] = {}
    for (scope, target), outcome in zip(targets, outcomes, strict=True):
        result: GcpShardResult | None = outcome.inventory  # type: ignore[assignment]
        values, errors = (
            (project_values, project_errors) if scope == "project" else (shared_values, shared_errors)
        )
        if result is not None:
            values[target], errors[target], calls[target] = (
                dict(result.values),
                list(result.errors),
                result.calls,
            )
            continue
        assert outcome.error is not None
        if scope == "project":
            lost[target] = outcome.error
            values[target], errors[target] = {}, []
        else:  # every dataset of the shared read None, with the shard's reason, for every project needing it
            work = organization_work(target) if scope == "organization" else ancestor_work(target)
            values[target] = {dataset: None for unit, _, _ in work for dataset in unit.datasets}
            errors[target] = [
                outcome.error.model_copy(update={"account": "", "service": unit.service, "dataset": dataset})
                for unit, _, _ in work
                for dataset in unit.datasets
            ]

    def calls_of(*wanted: str) -> dict[str, int]:
        total: dict[str, int] = {}
        for target in wanted:
            for key, count in calls.get(target, {}).items():
                total[key] = total.get(key, 0) + count
        return dict(sorted(total.items()))

    inventories = assemble(
        projects, collected_at, (project_values, project_errors, shared_values, shared_errors), calls_of
    )
    return [
        _not_collected(inventory, lost[inventory.project_id]) if inventory.project_id in lost else inventory
        for inventory in inventories
    ]


def _not_collected(inventory: GcpInventory, error: CollectionError) -> GcpInventory:
    """A project whose shard brought nothing back: only who it is, and why (every check ERROR)."""
    return GcpInventory(
        project_id=inventory.project_id,
        project_number=inventory.project_number,
        organization_id=inventory.organization_id,
        display_name=inventory.display_name,
        collected_at=inventory.collected_at,
        regions=[],
        entry_error=error.model_copy(update={"region": GLOBAL}),
    )
