"""Which projects a GCP scan covers: those named, every one under an organization or a folder (nested
folders included), or all the credential sees.

Resource Manager v3 lists only direct children (``projects.list`` / ``folders.list`` with a ``parent``;
``projects.search`` with ``parent:`` matches the direct parent too), so an organization or a folder is
walked: its projects, then each ACTIVE child folder's projects, down the tree. DELETE_REQUESTED projects
and folders are skipped (v3 lists them only with ``show_deleted``, and the states are checked again).

Each project's ancestors (its folders up to the organization, nearest first) are known from the walk or
read with ``folders.get`` up the tree (each folder once per scan): the sinks of those folders and of the
organization can export the project's logs. A project in a folder whose organization was not given learns
it from its ancestors. A folder that cannot be read leaves the ancestors of the projects under it unknown
(``ancestors`` None with the error), without stopping the scan.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import Any

from auditor.inventory.gcp import GLOBAL
from auditor.model import CollectionError
from auditor.providers.gcp.failures import GcpCollectionFailed, ReadFailed
from auditor.providers.gcp.options import GcpScanOptions
from auditor.providers.gcp.unit import Runtime, UnitContext

SERVICE = "resourcemanager"
READS = (
    (SERVICE, "get_project"),
    (SERVICE, "search_projects"),
    (SERVICE, "list_projects"),
    (SERVICE, "list_folders"),
    (SERVICE, "get_folder"),
)
ACTIVE = "ACTIVE"
MAX_DEPTH = 20
"""Folders nest at most 10 deep (20 counting deleted ones); a longer chain is an answer we refuse."""


@dataclass(frozen=True)
class ProjectScope:
    project_id: str
    number: str = ""
    organization_id: str = ""
    display_name: str = ""
    folder_id: str = ""
    """The folder the project sits in directly ("" for an organization's root or when not known)."""
    parent: str = ""
    """``folders/F`` or ``organizations/O`` ("" when not known)."""
    ancestors: tuple[str, ...] | None = ()
    """Its folders and organization, nearest first; None when they could not be read."""
    ancestry_error: CollectionError | None = None
    """Why ``ancestors`` is None."""


def _scope(project: Any, organization: str | None) -> ProjectScope:
    parent = str(getattr(project, "parent", ""))
    org = parent.split("/", 1)[1] if parent.startswith("organizations/") else (organization or "")
    return ProjectScope(
        project_id=str(project.project_id),
        number=str(getattr(project, "name", "")).removeprefix("projects/"),
        organization_id=org,
        display_name=str(getattr(project, "display_name", "")),
        folder_id=parent.removeprefix("folders/") if parent.startswith("folders/") else "",
        parent=parent,
    )


Parents = dict[str, str]
"""A folder's parent by folder name ('folders/F' -> 'folders/G' or 'organizations/O'), as seen."""


def resolve_projects(runtime: Runtime, options: GcpScanOptions) -> list[ProjectScope]:
    """The projects to scan, each with its ancestors. A named project that cannot be read is still scanned
    (its organization is then the one given with --organization, if any); a listing that fails stops the
    scan."""
    parents: Parents = {}
    if options.projects:
        scopes = _named(runtime, options)
    elif options.folder is not None or options.organization is not None:
        scopes = _under(runtime, options, parents)
    else:
        scopes = _visible(runtime, options)
    unreadable: dict[str, ReadFailed] = {}
    return [_with_ancestors(runtime, options, scope, parents, unreadable) for scope in scopes]


def _with_ancestors(
    runtime: Runtime,
    options: GcpScanOptions,
    scope: ProjectScope,
    parents: Parents,
    unreadable: dict[str, ReadFailed],
) -> ProjectScope:
    """The scope with its ancestors, reading each folder not yet seen once (``folders.get``); a folder
    that could not be read is not asked again (``unreadable``)."""
    if scope.ancestry_error is not None or not scope.parent:
        return scope  # its own read failed (the error says so), or it sits in no organization
    context = UnitContext(runtime, scope.project_id, "")
    retry, timeout = runtime.clients.retry, options.call_timeout
    chain: list[str] = []
    current = scope.parent
    while current.startswith("folders/") and len(chain) <= MAX_DEPTH:
        chain.append(current)
        if current not in parents and current not in unreadable:
            try:
                found = context.call(
                    SERVICE,
                    "get_folder",
                    lambda n=current: runtime.clients.folders().get_folder(
                        name=n, retry=retry, timeout=timeout
                    ),
                )
                parents[current] = str(found.parent)
            except ReadFailed as failure:
                failure.resource = current
                unreadable[current] = failure  # not asked again for the next project under it
        if current in unreadable:
            error = CollectionError.of_failure(
                unreadable[current],
                provider="gcp",
                account=scope.project_id,
                region=GLOBAL,
                dataset="ancestors",
            )
            return replace(scope, ancestors=None, ancestry_error=error)
        current = parents[current]
    organization = scope.organization_id
    if current.startswith("organizations/"):
        chain.append(current)
        organization = organization or current.removeprefix("organizations/")
    return replace(scope, ancestors=tuple(chain), organization_id=organization)


def _named(runtime: Runtime, options: GcpScanOptions) -> list[ProjectScope]:
    context = UnitContext(runtime, "", "")
    client = runtime.clients.projects
    retry, timeout = runtime.clients.retry, options.call_timeout
    scopes = []
    for project_id in options.projects:
        try:
            project = context.call(
                SERVICE,
                "get_project",
                lambda p=project_id: client().get_project(name=f"projects/{p}", retry=retry, timeout=timeout),
            )
            scopes.append(_scope(project, options.organization))
        except ReadFailed as failure:
            error = CollectionError.of_failure(
                failure, provider="gcp", account=project_id, region=GLOBAL, dataset="ancestors"
            )
            scopes.append(
                ProjectScope(
                    project_id=project_id,
                    organization_id=options.organization or "",
                    ancestors=None,
                    ancestry_error=error,
                )
            )
    return scopes


def _visible(runtime: Runtime, options: GcpScanOptions) -> list[ProjectScope]:
    context = UnitContext(runtime, "", "")
    client = runtime.clients.projects
    retry, timeout = runtime.clients.retry, options.call_timeout
    try:
        found = [
            _scope(project, None)
            for page in context.pages(
                SERVICE,
                "search_projects",
                lambda: client().search_projects(request={"query": ""}, retry=retry, timeout=timeout),
            )
            for project in page.projects
            if _state(project) == ACTIVE
        ]
    except ReadFailed as failure:
        raise GcpCollectionFailed(f"Resource Manager could not list the projects: {failure}") from None
    if not found:
        raise GcpCollectionFailed("no active project is visible for this credential; name one with --project")
    return sorted(found, key=lambda scope: scope.project_id)


def _under(runtime: Runtime, options: GcpScanOptions, parents: Parents) -> list[ProjectScope]:
    """Every ACTIVE project under the folder (or else the organization), walking the folder tree."""
    context = UnitContext(runtime, "", "")
    retry, timeout = runtime.clients.retry, options.call_timeout
    root = (
        f"folders/{options.folder}" if options.folder is not None else f"organizations/{options.organization}"
    )
    organization = options.organization
    if organization is None and options.folder is not None:
        organization = _organization_of(context, runtime, options.folder, options, parents)
    found: list[ProjectScope] = []
    pending: deque[tuple[str, int]] = deque([(root, 0)])
    while pending:
        parent, depth = pending.popleft()
        if depth > MAX_DEPTH:
            raise GcpCollectionFailed(
                f"the folders under {root} nest deeper than {MAX_DEPTH}: refusing the answer"
            )
        try:
            found += [
                _scope(project, organization)
                for page in context.pages(
                    SERVICE,
                    "list_projects",
                    lambda p=parent: runtime.clients.projects().list_projects(
                        parent=p, retry=retry, timeout=timeout
                    ),
                )
                for project in page.projects
                if _state(project) == ACTIVE
            ]
            children = [
                folder
                for page in context.pages(
                    SERVICE,
                    "list_folders",
                    lambda p=parent: runtime.clients.folders().list_folders(
                        parent=p, retry=retry, timeout=timeout
                    ),
                )
                for folder in page.folders
                if _state(folder) == ACTIVE
            ]
            parents.update({str(folder.name): parent for folder in children})
            pending.extend((str(folder.name), depth + 1) for folder in children)
        except ReadFailed as failure:
            raise GcpCollectionFailed(
                f"Resource Manager could not list what is under {parent} (it needs "
                "resourcemanager.projects.list and resourcemanager.folders.list there, e.g. Folder Viewer "
                f"role): {failure}"
            ) from None
    if not found:
        raise GcpCollectionFailed(f"no active project under {root}; name one with --project")
    return sorted(found, key=lambda scope: scope.project_id)


def _organization_of(
    context: UnitContext, runtime: Runtime, folder: str, options: GcpScanOptions, parents: Parents
) -> str:
    """The organization a folder sits in, reading its ancestors (``folders.get`` up the tree)."""
    retry, timeout = runtime.clients.retry, options.call_timeout
    name = f"folders/{folder}"
    for _ in range(MAX_DEPTH):
        try:
            found = context.call(
                SERVICE,
                "get_folder",
                lambda n=name: runtime.clients.folders().get_folder(name=n, retry=retry, timeout=timeout),
            )
        except ReadFailed as failure:
            raise GcpCollectionFailed(
                f"Resource Manager could not read {name} to find the organization of folder {folder} "
                f"(it needs resourcemanager.folders.get; or give the organization with --organization): "
                f"{failure}"
            ) from None
        parent = str(found.parent)
        parents[name] = parent
        if parent.startswith("organizations/"):
            return parent.removeprefix("organizations/")
        if not parent.startswith("folders/"):
            raise GcpCollectionFailed(f"{name} has an unexpected parent {parent!r}")
        name = parent
    raise GcpCollectionFailed(f"the ancestors of folder {folder} nest deeper than {MAX_DEPTH}")


def _state(resource: object) -> str:
    state = getattr(resource, "state", "")
    return state if isinstance(state, str) else getattr(state, "name", str(state))
