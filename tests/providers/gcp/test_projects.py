"""Which projects a GCP scan covers: an organization's or a folder's whole tree (nested folders, paged
lists), DELETE_REQUESTED ones skipped, against the REST and gRPC emulators with the real clients."""

from __future__ import annotations

import pytest

from auditor.emulators.estate import EstateError, parse_estate
from auditor.emulators.gcp_emulator import GcpEmulator
from auditor.providers.gcp import GcpCollectionFailed, GcpScanOptions, collect_gcp
from auditor.providers.gcp.clients import GcpClients, credentials_for
from auditor.providers.gcp.collector import declared_reads
from auditor.providers.gcp.projects import resolve_projects
from auditor.providers.gcp.readonly import ReadOnlyGuard, ReadOnlyViolation
from auditor.providers.gcp.unit import ApiCallCounter, Runtime

ORG = "123456789"
ESTATE = f"""
gcp:
  organization: {{id: "{ORG}", scc: {{}}}}
  folders:
    - {{id: "2001", name: production}}
    - {{id: "2002", name: eu, parent: "2001"}}
    - {{id: "2003", name: retired, state: DELETE_REQUESTED}}
    - {{id: "2004", name: sandbox}}
  projects:
    - {{id: root-project}}
    - {{id: prod-project, folder: "2001"}}
    - {{id: eu-project, folder: "2002"}}
    - {{id: eu-two-project, folder: "2002"}}
    - {{id: gone-project, folder: "2001", state: DELETE_REQUESTED}}
    - {{id: gone-root-project, state: DELETE_REQUESTED}}
"""


@pytest.fixture(scope="module")
def emulator():
    spec = parse_estate(ESTATE, "folders.yaml").gcp
    with GcpEmulator.from_estate(spec, page_size=1) as running:  # one item a page: every list pages
        yield running


@pytest.fixture
def gcp(emulator):
    emulator.faults.clear()
    emulator.faults.reset_requests()
    return emulator


def _options(gcp: GcpEmulator, **overrides) -> GcpScanOptions:
    endpoints = gcp.endpoints()
    return GcpScanOptions(
        endpoints=endpoints, anonymous=True, retry_initial=0.01, retry_deadline=2, num_retries=1, **overrides
    )


def _scopes(gcp: GcpEmulator, **overrides):
    options = _options(gcp, **overrides)
    runtime = Runtime(
        GcpClients(options, credentials_for(options)), ReadOnlyGuard(declared_reads()), ApiCallCounter()
    )
    return {scope.project_id: scope for scope in resolve_projects(runtime, options)}


def test_an_organization_covers_projects_in_nested_folders(gcp):
    scopes = _scopes(gcp, organization=ORG)
    assert sorted(scopes) == ["eu-project", "eu-two-project", "prod-project", "root-project"]
    assert {p: (s.organization_id, s.folder_id) for p, s in scopes.items()} == {
        "root-project": (ORG, ""),
        "prod-project": (ORG, "2001"),
        "eu-project": (ORG, "2002"),
        "eu-two-project": (ORG, "2002"),
    }
    walked = {r.path for r in gcp.faults.requests() if r.operation == "resourcemanager.folders.list"}
    assert not [path for path in walked if "folders%2F2003" in path or "folders/2003" in path]  # deleted
    for operation in ("resourcemanager.projects.list", "resourcemanager.folders.list"):
        pages = [r for r in gcp.faults.requests() if r.operation == operation]
        assert any("pageToken" in r.path for r in pages), operation  # followed page by page


def test_the_whole_organization_is_collected_with_its_scc(gcp):
    inventories = {i.project_id: i for i in collect_gcp(_options(gcp, organization=ORG))}
    assert sorted(inventories) == ["eu-project", "eu-two-project", "prod-project", "root-project"]
    assert all(i.organization_id == ORG and i.scc_services is not None for i in inventories.values())
    assert all(i.errors == [] for i in inventories.values())
    assert {p: i.ancestors for p, i in inventories.items()} == {
        "root-project": [f"organizations/{ORG}"],
        "prod-project": ["folders/2001", f"organizations/{ORG}"],
        "eu-project": ["folders/2002", "folders/2001", f"organizations/{ORG}"],
        "eu-two-project": ["folders/2002", "folders/2001", f"organizations/{ORG}"],
    }
    # the walk knows every folder's parent: no folder is read again for the ancestors
    assert not [r for r in gcp.faults.requests() if r.operation == "resourcemanager.folders.get"]
    # each ancestor's sinks are read once for the whole scan (page size 1: one page for no sink)
    sinks = [r for r in gcp.faults.requests() if r.operation.endswith("ConfigServiceV2.ListSinks")]
    assert len(sinks) == 4 + 3  # the 4 projects' own, and folders 2001, 2002 and the organization


def test_a_folder_selects_only_its_subtree_and_finds_its_organization(gcp):
    inventories = {i.project_id: i for i in collect_gcp(_options(gcp, folder="2001"))}
    assert sorted(inventories) == ["eu-project", "eu-two-project", "prod-project"]
    assert {i.organization_id for i in inventories.values()} == {ORG}  # from the folder's ancestors
    assert all(i.scc_services is not None for i in inventories.values())
    assert sorted(_scopes(gcp, folder="2002")) == ["eu-project", "eu-two-project"]


def test_a_folder_with_its_organization_given_reads_its_ancestors_once_for_their_sinks(gcp):
    scopes = _scopes(gcp, folder="2002", organization=ORG)
    assert sorted(scopes) == ["eu-project", "eu-two-project"]
    assert {s.ancestors for s in scopes.values()} == {
        ("folders/2002", "folders/2001", f"organizations/{ORG}")
    }
    read = [
        r.path.split("?")[0] for r in gcp.faults.requests() if r.operation == "resourcemanager.folders.get"
    ]
    assert read == ["/v3/folders/2002", "/v3/folders/2001"]  # once each, for both projects


def test_a_named_project_in_a_folder_learns_its_ancestors_and_organization(gcp):
    [inventory] = collect_gcp(_options(gcp, projects=("eu-project",)))
    assert inventory.organization_id == ORG and inventory.scc_services is not None
    assert inventory.ancestors == ["folders/2002", "folders/2001", f"organizations/{ORG}"]
    assert set(inventory.ancestor_sinks) == set(inventory.ancestors)


def test_an_unreadable_ancestor_folder_is_an_error_of_the_sink_check_not_a_stop(gcp):
    from datetime import UTC, datetime

    from auditor.engine import build_scan_result
    from auditor.model import Status

    gcp.faults.inject("resourcemanager.folders.get", "denied")
    inventory, other = collect_gcp(_options(gcp, projects=("eu-project", "eu-two-project"), organization=ORG))
    assert inventory.ancestors is None and inventory.ancestor_sinks is None
    assert other.ancestors is None  # the same folder: asked once, for the first project
    assert len([r for r in gcp.faults.requests() if r.operation == "resourcemanager.folders.get"]) == 1
    [error] = [e for e in inventory.errors if e.dataset == "ancestors"]
    assert (error.kind, error.resource) == ("denied", "folders/2002")
    now = datetime.now(UTC)
    result = build_scan_result([inventory], started_at=now, finished_at=now, source="live", benchmarks=[])
    [sink] = [f for f in result.findings if f.check_id == "gcp.logging.sink_all_entries"]
    assert sink.status is Status.ERROR and "resourcemanager:get_folder" in sink.message


def test_delete_requested_projects_are_skipped_by_the_search_too(gcp):
    assert sorted(_scopes(gcp)) == ["eu-project", "eu-two-project", "prod-project", "root-project"]


def test_a_folder_without_projects_is_a_clear_start_error(gcp):
    with pytest.raises(GcpCollectionFailed, match="no active project under folders/2004"):
        _scopes(gcp, folder="2004", organization=ORG)


def test_a_denied_folder_listing_stops_the_scan_naming_the_permission(gcp):
    gcp.faults.inject("resourcemanager.folders.list", "denied")
    with pytest.raises(
        GcpCollectionFailed, match=r"under organizations/123456789 .*resourcemanager.folders.list"
    ):
        collect_gcp(_options(gcp, organization=ORG))


def test_an_unknown_folder_is_a_clear_start_error(gcp):
    with pytest.raises(GcpCollectionFailed, match=r"could not read folders/9999 .*--organization"):
        collect_gcp(_options(gcp, folder="9999"))


def test_only_reads_reach_the_emulators(gcp):
    collect_gcp(_options(gcp, folder="2001"))
    received = gcp.faults.requests()
    assert {r.operation for r in received} >= {
        "resourcemanager.folders.get",
        "resourcemanager.folders.list",
        "resourcemanager.projects.list",
    }
    assert all(r.is_read for r in received)


def test_the_guard_allows_the_folder_reads_and_refuses_their_writes(gcp):
    guard = ReadOnlyGuard(declared_reads())
    for method in ("list_folders", "get_folder", "list_projects"):
        guard.check("resourcemanager", method)
    for method in ("create_folder", "delete_folder", "move_project", "update_folder"):
        with pytest.raises(ReadOnlyViolation):
            guard.check("resourcemanager", method)
    options = _options(gcp)
    clients = GcpClients(options, credentials_for(options))
    with pytest.raises(ReadOnlyViolation):  # on the wire too: the REST session refuses the DELETE
        clients.folders().delete_folder(name="folders/2004")
    assert not [r for r in gcp.faults.requests() if not r.is_read]


def test_a_malformed_folder_id_is_refused():
    with pytest.raises(ValueError, match="numeric folder id"):
        GcpScanOptions(folder="folders/12")


@pytest.mark.parametrize(
    ("yaml_tail", "problem"),
    [
        ('  folders: [{id: "1", parent: "7"}]\n', "folders[0].parent: no folder '7'"),
        ('  folders: [{id: "1", parent: "2"}, {id: "2", parent: "1"}]\n', "folder 1 is its own ancestor"),
        ('  projects: [{id: lost-project, folder: "5"}]\n', "projects[0].folder: no folder '5'"),
    ],
)
def test_a_malformed_folder_tree_names_the_place(yaml_tail, problem):
    text = f'gcp:\n  organization: {{id: "{ORG}"}}\n' + yaml_tail
    with pytest.raises(EstateError) as caught:
        parse_estate(text, "bad.yaml")
    assert "bad.yaml: gcp" in str(caught.value) and problem in str(caught.value)


def test_folders_need_an_organization():
    with pytest.raises(EstateError, match="folders need an organization"):
        parse_estate('gcp:\n  folders: [{id: "1"}]\n', "bad.yaml")
