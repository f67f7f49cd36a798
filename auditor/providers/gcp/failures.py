"""How a failed GCP read is named: the scan-level failure, the per-read failure and its kind.

``classify`` maps the exceptions of google-api-core (gapic clients, REST and gRPC), googleapiclient (the
discovery-based DNS client) and JSON/proto parsing to the ``CollectionError.kind`` vocabulary.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from google.api_core import exceptions as core
from google.auth import exceptions as auth
from google.protobuf.json_format import ParseError
from googleapiclient.errors import HttpError
from requests.exceptions import ReadTimeout

Kind = Literal["denied", "throttled", "timeout", "endpoint", "malformed", "failed"]

MAX_MESSAGE = 400
_TOKEN = re.compile(r"(ya29\.|Bearer\s+)[A-Za-z0-9._\-]+")


class GcpCollectionFailed(Exception):
    """The scan could not start (no credentials, no project visible, Resource Manager failing)."""


@dataclass
class ReadFailed(Exception):
    """One API read failed; the collector turns it into a ``CollectionError`` for the datasets it feeds."""

    service: str
    operation: str
    kind: Kind
    code: str = ""
    message: str = ""
    resource: str = ""

    def __str__(self) -> str:
        return f"{self.service}:{self.operation} {self.kind} ({self.code}): {self.message}"


def redact(text: str) -> str:
    """The text without OAuth tokens, on one line, cut to a readable length."""
    text = " ".join(_TOKEN.sub(r"\1****", text).split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def _kind_of_status(status: int) -> Kind:
    if status in (401, 403):
        return "denied"
    if status == 429:
        return "throttled"
    if status in (502, 503):
        return "endpoint"
    if status == 504:
        return "timeout"
    return "failed"


def classify(error: BaseException) -> tuple[Kind, str, str]:
    """(kind, code, message) of an exception raised while reading."""
    if isinstance(error, core.GoogleAPICallError):
        code = error.grpc_status_code.name if error.grpc_status_code is not None else str(error.code or "")
        message = redact(error.message or str(error))
        if isinstance(error, core.PermissionDenied | core.Unauthenticated | core.Forbidden):
            return "denied", code or "PERMISSION_DENIED", message
        if isinstance(error, core.ResourceExhausted | core.TooManyRequests):
            return "throttled", code or "RESOURCE_EXHAUSTED", message
        if isinstance(error, core.DeadlineExceeded | core.GatewayTimeout):
            return "timeout", code or "DEADLINE_EXCEEDED", message
        if isinstance(error, core.ServiceUnavailable):
            return "endpoint", code or "UNAVAILABLE", message
        if "deserializ" in message.lower() or "parse" in message.lower():
            return "malformed", code, message
        return "failed", code, message
    if isinstance(error, core.RetryError):
        cause = error.cause
        if cause is not None and cause is not error:
            kind, code, message = classify(cause)
            return kind, code, redact(f"gave up after retries: {message}")
        return "timeout", "RetryError", redact(str(error))
    if isinstance(error, HttpError):
        status = int(error.resp.status)
        return _kind_of_status(status), str(status), redact(error._get_reason() or str(error))
    if isinstance(error, auth.GoogleAuthError):
        return "denied", type(error).__name__, redact(str(error))
    if isinstance(error, json.JSONDecodeError | ValueError | ParseError):
        return "malformed", type(error).__name__, redact(str(error))
    if isinstance(error, TimeoutError | ReadTimeout):  # ReadTimeout: a REST client's call_timeout
        return "timeout", type(error).__name__, redact(str(error))
    if isinstance(error, ConnectionError | OSError):
        return "endpoint", type(error).__name__, redact(str(error))
    return "failed", type(error).__name__, redact(str(error))
