"""The runtime read-only guard: nothing but a declared read is ever sent.

Every SDK call of the collector goes through ``UnitContext`` (``auditor.providers.gcp.unit``), which asks
``ReadOnlyGuard.check`` first: the method must be a read (list / get / search / aggregated_list and the
read-only ``get_iam_policy``) and declared by a unit. The gRPC channels carry ``ReadOnlyInterceptor`` too,
which refuses any RPC whose method is not Get*/List*/Search* before it reaches the wire.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import grpc

READ_PREFIXES = ("list", "get", "search", "aggregated_list")
GRPC_READ_PREFIXES = ("Get", "List", "Search")


class ReadOnlyViolation(Exception):
    """The collector tried to send an operation that is not a declared read. Nothing was sent."""


def is_read_method(method: str) -> bool:
    """'networks.list', 'get_iam_policy', 'search_projects': the last part must be a read verb."""
    return method.rsplit(".", 1)[-1].startswith(READ_PREFIXES)


class ReadOnlyGuard:
    """Refuses undeclared or non-read operations (``service``, ``method`` as the client names it)."""

    def __init__(self, reads: Iterable[tuple[str, str]]) -> None:
        self._declared = frozenset(reads)

    def check(self, service: str, method: str) -> None:
        if not is_read_method(method):
            raise ReadOnlyViolation(f"refused to send {service}:{method}: it is not a read operation")
        if (service, method) not in self._declared:
            raise ReadOnlyViolation(f"refused to send {service}:{method}: no collector unit declares it")


class ReadOnlyInterceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """A gRPC client interceptor refusing every RPC that is not Get*/List*/Search*."""

    @staticmethod
    def _check(details: grpc.ClientCallDetails) -> None:
        method = details.method.decode() if isinstance(details.method, bytes) else details.method
        name = method.rsplit("/", 1)[-1]
        if not name.startswith(GRPC_READ_PREFIXES):
            raise ReadOnlyViolation(f"refused to send the gRPC call {method}: it is not a read operation")

    def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: grpc.ClientCallDetails, request: Any
    ) -> Any:
        self._check(client_call_details)
        return continuation(client_call_details, request)

    def intercept_unary_stream(
        self, continuation: Callable[..., Any], client_call_details: grpc.ClientCallDetails, request: Any
    ) -> Any:
        self._check(client_call_details)
        return continuation(client_call_details, request)
