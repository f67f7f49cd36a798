"""Which projects a GCP scan covers: those named, those of an organization, or all the credential sees."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.providers.gcp.failures import GcpCollectionFailed, ReadFailed
from auditor.providers.gcp.options import GcpScanOptions
from auditor.providers.gcp.unit import Runtime, UnitContext

SERVICE = "resourcemanager"
READS = ((SERVICE, "get_project"), (SERVICE, "search_projects"))


@dataclass(frozen=True)
class ProjectScope:
    project_id: str
    number: str = ""
    organization_id: str = ""
    display_name: str = ""


def _scope(project: object, organization: str | None) -> ProjectScope:
    parent = str(getattr(project, "parent", ""))
    org = parent.split("/", 1)[1] if parent.startswith("organizations/") else (organization or "")
    return ProjectScope(
        project_id=str(project.project_id),
        number=str(getattr(project, "name", "")).removeprefix("projects/"),
        organization_id=org,
        display_name=str(getattr(project, "display_name", "")),
    )


def resolve_projects(runtime: Runtime, options: GcpScanOptions) -> list[ProjectScope]:
    """The projects to scan. A named project that cannot be read is still scanned (its organization is
    then the one given with --organization, if any); a search that fails stops the scan."""
    context = UnitContext(runtime, "", "")
    client = runtime.clients.projects
    retry, timeout = runtime.clients.retry, options.call_timeout
    if options.projects:
        scopes = []
        for project_id in options.projects:
            try:
                project = context.call(
                    SERVICE,
                    "get_project",
                    lambda p=project_id: client().get_project(
                        name=f"projects/{p}", retry=retry, timeout=timeout
                    ),
                )
                scopes.append(_scope(project, options.organization))
            except ReadFailed:
                scopes.append(ProjectScope(project_id=project_id, organization_id=options.organization or ""))
        return scopes
    query = f"parent:organizations/{options.organization}" if options.organization else ""
    try:
        found = [
            _scope(project, options.organization)
            for page in context.pages(
                SERVICE,
                "search_projects",
                lambda: client().search_projects(request={"query": query}, retry=retry, timeout=timeout),
            )
            for project in page.projects
            if _state(project) == "ACTIVE"
        ]
    except ReadFailed as failure:
        raise GcpCollectionFailed(f"Resource Manager could not list the projects: {failure}") from None
    if not found:
        where = f"in organization {options.organization}" if options.organization else "for this credential"
        raise GcpCollectionFailed(f"no active project is visible {where}; name one with --project")
    return sorted(found, key=lambda scope: scope.project_id)


def _state(project: object) -> str:
    state = getattr(project, "state", "")
    return state if isinstance(state, str) else getattr(state, "name", str(state))
