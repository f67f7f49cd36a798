"""Fault injection at the wire, through botocore's own event hooks on the test session.

- ``answer_error`` answers a call with an AWS error response in ``before-call`` (nothing is sent).
- ``answer_canned`` answers a call with a successful canned response (for what moto lacks).
- ``send_failure`` fails the HTTP send itself in ``before-send`` (an error body botocore parses and
  retries, or a transport exception such as a read timeout), so botocore's retry logic runs.

Handlers are registered on the session's generic events; they match by boto3 service name, operation
and client region, so only the chosen (service, region) clients are affected.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.model import OperationModel


@dataclass
class Hits:
    """How many times an injected fault fired (per attempt for ``send_failure``)."""

    count: int = 0
    urls: list[str] = field(default_factory=list)


def _matches(model: OperationModel, service: str, operation: str) -> bool:
    return model.service_model.service_name == service and model.name == operation


def answer_error(
    session: boto3.Session,
    service: str,
    operation: str,
    code: str,
    message: str = "",
    *,
    region: str | None = None,
    status: int = 400,
    url_contains: str = "",
    body_contains: str = "",
) -> Hits:
    """Every matching call fails with ``code`` before it is sent (optionally only the calls whose URL
    or serialised body holds a given string: one bucket, one key)."""
    hits = Hits()

    def before_call(model: OperationModel, params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
        if not _matches(model, service, operation):
            return None
        if region is not None and context.get("client_region") != region:
            return None
        if url_contains and url_contains not in params.get("url", ""):
            return None
        body = params.get("body", b"")
        body = body.decode() if isinstance(body, bytes) else str(body)
        if body_contains and body_contains not in body:
            return None
        hits.count += 1
        hits.urls.append(params.get("url", ""))
        parsed = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return AWSResponse(params.get("url", ""), status, {}, None), parsed

    session.events.register("before-call", before_call)
    return hits


def answer_canned(
    session: boto3.Session,
    service: str,
    operation: str,
    response: dict[str, Any],
    *,
    region: str | None = None,
) -> Hits:
    """Every matching call returns ``response`` (a parsed response) without being sent."""
    hits = Hits()

    def before_call(model: OperationModel, params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
        if not _matches(model, service, operation):
            return None
        if region is not None and context.get("client_region") != region:
            return None
        hits.count += 1
        return AWSResponse(params.get("url", ""), 200, {}, None), {
            **response,
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }

    session.events.register("before-call", before_call)
    return hits


class _RawBody(io.BytesIO):
    """The ``raw`` of an AWSResponse: what urllib3 would hand botocore."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def json_error(code: str, message: str, status: int = 400) -> Callable[[AWSPreparedRequest], AWSResponse]:
    """An AWS JSON-protocol error response (Config, GuardDuty's JSON services, ...)."""

    def respond(request: AWSPreparedRequest) -> AWSResponse:
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "injected"}
        return AWSResponse(request.url, status, headers, _RawBody(body))

    return respond


def raising(error: Exception) -> Callable[[AWSPreparedRequest], AWSResponse]:
    """A transport failure: the send raises ``error`` (ReadTimeoutError, EndpointConnectionError...)."""

    def respond(_: AWSPreparedRequest) -> AWSResponse:
        raise error

    return respond


def send_failure(
    session: boto3.Session,
    host: str,
    respond: Callable[[AWSPreparedRequest], AWSResponse],
) -> Hits:
    """Every HTTP attempt to ``host`` (e.g. "config.eu-west-1.amazonaws.com") gets ``respond``'s answer.

    Registered first on ``before-send`` so it answers before moto's own stub does.
    """
    hits = Hits()

    def before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        if f"://{host}/" not in request.url and not request.url.endswith(f"://{host}"):
            return None
        hits.count += 1
        hits.urls.append(request.url)
        return respond(request)

    session.events.register_first("before-send", before_send)
    return hits
