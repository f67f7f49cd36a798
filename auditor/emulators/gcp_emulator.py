"""Both GCP emulators together, seeded from an estate: ``with GcpEmulator.from_estate(spec) as gcp: ...``.

``gcp.rest_endpoint`` ("http://127.0.0.1:PORT") is the ``api_endpoint`` of the REST clients (Compute,
DNS, Resource Manager, Service Usage, Cloud Storage, Network Management, SCC management);
``gcp.grpc_endpoint`` ("127.0.0.1:PORT") is the insecure channel target of the gRPC clients (Security
Command Center v2, Logging, Monitoring). ``gcp.endpoints()`` is both as the collector's ``GcpEndpoints``
(the gRPC one as ``http://127.0.0.1:PORT``: plaintext). ``gcp.faults`` injects faults and holds every
request received.
"""

from __future__ import annotations

from types import TracebackType

from auditor.emulators.estate_gcp import GcpEstate
from auditor.emulators.gcp_faults import FaultPlan
from auditor.emulators.gcp_grpc import GcpGrpcEmulator
from auditor.emulators.gcp_rest import GcpRestEmulator
from auditor.emulators.gcp_seed import gcp_state
from auditor.emulators.gcp_state import GcpEmulatorState
from auditor.providers.gcp.options import GcpEndpoints


class GcpEmulator:
    def __init__(self, state: GcpEmulatorState, page_size: int = 50) -> None:
        self.state = state
        self.faults = FaultPlan()
        self.rest = GcpRestEmulator(state, self.faults, page_size)
        self.grpc = GcpGrpcEmulator(state, self.faults, page_size)

    @classmethod
    def from_estate(cls, spec: GcpEstate, page_size: int = 50) -> GcpEmulator:
        return cls(gcp_state(spec), page_size)

    @property
    def rest_endpoint(self) -> str:
        return self.rest.endpoint

    @property
    def grpc_endpoint(self) -> str:
        return self.grpc.endpoint

    def endpoints(self) -> GcpEndpoints:
        """Where the collector reaches both emulators (REST over http, gRPC in plaintext)."""
        return GcpEndpoints(rest=self.rest_endpoint, grpc=f"http://{self.grpc_endpoint}")

    def set_page_size(self, size: int) -> None:
        self.rest.page_size = size
        self.grpc.page_size = size

    def start(self) -> GcpEmulator:
        self.rest.start()
        self.grpc.start()
        return self

    def stop(self) -> None:
        self.rest.stop()
        self.grpc.stop()

    def __enter__(self) -> GcpEmulator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
