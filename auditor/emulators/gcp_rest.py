"""The GCP REST emulator: Compute, Cloud DNS, Resource Manager v3, Service Usage, Cloud Storage, Network
Management and SCC management on loopback.

A stdlib ``ThreadingHTTPServer`` on 127.0.0.1 (a free port) answering the read operations the collector
sends, as the real APIs do: JSON bodies, ``nextPageToken`` paging, aggregated lists whose empty scopes
carry only a warning, Google error bodies for 403 / 429 / 503, and, on request, malformed, held (slow) or
empty answers. Every request
is recorded (``FaultPlan.requests``), so a test can prove that only reads arrive.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from auditor.emulators.gcp_faults import FaultPlan, ReceivedRequest
from auditor.emulators.gcp_state import GcpEmulatorState, GcpFolderState, GcpProjectState, Json

_STATUS = {
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "RESOURCE_EXHAUSTED",
    503: "UNAVAILABLE",
}

Route = tuple[str, re.Pattern[str], str, Callable[..., Json]]


class RestAnswer(Exception):
    """An error answer: HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class GcpRestEmulator:
    """Serve ``state`` over HTTP on 127.0.0.1; ``page_size`` caps every page (to exercise paging)."""

    def __init__(self, state: GcpEmulatorState, faults: FaultPlan, page_size: int = 50) -> None:
        self.state = state
        self.faults = faults
        self.page_size = page_size
        self._routes: list[Route] = [
            (
                "GET",
                re.compile(r"^/compute/v1/projects/([^/]+)/aggregated/subnetworks$"),
                "compute.subnetworks.aggregatedList",
                self._subnetworks,
            ),
            (
                "GET",
                re.compile(r"^/compute/v1/projects/([^/]+)/global/networks$"),
                "compute.networks.list",
                self._networks,
            ),
            (
                "GET",
                re.compile(r"^/compute/v1/projects/([^/]+)/global/firewalls$"),
                "compute.firewalls.list",
                self._firewalls,
            ),
            (
                "GET",
                re.compile(r"^/compute/v1/projects/([^/]+)/aggregated/backendServices$"),
                "compute.backendServices.aggregatedList",
                self._backend_services,
            ),
            (
                "GET",
                re.compile(r"^/compute/v1/projects/([^/]+)/aggregated/securityPolicies$"),
                "compute.securityPolicies.aggregatedList",
                self._security_policies,
            ),
            (
                "GET",
                re.compile(r"^/dns/v1/projects/([^/]+)/policies$"),
                "dns.policies.list",
                self._dns_policies,
            ),
            (
                "GET",
                re.compile(r"^/dns/v1/projects/([^/]+)/managedZones$"),
                "dns.managedZones.list",
                self._managed_zones,
            ),
            ("GET", re.compile(r"^/v3/projects:search$"), "resourcemanager.projects.search", self._search),
            ("GET", re.compile(r"^/v3/folders$"), "resourcemanager.folders.list", self._list_folders),
            ("GET", re.compile(r"^/v3/folders/([^/:]+)$"), "resourcemanager.folders.get", self._get_folder),
            ("GET", re.compile(r"^/v3/projects$"), "resourcemanager.projects.list", self._list_projects),
            (
                "GET",
                re.compile(r"^/v3/projects/([^/:]+)$"),
                "resourcemanager.projects.get",
                self._get_project,
            ),
            (
                "POST",
                re.compile(r"^/v3/projects/([^/:]+):getIamPolicy$"),
                "resourcemanager.projects.getIamPolicy",
                self._iam_policy,
            ),
            (
                "GET",
                re.compile(r"^/v1/projects/([^/]+)/services$"),
                "serviceusage.services.list",
                self._services,
            ),
            ("GET", re.compile(r"^/storage/v1/b/([^/]+)$"), "storage.buckets.get", self._bucket),
            (
                "GET",
                re.compile(r"^/v1/projects/([^/]+)/locations/([^/]+)/vpcFlowLogsConfigs$"),
                "networkmanagement.vpcFlowLogsConfigs.list",
                self._vpc_flow_logs_configs,
            ),
            (
                "GET",
                re.compile(r"^/v1/organizations/([^/]+)/locations/([^/]+)/vpcFlowLogsConfigs$"),
                "networkmanagement.organizations.vpcFlowLogsConfigs.list",
                self._organization_vpc_flow_logs_configs,
            ),
            (
                "GET",
                re.compile(r"^/v1/organizations/([^/]+)/locations/([^/]+)/securityCenterServices$"),
                "securitycentermanagement.securityCenterServices.list",
                self._scc_services,
            ),
        ]
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                emulator._handle(self, "GET")

            def do_POST(self) -> None:
                emulator._handle(self, "POST")

            def do_PATCH(self) -> None:
                emulator._handle(self, "PATCH")

            def do_PUT(self) -> None:
                emulator._handle(self, "PUT")

            def do_DELETE(self) -> None:
                emulator._handle(self, "DELETE")

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="gcp-rest-emulator", daemon=True
        )

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> GcpRestEmulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.faults.clear()  # held (slow) answers go first
        self._server.shutdown()
        self._server.server_close()

    # --- dispatch ------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            handler.rfile.read(length)
        parts = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            for verb, pattern, name, answer in self._routes:
                match = pattern.match(parts.path)
                if match is None:
                    continue
                self.faults.record(ReceivedRequest("rest", method, handler.path, name))
                if verb != method:
                    raise RestAnswer(
                        405, f"{method} is not served for {parts.path} (the emulator only reads)"
                    )
                fault = self.faults.take(name)
                if fault == "denied":
                    raise RestAnswer(403, f"The caller does not have permission ({name})")
                if fault == "unavailable":
                    raise RestAnswer(503, "The service is currently unavailable.")
                if fault == "malformed":
                    self._send(handler, 200, b'{"items": [unterminated')
                    return
                if fault == "throttled":
                    raise RestAnswer(429, f"Quota exceeded for quota metric 'Read requests' ({name})")
                body = answer(query, *match.groups())
                if fault == "empty":  # JSON omits empty lists: only the kind is left, if any
                    body = {key: value for key, value in body.items() if key == "kind"}
                self._send(handler, 200, json.dumps(body).encode())
                return
            self.faults.record(ReceivedRequest("rest", method, handler.path, ""))
            raise RestAnswer(404, f"no such resource: {parts.path}")
        except RestAnswer as error:
            status = _STATUS.get(error.status, "UNKNOWN")
            body = {
                "error": {
                    "code": error.status,
                    "message": error.message,
                    "status": status,
                    "errors": [{"message": error.message, "domain": "global", "reason": status}],
                }
            }
            self._send(handler, error.status, json.dumps(body).encode())
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a slow answer)
            handler.close_connection = True
        except Exception as error:  # a bug in the emulator: answer 500, never hang the client
            self._send(handler, 500, json.dumps({"error": {"code": 500, "message": repr(error)}}).encode())

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=UTF-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    # --- paging --------------------------------------------------------------------------------

    def _page(self, items: list[Any], query: dict[str, str]) -> tuple[list[Any], str]:
        size = self.page_size
        for key in ("maxResults", "pageSize"):
            if query.get(key):
                size = min(size, max(1, int(query[key])))
        token = query.get("pageToken") or "0"
        if not token.isdigit():
            raise RestAnswer(400, f"invalid page token {token!r}")
        start = int(token)
        end = start + size
        return items[start:end], (str(end) if end < len(items) else "")

    def _project(self, project_id: str) -> GcpProjectState:
        project = self.state.project(project_id)
        if project is None:
            raise RestAnswer(403, f"Permission denied on resource project {project_id} (or it may not exist)")
        return project

    def _plain_list(self, kind: str, key: str, items: list[Json], query: dict[str, str]) -> Json:
        page, token = self._page(items, query)
        body: Json = {"kind": kind, key: page}
        if token:
            body["nextPageToken"] = token
        return body

    def _aggregated(
        self, kind: str, key: str, by_scope: dict[str, list[Json]], scopes: list[str], query: dict[str, str]
    ) -> Json:
        flat = [(scope, item) for scope in scopes for item in by_scope.get(scope, [])]
        page, token = self._page(flat, query)
        items: dict[str, Json] = {}
        for scope, item in page:
            items.setdefault(scope, {key: []})[key].append(item)
        if query.get("pageToken", "0") == "0":  # the empty scopes, carrying only a warning, on page one
            for scope in scopes:
                if scope not in items and not by_scope.get(scope):
                    items[scope] = {
                        "warning": {
                            "code": "NO_RESULTS_ON_PAGE",
                            "message": f"There are no results for scope '{scope}' on this page.",
                            "data": [{"key": "scope", "value": scope}],
                        }
                    }
        body: Json = {"kind": kind, "items": items}
        if token:
            body["nextPageToken"] = token
        return body

    # --- Compute -------------------------------------------------------------------------------

    def _subnetworks(self, query: dict[str, str], project_id: str) -> Json:
        project = self._project(project_id)
        by_scope = {f"regions/{r}": items for r, items in project.subnetworks.items()}
        scopes = [f"regions/{r}" for r in project.regions]
        return self._aggregated("compute#subnetworkAggregatedList", "subnetworks", by_scope, scopes, query)

    def _networks(self, query: dict[str, str], project_id: str) -> Json:
        return self._plain_list("compute#networkList", "items", self._project(project_id).networks, query)

    def _firewalls(self, query: dict[str, str], project_id: str) -> Json:
        return self._plain_list("compute#firewallList", "items", self._project(project_id).firewalls, query)

    def _backend_services(self, query: dict[str, str], project_id: str) -> Json:
        project = self._project(project_id)
        scopes = ["global", *(f"regions/{r}" for r in project.regions)]
        return self._aggregated(
            "compute#backendServiceAggregatedList", "backendServices", project.backend_services, scopes, query
        )

    def _security_policies(self, query: dict[str, str], project_id: str) -> Json:
        project = self._project(project_id)
        scopes = ["global", *(f"regions/{r}" for r in project.regions)]
        return self._aggregated(
            "compute#securityPoliciesAggregatedList",
            "securityPolicies",
            project.security_policies,
            scopes,
            query,
        )

    # --- Cloud DNS -----------------------------------------------------------------------------

    def _dns_policies(self, query: dict[str, str], project_id: str) -> Json:
        return self._plain_list(
            "dns#policiesListResponse", "policies", self._project(project_id).dns_policies, query
        )

    def _managed_zones(self, query: dict[str, str], project_id: str) -> Json:
        return self._plain_list(
            "dns#managedZonesListResponse", "managedZones", self._project(project_id).managed_zones, query
        )

    # --- Resource Manager v3 -------------------------------------------------------------------

    @staticmethod
    def _project_body(project: GcpProjectState) -> Json:
        body: Json = {
            "name": f"projects/{project.number}",
            "projectId": project.project_id,
            "displayName": project.display_name,
            "state": project.state,
        }
        if project.parent:
            body["parent"] = project.parent
        return body

    def _search(self, query: dict[str, str]) -> Json:
        projects = [self._project_body(p) for p in self.state.projects.values()]
        page, token = self._page(projects, query)
        return {"projects": page, **({"nextPageToken": token} if token else {})}

    def _list_projects(self, query: dict[str, str]) -> Json:
        """The direct children of ``parent``; DELETE_REQUESTED ones only with ``showDeleted`` (as v3)."""
        parent = query.get("parent", "")
        self._parent_exists(parent)
        deleted = query.get("showDeleted", "").lower() == "true"
        projects = [
            self._project_body(p)
            for p in self.state.projects.values()
            if p.parent == parent and (deleted or p.state == "ACTIVE")
        ]
        page, token = self._page(projects, query)
        return {"projects": page, **({"nextPageToken": token} if token else {})}

    @staticmethod
    def _folder_body(folder: GcpFolderState) -> Json:
        return {
            "name": f"folders/{folder.folder_id}",
            "parent": folder.parent,
            "displayName": folder.display_name,
            "state": folder.state,
        }

    def _parent_exists(self, parent: str) -> None:
        kind, _, ident = parent.partition("/")
        org = self.state.organization
        known = (kind == "organizations" and org is not None and org.organization_id == ident) or (
            kind == "folders" and ident in self.state.folders
        )
        if not known:
            raise RestAnswer(403, f"Permission denied on resource '{parent}' (or it may not exist)")

    def _list_folders(self, query: dict[str, str]) -> Json:
        """The direct child folders of ``parent``; DELETE_REQUESTED ones only with ``showDeleted``."""
        parent = query.get("parent", "")
        self._parent_exists(parent)
        deleted = query.get("showDeleted", "").lower() == "true"
        folders = [
            self._folder_body(f)
            for f in self.state.folders.values()
            if f.parent == parent and (deleted or f.state == "ACTIVE")
        ]
        page, token = self._page(folders, query)
        return {"folders": page, **({"nextPageToken": token} if token else {})}

    def _get_folder(self, query: dict[str, str], folder_id: str) -> Json:
        folder = self.state.folders.get(folder_id)
        if folder is None:
            raise RestAnswer(
                403, f"Permission denied on resource 'folders/{folder_id}' (or it may not exist)"
            )
        return self._folder_body(folder)

    def _find_project(self, name: str) -> GcpProjectState:
        for project in self.state.projects.values():
            if name in (project.project_id, project.number):
                return project
        raise RestAnswer(403, f"Permission denied on resource projects/{name} (or it may not exist)")

    def _get_project(self, query: dict[str, str], name: str) -> Json:
        return self._project_body(self._find_project(name))

    def _iam_policy(self, query: dict[str, str], name: str) -> Json:
        return self._find_project(name).iam_policy

    # --- Service Usage and Cloud Storage -------------------------------------------------------

    def _services(self, query: dict[str, str], name: str) -> Json:
        project = self._find_project(name)
        wanted = query.get("filter", "")
        services = [s for s in project.services if wanted in ("", "state:ENABLED") or s["state"] in wanted]
        page, token = self._page(services, query)
        return {"services": page, **({"nextPageToken": token} if token else {})}

    def _bucket(self, query: dict[str, str], name: str) -> Json:
        bucket = self.state.buckets.get(name)
        if bucket is None:
            raise RestAnswer(404, f"The specified bucket does not exist: {name}")
        return bucket

    # --- Network Management ---------------------------------------------------------------------

    def _organization_vpc_flow_logs_configs(
        self, query: dict[str, str], organization: str, location: str
    ) -> Json:
        org = self.state.organization
        if org is None or org.organization_id != organization:
            raise RestAnswer(403, f"Permission denied on organizations/{organization}")
        configs = org.vpc_flow_logs_configs if location == "global" else []
        page, token = self._page(configs, query)
        return {"vpcFlowLogsConfigs": page, **({"nextPageToken": token} if token else {})}

    def _vpc_flow_logs_configs(self, query: dict[str, str], project_id: str, location: str) -> Json:
        project = self._project(project_id)
        configs = project.vpc_flow_logs_configs if location == "global" else []
        page, token = self._page(configs, query)
        return {"vpcFlowLogsConfigs": page, **({"nextPageToken": token} if token else {})}

    # --- SCC management ------------------------------------------------------------------------

    def _scc_services(self, query: dict[str, str], organization: str, location: str) -> Json:
        org = self.state.organization
        if org is None or org.organization_id != organization:
            raise RestAnswer(403, f"Permission denied on organizations/{organization}")
        page, token = self._page(org.services, query)
        return {"securityCenterServices": page, **({"nextPageToken": token} if token else {})}
