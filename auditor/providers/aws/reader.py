"""Sending one service's reads and turning every SDK failure into a ``ReadFailed``.

Units never call a boto3 client directly: they go through a ``ServiceReader``, which paginates
(botocore paginators, or a manual marker loop for APIs botocore has no paginator for) and names the
operation and resource of any failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from auditor.providers.aws.failures import ReadFailed, classify, redact
from auditor.providers.aws.readonly import ReadOnlyViolation

Response = dict[str, Any]

# What a botocore call raises when the read fails (ResponseParserError is not a BotoCoreError).
_SDK_FAILURES = (ClientError, BotoCoreError, ResponseParserError, ReadOnlyViolation)


class ServiceReader:
    """Reads of one service in one region. ``on_call(service, operation)`` is told of every call.

    The client comes from ``client_factory`` on first use, so a client that cannot be built (a
    credential process failing mid-scan, say) is a failed read like any other.
    """

    def __init__(
        self, client_factory: Callable[[], Any], service: str, on_call: Callable[[str, str], None]
    ) -> None:
        self._client_factory = client_factory
        self.service = service
        self._on_call = on_call

    def call(self, operation: str, *, resource: str = "", **params: Any) -> Response:
        """One call of ``operation`` (API name, e.g. "DescribeVpcs")."""
        self._on_call(self.service, operation)
        try:
            method = getattr(self._client_factory(), xform_name(operation))
            response: Response = method(**params)
        except _SDK_FAILURES as error:
            raise self._failure(operation, error, resource) from error
        return response

    def pages(
        self, operation: str, *, token: str = "", resource: str = "", **params: Any
    ) -> Iterator[Response]:
        """Every page of ``operation``: botocore's paginator when it has one; else, when ``token``
        names the marker field (request and response use the same name), a manual loop; else one call.
        """
        name = xform_name(operation)
        try:
            client = self._client_factory()
        except _SDK_FAILURES as error:
            raise self._failure(operation, error, resource) from error
        if client.can_paginate(name):
            yield from self._paginate(client, operation, name, resource, params)
        elif token:
            yield from self._marker_pages(operation, token, resource, params)
        else:
            yield self.call(operation, resource=resource, **params)

    def items(
        self, operation: str, key: str, *, token: str = "", resource: str = "", **params: Any
    ) -> list[Any]:
        """The ``key`` list of every page concatenated (``key`` may be dotted: "DistributionList.Items")."""
        out: list[Any] = []
        for page in self.pages(operation, token=token, resource=resource, **params):
            value: Any = page
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            out.extend(value or [])
        return out

    def _paginate(
        self, client: Any, operation: str, name: str, resource: str, params: dict[str, Any]
    ) -> Iterator[Response]:
        self._on_call(self.service, operation)
        pages = iter(client.get_paginator(name).paginate(**params))
        while True:
            try:
                page = next(pages)
            except StopIteration:
                return
            except _SDK_FAILURES as error:
                raise self._failure(operation, error, resource) from error
            yield page

    def _marker_pages(
        self, operation: str, token: str, resource: str, params: dict[str, Any]
    ) -> Iterator[Response]:
        seen: set[str] = set()
        request = dict(params)
        while True:
            page = self.call(operation, resource=resource, **request)
            yield page
            marker = page.get(token)
            if not marker or marker in seen:
                return
            seen.add(marker)
            request[token] = marker

    def _failure(self, operation: str, error: BaseException, resource: str) -> ReadFailed:
        if isinstance(error, ReadOnlyViolation):
            return ReadFailed(
                self.service, operation, "failed", "ReadOnlyGuard", redact(str(error)), resource
            )
        kind, code, message = classify(error)
        return ReadFailed(self.service, operation, kind, code, message, resource)
