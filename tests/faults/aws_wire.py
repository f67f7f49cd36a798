"""Wire-level faults for a whole AWS service endpoint, in the protocol the service speaks.

``inject(session, service, region, fault)`` answers every HTTP attempt to that service's endpoint in
that region (S3 bucket hosts included) from ``before-send``, before moto's stub, so botocore's own
parsing, error classification and retries run exactly as they would against AWS.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ReadTimeoutError

FAULTS = ("denied", "throttled", "timeout", "server_error", "malformed", "empty")


class _RawBody(io.BytesIO):
    def stream(self, **_: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


@dataclass
class Injected:
    service: str
    region: str
    fault: str
    hosts: tuple[str, ...]
    attempts: list[str] = field(default_factory=list)


def _error_body(protocol: str, code: str, message: str) -> tuple[bytes, str]:
    if protocol in ("json", "rest-json"):
        return json.dumps({"__type": code, "message": message}).encode(), "application/x-amz-json-1.1"
    if protocol == "ec2":
        error = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        return f"<Response><Errors>{error}</Errors></Response>".encode(), "text/xml"
    if protocol == "rest-xml":
        return f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode(), "application/xml"
    error = f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
    return f"<ErrorResponse>{error}</ErrorResponse>".encode(), "text/xml"


def _empty_body(protocol: str) -> tuple[bytes, str]:
    """A valid answer with nothing in it: JSON '{}' or an empty XML result element."""
    if protocol in ("json", "rest-json"):
        return b"{}", "application/json"
    return b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>', "text/xml"


def _responder(protocol: str, fault: str) -> Callable[[AWSPreparedRequest], AWSResponse]:
    def respond(request: AWSPreparedRequest) -> AWSResponse:
        headers = {"x-amzn-RequestId": "injected-fault"}
        if fault == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        if fault == "denied":
            body, kind = _error_body(protocol, "AccessDenied", "injected: not authorized")
            status = 403
        elif fault == "throttled":
            body, kind = _error_body(protocol, "ThrottlingException", "injected: Rate exceeded")
            status = 400
        elif fault == "server_error":
            body, kind = _error_body(protocol, "InternalFailure", "injected: internal error")
            status = 500
        elif fault == "malformed":
            body, kind = b"\x00<<not json, not xml>>\xff", "application/json"
            status = 200
        else:
            body, kind = _empty_body(protocol)
            status = 200
        headers["Content-Type"] = kind
        return AWSResponse(request.url, status, headers, _RawBody(body))

    return respond


def inject(session: boto3.Session, service: str, region: str, fault: str) -> Injected:
    client = session.client(service, region_name=region)
    protocol = client.meta.service_model.metadata["protocol"]
    host = urlparse(client.meta.endpoint_url).hostname or ""
    hosts = (host,)
    if service == "s3":
        hosts = ("s3.amazonaws.com", f"s3.{region}.amazonaws.com")
    injected = Injected(service, region, fault, hosts)
    respond = _responder(protocol, fault)

    def before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        name = urlparse(request.url).hostname or ""
        if not any(name == h or name.endswith("." + h) for h in hosts):
            return None
        body = request.body or b""
        if b"Action=DescribeRegions" in (body if isinstance(body, bytes) else str(body).encode()):
            return None  # the account bootstrap: without it no scan starts (tested on its own)
        injected.attempts.append(request.url)
        return respond(request)

    session.events.register_first("before-send", before_send)
    return injected
