"""``collect_gcp``: the scanned projects (and their organizations' SCC), every unit, concurrently.

The flow: credentials (ADC, or anonymous for the emulators), the projects to scan and their ancestors
(Resource Manager v3), then (project, unit) work plus the SCC units of each organization and the sinks of
each ancestor folder and organization (once per scan) on the scan's one bounded pool
(``auditor.providers.scan_pool``). Each unit fills its
datasets independently; a failed read becomes ``None`` plus a ``CollectionError``, never an empty list.
Returns one ``GcpInventory`` per project.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from auditor.inventory.gcp import GLOBAL, GcpInventory
from auditor.model import CollectionError
from auditor.progress import ProgressCallback, ProgressCounter
from auditor.providers.gcp.clients import GcpClients, credentials_for
from auditor.providers.gcp.failures import GcpCollectionFailed
from auditor.providers.gcp.options import GcpScanOptions
from auditor.providers.gcp.projects import READS as PROJECT_READS
from auditor.providers.gcp.projects import ProjectScope, resolve_projects
from auditor.providers.gcp.readonly import ReadOnlyGuard
from auditor.providers.gcp.unit import ApiCallCounter, Runtime, Unit, UnitContext
from auditor.providers.gcp.units import ANCESTOR_UNITS, ORGANIZATION_UNITS, PROJECT_UNITS
from auditor.providers.gcp.units.scc import findings_for_project
from auditor.providers.rate_limit import RateLimiter
from auditor.providers.scan_pool import ScanPool, ScanStop


def declared_reads() -> list[tuple[str, str]]:
    """Every (service, method) the collector may send."""
    units = (*PROJECT_UNITS, *ORGANIZATION_UNITS, *ANCESTOR_UNITS)
    return sorted({*PROJECT_READS, *(read for unit in units for read in unit.reads)})


def collect_gcp(
    options: GcpScanOptions, progress: ProgressCallback | None = None, stop: ScanStop | None = None
) -> list[GcpInventory]:
    """Collect GCP read-only into one typed ``GcpInventory`` per project.

    Raises ``GcpCollectionFailed`` when the scan cannot start (no credentials, no project); every failure
    after that is kept in the inventories (``None`` + ``CollectionError``). ``options.timeout``, Ctrl-C or
    ``stop.stop(...)`` end the scan early: the units not finished then are ERROR ("not finished") and
    everything else is kept.
    """
    collected_at = datetime.now(UTC)
    counter = ApiCallCounter()
    runtime = Runtime(
        GcpClients(options, credentials_for(options)),
        ReadOnlyGuard(declared_reads()),
        counter,
        RateLimiter("gcp", dict(options.rate_limits)),
    )
    stop = stop if stop is not None else ScanStop(options.timeout)
    with ScanPool(options.max_workers, stop, "gcp-collect") as pool:
        [projects] = pool.run([lambda: resolve_projects(runtime, options)])
        if projects is None:
            raise GcpCollectionFailed(
                f"the scan stopped before the projects were listed: {stop.describe()[2]}"
            )
        collected = _collect(runtime, pool, projects, progress, options.organization or "")
    return assemble(projects, collected_at, collected, counter.snapshot)


def assemble(
    projects: list[ProjectScope],
    collected_at: datetime,
    collected: tuple[Values, Errors, Values, Errors],
    calls_of: Callable[..., dict[str, int]],
) -> list[GcpInventory]:
    """One inventory per project from what the units read (``run_work``'s four maps) and the calls made
    for each target (``calls_of(*targets)``, summed): the single-process scan and the cluster's client
    both end here."""
    project_values, project_errors, shared_values, shared_errors = collected
    # Calls made for an organization (SCC) or an ancestor (its sinks) are counted once, on the first
    # scanned project that has it; the project lookup ("") on the first project.
    first: dict[str, str] = {"": projects[0].project_id}
    for project in projects:
        for shared in (project.organization_id, *(project.ancestors or ())):
            if shared:
                first.setdefault(shared, project.project_id)

    def calls(project: ProjectScope) -> dict[str, int]:
        """The project's own calls and the shared calls it is the first to need, so the scan's total is
        the sum over its inventories."""
        return calls_of(project.project_id, *(t for t, p in first.items() if p == project.project_id))

    return [
        _inventory(p, collected_at, project_values, project_errors, shared_values, shared_errors, calls(p))
        for p in projects
    ]


Values = dict[str, dict[str, Any]]
Errors = dict[str, list[CollectionError]]


def _collect(
    runtime: Runtime,
    pool: ScanPool,
    projects: list[ProjectScope],
    progress: ProgressCallback | None,
    organization: str,
) -> tuple[Values, Errors, Values, Errors]:
    """Every unit of every project, the SCC units of their organizations and the sinks of their
    ancestors, on the scan's pool. The shared values and errors are keyed by organization id (SCC) and by
    ancestor name ('folders/F', 'organizations/O')."""
    organizations, ancestors = shared_targets(projects)
    work = [work for project in projects for work in project_work(project.project_id)]
    work += [work for org in organizations for work in organization_work(org)]
    work += [work for ancestor in ancestors for work in ancestor_work(ancestor)]
    project_ids = [p.project_id for p in projects]
    return run_work(runtime, pool, work, progress, organization, project_ids, organizations, ancestors)


Work = tuple[Unit, str, str]
"""(unit, the project its datasets belong to or "", the project, organization or ancestor it reads)."""


def shared_targets(projects: list[ProjectScope]) -> tuple[list[str], list[str]]:
    """The organizations (their SCC) and the ancestors (their sinks) the projects share, each read once."""
    organizations = sorted({p.organization_id for p in projects if p.organization_id})
    ancestors = sorted({a for p in projects for a in p.ancestors or ()})
    return organizations, ancestors


def project_work(project: str) -> list[Work]:
    return [(unit, project, project) for unit in PROJECT_UNITS]


def organization_work(organization: str) -> list[Work]:
    return [(unit, "", organization) for unit in ORGANIZATION_UNITS]


def ancestor_work(ancestor: str) -> list[Work]:
    return [(unit, "", ancestor) for unit in ANCESTOR_UNITS]


def run_work(
    runtime: Runtime,
    pool: ScanPool,
    work: list[Work],
    progress: ProgressCallback | None,
    organization: str,
    projects: list[str],
    organizations: list[str],
    ancestors: list[str],
) -> tuple[Values, Errors, Values, Errors]:
    """Run ``work`` on the pool; the values and errors by project, and by organization or ancestor (a
    cluster worker runs one project's work, or one organization's, or one ancestor's)."""

    def progress_key(unit: Unit, target: str) -> str:
        """Progress rows: one per project, one per organization (its SCC units), one per ancestor."""
        if unit.scope == "organization":
            return f"organizations/{target}"
        return target

    planned = Counter(progress_key(unit, target) for unit, _account, target in work)
    tracker = ProgressCounter(progress, planned=planned, provider="gcp", account=organization)

    def job(unit: Unit, account: str, target: str) -> Callable[[], UnitContext]:
        def run() -> UnitContext:
            context = unit.run(runtime, account, target)
            tracker.finished(progress_key(unit, target), unit.service)
            return context

        return run

    project_values: dict[str, dict[str, Any]] = {p: {} for p in projects}
    project_errors: dict[str, list[CollectionError]] = {p: [] for p in projects}
    org_values: dict[str, dict[str, Any]] = {t: {} for t in (*organizations, *ancestors)}
    org_errors: dict[str, list[CollectionError]] = {t: [] for t in (*organizations, *ancestors)}
    jobs = [job(*w) for w in work]
    for (unit, account, target), context in zip(work, pool.run(jobs), strict=True):
        if context is None:
            found, lost = pool.stop.unfinished("gcp", account, GLOBAL, unit.service, unit.datasets)
        else:
            found, lost = context.values, context.errors
        if unit.scope == "project":
            project_values[account].update(found)
            project_errors[account].extend(lost)
        else:
            org_values[target].update(found)
            org_errors[target].extend(lost)
    return project_values, project_errors, org_values, org_errors


def _inventory(
    project: ProjectScope,
    collected_at: datetime,
    project_values: dict[str, dict[str, Any]],
    project_errors: dict[str, list[CollectionError]],
    org_values: dict[str, dict[str, Any]],
    org_errors: dict[str, list[CollectionError]],
    api_calls: dict[str, int],
) -> GcpInventory:
    values = dict(project_values[project.project_id])
    errors = list(project_errors[project.project_id])
    org = project.organization_id
    if org:
        scc = org_values.get(org, {})
        values["scc_services"] = scc.get("scc_services")
        values["scc_sources"] = scc.get("scc_sources")
        values["scc_active_findings"] = findings_for_project(
            scc.get("scc_active_findings"), project.project_id, project.number
        )
        values["organization_vpc_flow_logs_configs"] = scc.get("organization_vpc_flow_logs_configs")
        errors += [e.model_copy(update={"account": project.project_id}) for e in org_errors.get(org, [])]
    values["ancestors"] = list(project.ancestors) if project.ancestors is not None else None
    if project.ancestry_error is not None:
        errors.append(project.ancestry_error)
    values["ancestor_sinks"] = (
        {a: org_values.get(a, {}).get("ancestor_sinks") for a in project.ancestors}
        if project.ancestors is not None
        else None
    )
    for ancestor in project.ancestors or ():
        errors += [e.model_copy(update={"account": project.project_id}) for e in org_errors.get(ancestor, [])]
    regions = sorted(
        {s.region for s in values.get("subnetworks") or []}
        | {b.region for b in values.get("backend_services") or [] if b.region != "global"}
        | {e.region for e in errors if e.region != "global"}
    )
    return GcpInventory(
        project_id=project.project_id,
        project_number=project.number,
        organization_id=org,
        display_name=project.display_name,
        collected_at=collected_at,
        regions=regions,
        errors=sorted(errors, key=lambda e: (e.region, e.service, e.dataset, e.operation, e.resource)),
        api_calls=api_calls,
        **values,
    )
