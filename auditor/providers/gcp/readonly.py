"""The runtime read-only guard: nothing but a declared read is ever sent.

Every SDK call of the collector goes through ``UnitContext`` (``auditor.providers.gcp.unit``), which asks
``ReadOnlyGuard.check`` first: the method must be a read (list / get / search / aggregated_list and the
read-only ``get_iam_policy``) and declared by a unit. The gRPC channels carry ``ReadOnlyInterceptor`` too,
which refuses any RPC whose method is not Get*/List*/Search* before it reaches the wire, and the HTTP
sessions of the REST clients carry ``ReadOnlyAdapter`` (requests) or ``ReadOnlyHttp`` (httplib2, the
discovery client), which refuse any request but a GET or the read-only POSTs ``:getIamPolicy``/``:search``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import grpc
import httplib2
from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

READ_PREFIXES = ("list", "get", "search", "aggregated_list")
GRPC_READ_PREFIXES = ("Get", "List", "Search")


class ReadOnlyViolation(Exception):
    """The collector tried to send an operation that is not a declared read. Nothing was sent."""


READ_ONLY_POSTS = (":getIamPolicy", ":search")


def is_read_request(method: str, url: str) -> bool:
    """A GET, or one of the POSTs that only read (IAM policy, search)."""
    path = url.split("?", 1)[0]
    return method.upper() == "GET" or (method.upper() == "POST" and path.endswith(READ_ONLY_POSTS))


class ReadOnlyAdapter(HTTPAdapter):
    """A requests transport adapter that refuses every request but a read, before it is sent."""

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        if not is_read_request(request.method or "", request.url or ""):
            raise ReadOnlyViolation(f"refused to send {request.method} {request.url}: not a read request")
        return super().send(request, *args, **kwargs)


class ReadOnlyHttp(httplib2.Http):  # type: ignore[misc]
    """An httplib2 client (the discovery-based DNS client's) that refuses every request but a read."""

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        if not is_read_request(method, uri):
            raise ReadOnlyViolation(f"refused to send {method} {uri}: not a read request")
        return super().request(uri, method, *args, **kwargs)


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
