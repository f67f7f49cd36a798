"""The GCP gRPC emulator: Security Command Center v1, Cloud Logging v2 and Cloud Monitoring v3 on loopback.

The client packages ship proto-plus messages but no ``_pb2_grpc`` servicers, so the server registers
generic handlers: each method is ``(request class, response class, answer)``, and the proto-plus classes'
``serialize`` / ``deserialize`` put the messages on the wire. Insecure channel, 127.0.0.1, a free port.
Paging by ``page_token`` / ``next_page_token``; faults from the shared ``FaultPlan`` (PERMISSION_DENIED,
UNAVAILABLE, RESOURCE_EXHAUSTED, a response body that does not parse, a held (slow) answer, an empty
response message); every call recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
from typing import Any

import grpc
from google.cloud import logging_v2, monitoring_v3, securitycenter_v1

from auditor.emulators.gcp_faults import FaultPlan, ReceivedRequest
from auditor.emulators.gcp_state import GcpEmulatorState, GcpProjectState

Answer = Callable[[Any], Any]


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
        scc = securitycenter_v1
        self._service(
            "google.cloud.securitycenter.v1.SecurityCenter",
            {
                "GetOrganizationSettings": (
                    scc.GetOrganizationSettingsRequest,
                    scc.OrganizationSettings,
                    self._organization_settings,
                ),
                "ListSources": (scc.ListSourcesRequest, scc.ListSourcesResponse, self._sources),
                "ListFindings": (scc.ListFindingsRequest, scc.ListFindingsResponse, self._findings),
            },
        )
        self._service(
            "google.logging.v2.ConfigServiceV2",
            {
                "ListSinks": (
                    logging_v2.types.ListSinksRequest,
                    logging_v2.types.ListSinksResponse,
                    self._sinks,
                )
            },
        )
        self._service(
            "google.logging.v2.MetricsServiceV2",
            {
                "ListLogMetrics": (
                    logging_v2.types.ListLogMetricsRequest,
                    logging_v2.types.ListLogMetricsResponse,
                    self._metrics,
                )
            },
        )
        self._service(
            "google.monitoring.v3.AlertPolicyService",
            {
                "ListAlertPolicies": (
                    monitoring_v3.ListAlertPoliciesRequest,
                    monitoring_v3.ListAlertPoliciesResponse,
                    self._alert_policies,
                )
            },
        )
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
                    message if isinstance(message, bytes) else type(message).serialize(message)
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
                return response()
            try:
                return answer(request)
            except _Abort as error:
                context.abort(error.code, error.message)

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
        if org is None or not parent.startswith(f"organizations/{org.organization_id}"):
            raise _Abort(grpc.StatusCode.PERMISSION_DENIED, f"Permission denied on {parent}")
        return org

    def _project(self, parent: str) -> GcpProjectState:
        project_id = parent.split("/")[1] if parent.startswith("projects/") else ""
        project = self.state.project(project_id)
        if project is None:
            raise _Abort(grpc.StatusCode.PERMISSION_DENIED, f"Permission denied on {parent}")
        return project

    # --- Security Command Center ---------------------------------------------------------------

    def _organization_settings(self, request: Any) -> Any:
        org = self._organization(request.name)
        settings = org.settings
        config = securitycenter_v1.OrganizationSettings.AssetDiscoveryConfig
        mode = settings.get("inclusionMode") or "INCLUSION_MODE_UNSPECIFIED"
        return securitycenter_v1.OrganizationSettings(
            name=settings.get("name", request.name),
            enable_asset_discovery=bool(settings.get("enableAssetDiscovery")),
            asset_discovery_config=config(inclusion_mode=config.InclusionMode[mode]),
        )

    def _sources(self, request: Any) -> Any:
        org = self._organization(request.parent)
        page, token = self._page(org.sources, request.page_size, request.page_token)
        return securitycenter_v1.ListSourcesResponse(
            sources=[securitycenter_v1.Source(name=s["name"], display_name=s["displayName"]) for s in page],
            next_page_token=token,
        )

    def _findings(self, request: Any) -> Any:
        org = self._organization(request.parent)
        wanted_state = "ACTIVE" if 'state="ACTIVE"' in request.filter.replace(" ", "") else ""
        findings = [f for f in org.findings if not wanted_state or f["state"] == wanted_state]
        page, token = self._page(findings, request.page_size, request.page_token)
        result = securitycenter_v1.ListFindingsResponse.ListFindingsResult
        return securitycenter_v1.ListFindingsResponse(
            list_findings_results=[
                result(
                    finding=securitycenter_v1.Finding(
                        name=f["name"],
                        parent=f["parent"],
                        category=f["category"],
                        severity=securitycenter_v1.Finding.Severity[f["severity"]],
                        state=securitycenter_v1.Finding.State[f["state"]],
                        resource_name=f["resourceName"],
                    ),
                    resource=result.Resource(
                        name=f["resourceName"], project_display_name=f["projectDisplayName"]
                    ),
                )
                for f in page
            ],
            next_page_token=token,
            total_size=len(findings),
        )

    # --- Logging and Monitoring ----------------------------------------------------------------

    def _sinks(self, request: Any) -> Any:
        project = self._project(request.parent)
        page, token = self._page(project.log_sinks, request.page_size, request.page_token)
        return logging_v2.types.ListSinksResponse(
            sinks=[
                logging_v2.types.LogSink(
                    name=s["name"], destination=s["destination"], filter=s["filter"], disabled=s["disabled"]
                )
                for s in page
            ],
            next_page_token=token,
        )

    def _metrics(self, request: Any) -> Any:
        project = self._project(request.parent)
        page, token = self._page(project.log_metrics, request.page_size, request.page_token)
        return logging_v2.types.ListLogMetricsResponse(
            metrics=[logging_v2.types.LogMetric(name=m["name"], filter=m["filter"]) for m in page],
            next_page_token=token,
        )

    def _alert_policies(self, request: Any) -> Any:
        project = self._project(request.name)
        page, token = self._page(project.alert_policies, request.page_size, request.page_token)
        condition = monitoring_v3.AlertPolicy.Condition
        return monitoring_v3.ListAlertPoliciesResponse(
            alert_policies=[
                monitoring_v3.AlertPolicy(
                    name=a["name"],
                    display_name=a["displayName"],
                    enabled=a["enabled"],
                    conditions=[
                        condition(
                            display_name=a["displayName"],
                            condition_threshold=condition.MetricThreshold(filter=a["filter"]),
                        )
                    ],
                )
                for a in page
            ],
            next_page_token=token,
        )


def _short_name(operation: str) -> str:
    """'google.logging.v2.ConfigServiceV2.ListSinks' -> 'logging.ListSinks' (the fault key)."""
    service = operation.split(".")[1]
    return f"{service}.{operation.rsplit('.', 1)[1]}"
