"""How a failed AWS read is named: the scan-level failure, the per-read failure and its kind.

``classify`` maps an SDK exception to the ``CollectionError.kind`` vocabulary; ``redact`` keeps
access keys, session tokens and request signatures out of every message we store or show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

Kind = Literal["denied", "throttled", "timeout", "endpoint", "malformed", "failed"]

MAX_MESSAGE = 400

_DENIED_EXACT = frozenset(
    {
        "UnauthorizedOperation",
        "AuthorizationError",
        "AuthFailure",
        "Forbidden",
        "403",
    }
)
_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "EC2ThrottledException",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "PriorRequestNotComplete",
        "TransactionInProgressException",
    }
)

_SECRETS = (
    # Long-term and temporary access key ids.
    (re.compile(r"\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b"), r"\1****"),
    # SigV4 pieces in headers or presigned query strings.
    (re.compile(r"(Signature|X-Amz-Signature)=[0-9a-fA-F]+", re.IGNORECASE), r"\1=****"),
    (re.compile(r"(Credential|X-Amz-Credential)=[^,&\s]+", re.IGNORECASE), r"\1=****"),
    (
        re.compile(r"(X-Amz-Security-Token|SessionToken|Security-Token)[=:]\s*[^,&\s]+", re.IGNORECASE),
        r"\1=****",
    ),
)
_HTML_TAG = re.compile(r"<[^>]{0,200}>")
# S3 and STS put the whole string-to-sign / canonical request into SignatureDoesNotMatch messages.
_SIGNING_DUMP = re.compile(
    r"(The Canonical String|String-to-Sign|StringToSign|CanonicalRequest).*", re.DOTALL
)


class AwsCollectionFailed(Exception):
    """The scan could not start (no credentials, STS or DescribeRegions failing, a bad region).

    The message is meant for the person running the scan and never holds a secret.
    """


@dataclass
class ReadFailed(Exception):
    """One API read failed; the collector turns it into a ``CollectionError`` for the datasets it feeds.

    (Not frozen: Python and contextlib assign ``__traceback__`` on exceptions.)
    """

    service: str
    operation: str
    kind: Kind
    code: str = ""
    message: str = ""
    resource: str = ""

    def __str__(self) -> str:
        code = f" ({self.code})" if self.code else ""
        target = f" for {self.resource}" if self.resource else ""
        return f"{self.service}:{self.operation}{target} {self.kind}{code}: {self.message}"


def redact(text: str) -> str:
    """The text without access keys, tokens, signatures or signing dumps, cut to a readable length."""
    text = _SIGNING_DUMP.sub("[signing details removed]", text)
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def plain_text(message: str) -> str:
    """An error page (a proxy's, or an emulator's 404) reduced to its words."""
    if message.lstrip().startswith("<"):
        return " ".join(_HTML_TAG.sub(" ", message).split())
    return message


def kind_of_code(code: str) -> Kind:
    """The kind of an AWS error code: denied, throttled or failed."""
    if code.startswith("AccessDenied") or code.startswith("UnrecognizedClient") or "NotAuthorized" in code:
        return "denied"
    if code in _DENIED_EXACT:
        return "denied"
    if code in _THROTTLED:
        return "throttled"
    return "failed"


def classify(error: BaseException) -> tuple[Kind, str, str]:
    """(kind, code, message) of an exception raised by a botocore client call."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {}) if isinstance(error.response, dict) else {}
        code = str(details.get("Code") or "")
        message = str(details.get("Message") or "")
        if not code:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            code = str(status or "")
        return kind_of_code(code), code, redact(plain_text(message or str(error)))
    name = type(error).__name__
    if isinstance(error, ReadTimeoutError | ConnectTimeoutError):
        return "timeout", name, redact(str(error))
    if isinstance(error, EndpointConnectionError):
        return "endpoint", name, redact(str(error))
    if isinstance(error, ResponseParserError):
        return "malformed", name, redact(str(error))
    return "failed", name, redact(str(error))
