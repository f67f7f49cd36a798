"""The GCP gRPC emulator: Security Command Center v2, Cloud Logging v2 and Cloud Monitoring v3 on loopback.

The client packages ship proto-plus messages but no ``_pb2_grpc`` servicers, so the server registers
generic handlers: each method is ``(request class, response class, answer)``. An answer is the response in
its proto3 JSON form (what ``gcp_state`` holds), parsed strictly into the installed client's message class
(``json_format.ParseDict``, unknown fields refused: a seed the proto does not define fails the call with
INTERNAL instead of being served). Insecure channel, 127.0.0.1, a free port.
Paging by ``page_token`` / ``next_page_token``; faults from the shared ``FaultPlan`` (PERMISSION_DENIED,
UNAVAILABLE, RESOURCE_EXHAUSTED, a response body that does not parse, a held (slow) answer, an empty
response message); every call recorded.

``SERVED`` lists every (gRPC method path, request class, response class) served, for the contract tests.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
from typing import Any

import grpc
from google.cloud import logging_v2, monitoring_v3, securitycenter_v2
from google.protobuf import json_format
from google.protobuf.message import Message

from auditor.emulators.gcp_faults import FaultPlan, ReceivedRequest
from auditor.emulators.gcp_state import GcpEmulatorState, GcpProjectState, Json

Answer = Callable[[Any], Json]
SCC = "google.cloud.securitycenter.v2.SecurityCenter"
LOGGING_CONFIG = "google.logging.v2.ConfigServiceV2"
LOGGING_METRICS = "google.logging.v2.MetricsServiceV2"
ALERT_POLICIES = "google.monitoring.v3.AlertPolicyService"
METHODS: dict[str, dict[str, tuple[Any, Any]]] = {
    SCC: {
        "ListSources": (securitycenter_v2.ListSourcesRequest, securitycenter_v2.ListSourcesResponse),
        "ListFindings": (securitycenter_v2.ListFindingsRequest, securitycenter_v2.ListFindingsResponse),
    },
    LOGGING_CONFIG: {"ListSinks": (logging_v2.types.ListSinksRequest, logging_v2.types.ListSinksResponse)},
    LOGGING_METRICS: {
        "ListLogMetrics": (logging_v2.types.ListLogMetricsRequest, logging_v2.types.ListLogMetricsResponse)
    },
    ALERT_POLICIES: {
        "ListAlertPolicies": (
            monitoring_v3.ListAlertPoliciesRequest,
            monitoring_v3.ListAlertPoliciesResponse,
        )
    },
}
SERVED = tuple(
    (f"/{service}/{method}", request, response)
    for service, methods in METHODS.items()
    for method, (request, response) in methods.items()
)


def to_message(body: Json, response: Any) -> Message:
    """``body`` (proto3 JSON) as the protobuf message of the proto-plus class ``response``; a field the
    message does not define raises ``json_format.ParseError``."""
    return json_format.ParseDict(body, response.pb()(), ignore_unknown_fields=False)


class _Abort(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class GcpGrpcEmulator:
    """Serve ``state`` over gRPC on 127.0.0.1; ``page_size`` caps every page."""

    def __init__(self, state: GcpEmulatorState, faults: FaultPlan, page_size: int = 50) -> None:
        self.state = state
        self.faults = faults
        self.page_size = page_size
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="gcp-grpc"))
        answers: dict[str, dict[str, Answer]] = {
            SCC: {"ListSources": self._sources, "ListFindings": self._findings},
            LOGGING_CONFIG: {"ListSinks": self._sinks},
            LOGGING_METRICS: {"ListLogMetrics": self._metrics},
            ALERT_POLICIES: {"ListAlertPolicies": self._alert_policies},
        }
        for service, methods in METHODS.items():
            self._service(service, {m: (*classes, answers[service][m]) for m, classes in methods.items()})
        self.port = self._server.add_insecure_port("127.0.0.1:0")

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> GcpGrpcEmulator:
        self._server.start()
        return self

    def stop(self) -> None:
        self.faults.clear()  # held (slow) answers go first
        self._server.stop(grace=None)

    def _service(self, name: str, methods: dict[str, tuple[Any, Any, Answer]]) -> None:
        handlers = {
            method: grpc.unary_unary_rpc_method_handler(
                self._handler(f"{name}.{method}", answer, response),
                request_deserializer=request.deserialize,
                response_serializer=lambda message: (
                    message if isinstance(message, bytes) else message.SerializeToString()
                ),
            )
            for method, (request, response, answer) in methods.items()
        }
        self._server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(name, handlers),))

    def _handler(
        self, operation: str, answer: Answer, response: Any
    ) -> Callable[[Any, grpc.ServicerContext], Any]:
        short = "scc." + operation.rsplit(".", 1)[1] if ".securitycenter." in operation else operation
        key = short if short.startswith("scc.") else _short_name(operation)

        def handle(request: Any, context: grpc.ServicerContext) -> Any:
            self.faults.record(ReceivedRequest("grpc", "POST", "/" + operation, operation))
            fault = self.faults.take(key)
            if fault == "denied":
                context.abort(
                    grpc.StatusCode.PERMISSION_DENIED, f"The caller does not have permission ({key})"
                )
            if fault == "unavailable":
                context.abort(grpc.StatusCode.UNAVAILABLE, "The service is currently unavailable.")
            if fault == "malformed":
                return b"\xff\xff\xff\xff not a protobuf message"
            if fault == "throttled":
                context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, f"Quota exceeded ({key})")
            if fault == "empty":
                return response.pb()()
            try:
                return to_message(answer(request), response)
            except _Abort as error:
                context.abort(error.code, error.message)
            except json_format.ParseError as error:  # a seed the proto does not define: never served
                context.abort(
                    grpc.StatusCode.INTERNAL, f"emulator seed is not a {response.__name__}: {error}"
                )

        return handle

    # --- paging --------------------------------------------------------------------------------

    def _page(self, items: list[Any], page_size: int, page_token: str) -> tuple[list[Any], str]:
        size = min(self.page_size, page_size) if page_size else self.page_size
        token = page_token or "0"
        if not token.isdigit():
            raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, f"invalid page token {token!r}")
        start = int(token)
        end = start + size
        return items[start:end], (str(end) if end < len(items) else "")

    def _organization(self, parent: str) -> Any:
        org = self.state.organization
        name = f"organizations/{org.organization_id}" if org is not None else ""
        if org is None or not (parent == name or parent.startswith(name + "/")):
            raise _Abort(grpc.StatusCode.PERMISSION_DENIED, f"Permission denied on {parent}")
        return org

    def _project(self, parent: str) -> GcpProjectState:
        project_id = parent.split("/")[1] if parent.startswith("projects/") else ""
        project = self.state.project(project_id)
        if project is None:
            raise _Abort(grpc.StatusCode.PERMISSION_DENIED, f"Permission denied on {parent}")
        return project

    # --- Security Command Center v2 ----------------------------------------------------------

    def _sources(self, request: Any) -> Json:
        """v2 ListSources: parent ``organizations/O`` (sources are not located)."""
        org = self._organization(request.parent)
        if request.parent != f"organizations/{org.organization_id}":
            raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, f"invalid parent {request.parent!r}")
        page, token = self._page(org.sources, request.page_size, request.page_token)
        return {"sources": page, **({"nextPageToken": token} if token else {})}

    def _findings(self, request: Any) -> Json:
        """v2 ListFindings: parent ``organizations/O/sources/S`` optionally followed by
        ``/locations/L`` (no location: global); ``-`` for every source."""
        org = self._organization(request.parent)
        parts = request.parent.split("/")
        located = len(parts) == 6 and parts[4] == "locations"
        if not (len(parts) in (4, 6) and parts[2] == "sources" and (len(parts) == 4 or located)):
            raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, f"invalid parent {request.parent!r}")
        source, location = parts[3], parts[5] if located else "global"
        wanted_state = "ACTIVE" if 'state="ACTIVE"' in request.filter.replace(" ", "") else ""
        findings = [
            f
            for f in org.findings
            if (source == "-" or f["finding"]["parent"].endswith(f"/sources/{source}/locations/{location}"))
            and f"/locations/{location}/" in f["finding"]["name"]
            and (not wanted_state or f["finding"].get("state") == wanted_state)
        ]
        page, token = self._page(findings, request.page_size, request.page_token)
        body: Json = {"listFindingsResults": page, "totalSize": len(findings)}
        if token:
            body["nextPageToken"] = token
        return body

    # --- Logging and Monitoring ----------------------------------------------------------------

    def _sink_owner(self, parent: str) -> list[Json]:
        """The sinks of a project, a folder or the organization."""
        kind, _, ident = parent.partition("/")
        org = self.state.organization
        if kind == "organizations" and org is not None and org.organization_id == ident:
            return org.log_sinks
        if kind == "folders" and ident in self.state.folders:
            return self.state.folders[ident].log_sinks
        return self._project(parent).log_sinks

    def _sinks(self, request: Any) -> Json:
        sinks = self._sink_owner(request.parent)
        page, token = self._page(sinks, request.page_size, request.page_token)
        return {"sinks": page, **({"nextPageToken": token} if token else {})}

    def _metrics(self, request: Any) -> Json:
        project = self._project(request.parent)
        page, token = self._page(project.log_metrics, request.page_size, request.page_token)
        return {"metrics": page, **({"nextPageToken": token} if token else {})}

    def _alert_policies(self, request: Any) -> Json:
        project = self._project(request.name)
        page, token = self._page(project.alert_policies, request.page_size, request.page_token)
        return {"alertPolicies": page, **({"nextPageToken": token} if token else {})}


def _short_name(operation: str) -> str:
    """'google.logging.v2.ConfigServiceV2.ListSinks' -> 'logging.ListSinks' (the fault key)."""
    service = operation.split(".")[1]
    return f"{service}.{operation.rsplit('.', 1)[1]}"
