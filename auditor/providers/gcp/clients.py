"""The real GCP clients the collector reads with, built once per scan.

Credentials: Application Default Credentials (``google.auth.default``), or with ``anonymous`` google.auth's
``AnonymousCredentials`` (an emulator). Endpoints: Google's, or those of ``GcpEndpoints`` (an emulator or a
private endpoint): ``client_options.api_endpoint`` for the REST clients, a plaintext or TLS channel for the
gRPC ones. Every gRPC channel carries the read-only interceptor, every HTTP session the read-only adapter.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import google.auth
import grpc
from google.api_core import exceptions as core
from google.api_core.client_options import ClientOptions
from google.api_core.retry import Retry, if_exception_type
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.exceptions import DefaultCredentialsError

from auditor.providers.gcp.failures import GcpCollectionFailed
from auditor.providers.gcp.options import GcpScanOptions
from auditor.providers.gcp.readonly import ReadOnlyAdapter, ReadOnlyHttp, ReadOnlyInterceptor

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
T = TypeVar("T")

_TRANSIENT = if_exception_type(
    core.ServiceUnavailable, core.TooManyRequests, core.ResourceExhausted, core.DeadlineExceeded
)


def credentials_for(options: GcpScanOptions) -> Credentials:
    """Anonymous credentials when asked (an emulator); Application Default Credentials otherwise."""
    if options.anonymous:
        return AnonymousCredentials()  # type: ignore[no-untyped-call]
    try:
        credentials, _ = google.auth.default(scopes=list(SCOPES))
    except DefaultCredentialsError as error:
        raise GcpCollectionFailed(
            "no Application Default Credentials: run `gcloud auth application-default login` or set "
            f"GOOGLE_APPLICATION_CREDENTIALS ({error})"
        ) from None
    return credentials


class GcpClients:
    """One client per API, built on first use (thread-safe), and the retry every call uses."""

    def __init__(self, options: GcpScanOptions, credentials: Credentials) -> None:
        self.options = options
        self.credentials = credentials
        self.retry = Retry(
            predicate=_TRANSIENT,
            initial=options.retry_initial,
            maximum=options.retry_maximum,
            multiplier=2.0,
            timeout=options.retry_deadline,
        )
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}

    def _once(self, name: str, build: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._clients:
                self._clients[name] = build()
            return self._clients[name]  # type: ignore[no-any-return]

    # --- REST (gapic) --------------------------------------------------------------------------

    def _rest(self, client_class: type[T], service: str) -> T:
        endpoints = self.options.endpoints
        url = endpoints.rest_for(service) if endpoints is not None else None
        options = ClientOptions(api_endpoint=url) if url is not None else None
        client = client_class(credentials=self.credentials, client_options=options, transport="rest")  # type: ignore[call-arg]
        session = getattr(client.transport, "_session", None)  # the transport's AuthorizedSession
        if session is not None:
            for prefix in ("https://", "http://"):
                session.mount(prefix, ReadOnlyAdapter())
        return client

    def compute(self, kind: str) -> Any:
        """A Compute client by kind: networks, subnetworks, firewalls, backend_services, security_policies."""
        from google.cloud import compute_v1

        classes = {
            "networks": compute_v1.NetworksClient,
            "subnetworks": compute_v1.SubnetworksClient,
            "firewalls": compute_v1.FirewallsClient,
            "backend_services": compute_v1.BackendServicesClient,
            "security_policies": compute_v1.SecurityPoliciesClient,
        }
        return self._once(f"compute.{kind}", lambda: self._rest(classes[kind], "compute"))

    def projects(self) -> Any:
        from google.cloud import resourcemanager_v3

        return self._once(
            "projects", lambda: self._rest(resourcemanager_v3.ProjectsClient, "resourcemanager")
        )

    def folders(self) -> Any:
        from google.cloud import resourcemanager_v3

        return self._once("folders", lambda: self._rest(resourcemanager_v3.FoldersClient, "resourcemanager"))

    def scc_management(self) -> Any:
        from google.cloud import securitycentermanagement_v1

        return self._once(
            "scc_management",
            lambda: self._rest(
                securitycentermanagement_v1.SecurityCenterManagementClient, "securitycentermanagement"
            ),
        )

    def discovery(self, api: str, version: str = "v1") -> Any:
        """A discovery-based client with the static document shipped in google-api-python-client: Cloud DNS
        (google-cloud-dns has no policies), Service Usage, Cloud Storage, Network Management (no
        google-cloud package is installed for it). httplib2 is not thread-safe: one client per unit run."""
        import google_auth_httplib2
        from googleapiclient.discovery import build
        from googleapiclient.discovery_cache import get_static_doc

        endpoints = self.options.endpoints
        url = endpoints.rest_for(api) if endpoints is not None else None
        options = None
        if url is not None:  # the endpoint stands in for the root URL; the service path stays
            document = json.loads(get_static_doc(api, version) or "{}")
            options = {"api_endpoint": url.rstrip("/") + "/" + document.get("servicePath", "")}
        http = google_auth_httplib2.AuthorizedHttp(
            self.credentials, http=ReadOnlyHttp(timeout=self.options.call_timeout)
        )
        return build(
            api,
            version,
            http=http,
            client_options=options,
            static_discovery=True,
            cache_discovery=False,
        )

    # --- gRPC (gapic) --------------------------------------------------------------------------

    def _grpc(self, client_class: Any, transport_class: Any, service: str) -> Any:
        endpoints = self.options.endpoints
        target = endpoints.grpc_for(service) if endpoints is not None else None
        if target is not None and target[1]:  # plaintext: an emulator
            channel = grpc.insecure_channel(target[0])
        elif target is not None:
            channel = transport_class.create_channel(
                target[0], credentials=self.credentials, scopes=list(SCOPES)
            )
        else:
            channel = transport_class.create_channel(credentials=self.credentials, scopes=list(SCOPES))
        guarded = grpc.intercept_channel(channel, ReadOnlyInterceptor())
        return client_class(transport=transport_class(channel=guarded))

    def security_center(self) -> Any:
        """Security Command Center v2 (organizations that activated SCC after December 2024 have only v2)."""
        from google.cloud import securitycenter_v2
        from google.cloud.securitycenter_v2.services.security_center.transports import (
            SecurityCenterGrpcTransport,
        )

        return self._once(
            "scc",
            lambda: self._grpc(
                securitycenter_v2.SecurityCenterClient, SecurityCenterGrpcTransport, "securitycenter"
            ),
        )

    def logging_config(self) -> Any:
        from google.cloud.logging_v2.services.config_service_v2 import ConfigServiceV2Client
        from google.cloud.logging_v2.services.config_service_v2.transports import ConfigServiceV2GrpcTransport

        return self._once(
            "logging_config",
            lambda: self._grpc(ConfigServiceV2Client, ConfigServiceV2GrpcTransport, "logging"),
        )

    def logging_metrics(self) -> Any:
        from google.cloud.logging_v2.services.metrics_service_v2 import MetricsServiceV2Client
        from google.cloud.logging_v2.services.metrics_service_v2.transports import (
            MetricsServiceV2GrpcTransport,
        )

        return self._once(
            "logging_metrics",
            lambda: self._grpc(MetricsServiceV2Client, MetricsServiceV2GrpcTransport, "logging"),
        )

    def alert_policies(self) -> Any:
        from google.cloud import monitoring_v3
        from google.cloud.monitoring_v3.services.alert_policy_service.transports import (
            AlertPolicyServiceGrpcTransport,
        )

        return self._once(
            "alert_policies",
            lambda: self._grpc(
                monitoring_v3.AlertPolicyServiceClient, AlertPolicyServiceGrpcTransport, "monitoring"
            ),
        )
