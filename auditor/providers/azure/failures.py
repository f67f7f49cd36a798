"""How a failed Azure read is named: the scan-level failure, the per-read failure and its kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from azure.core.exceptions import (
    ClientAuthenticationError,
    DecodeError,
    DeserializationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)

Kind = Literal["denied", "throttled", "timeout", "endpoint", "malformed", "failed"]
MAX_MESSAGE = 400
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_SECRET_FIELDS = re.compile(r"(client_secret|access_token|refresh_token)=[^&\s]+", re.IGNORECASE)


class AzureCollectionFailed(Exception):
    """The scan could not start (no credential, the subscription list failing, an unknown subscription).

    The message is meant for the person running the scan and never holds a secret.
    """


@dataclass
class ReadFailed(Exception):
    """One read failed; the collector turns it into a ``CollectionError`` for the dataset it feeds."""

    service: str
    operation: str
    kind: Kind
    code: str = ""
    message: str = ""
    resource: str = ""


def redact(text: str) -> str:
    text = _SECRET_FIELDS.sub(r"\1=****", _BEARER.sub(r"\1****", text))
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _code_and_message(error: HttpResponseError) -> tuple[str, str]:
    detail = getattr(error, "error", None)
    code = getattr(detail, "code", None) or ""
    message = getattr(detail, "message", None) or error.message or str(error)
    status = getattr(error, "status_code", None)
    return (code or (str(status) if status else "")), message.split("\n")[0]


def classify(error: Exception, service: str, operation: str, resource: str = "") -> ReadFailed:
    """Map an azure-core exception to a ``ReadFailed`` of the right kind."""
    kind: Kind
    code = ""
    if isinstance(error, ServiceRequestTimeoutError | ServiceResponseTimeoutError):
        kind, message = "timeout", str(error)
    elif isinstance(error, ClientAuthenticationError):
        kind = "denied"
        code, message = _code_and_message(error)
    elif isinstance(error, DecodeError | DeserializationError):
        kind, message = "malformed", str(error)
    elif isinstance(error, HttpResponseError):
        code, message = _code_and_message(error)
        status = error.status_code or 0
        if status in (401, 403):
            kind = "denied"
        elif status == 429:
            kind = "throttled"
        else:
            kind = "failed"
    elif isinstance(error, ServiceRequestError | ServiceResponseError):
        kind, message = "endpoint", str(error)
    else:
        kind, message = "failed", f"{type(error).__name__}: {error}"
    return ReadFailed(service, operation, kind, code, redact(message), resource)
