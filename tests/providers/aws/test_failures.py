"""Naming failures: error codes and exceptions to kinds, and messages without secrets."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

from auditor.providers.aws.failures import MAX_MESSAGE, classify, kind_of_code, redact


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("AccessDenied", "denied"),
        ("AccessDeniedException", "denied"),
        ("UnauthorizedOperation", "denied"),
        ("AuthorizationError", "denied"),
        ("AuthFailure", "denied"),
        ("UnrecognizedClientException", "denied"),
        ("NotAuthorized", "denied"),
        ("NotAuthorizedException", "denied"),
        ("Throttling", "throttled"),
        ("ThrottlingException", "throttled"),
        ("RequestLimitExceeded", "throttled"),
        ("TooManyRequestsException", "throttled"),
        ("SlowDown", "throttled"),
        ("InvalidParameterValue", "failed"),
        ("InternalError", "failed"),
        ("", "failed"),
    ],
)
def test_codes(code: str, kind: str) -> None:
    assert kind_of_code(code) == kind


def _client_error(code: str, message: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "ListKeys",
    )


def test_html_error_pages_become_words() -> None:
    page = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<p>No such URL.</p>"
    assert classify(_client_error("404", page, 404)) == ("failed", "404", "404 Not Found No such URL.")


def test_client_errors() -> None:
    assert classify(_client_error("AccessDeniedException", "nope")) == (
        "denied",
        "AccessDeniedException",
        "nope",
    )
    # An error without a code (S3 HEAD answers) is named by its HTTP status.
    assert classify(_client_error("", "", 403))[:2] == ("denied", "403")


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ReadTimeoutError(endpoint_url="https://kms.eu-west-1.amazonaws.com/"), "timeout"),
        (ConnectTimeoutError(endpoint_url="https://kms.eu-west-1.amazonaws.com/"), "timeout"),
        (EndpointConnectionError(endpoint_url="https://kms.eu-west-1.amazonaws.com/"), "endpoint"),
        (ResponseParserError("Unable to parse response"), "malformed"),
        (NoCredentialsError(), "failed"),
        (RuntimeError("boom"), "failed"),
    ],
)
def test_exceptions(error: Exception, kind: str) -> None:
    got_kind, code, message = classify(error)
    assert got_kind == kind
    assert code == type(error).__name__
    assert message


def test_redact_removes_keys_tokens_and_signatures() -> None:
    text = (
        "The request signature we calculated does not match. AKIAIOSFODNN7EXAMPLE ASIAXXXXXXXXXXXXXXXX "
        "Authorization: AWS4-HMAC-SHA256 "
        "Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/sts/aws4_request, "
        "Signature=0123456789abcdef X-Amz-Security-Token=FQoGZXIvYXdzEJr "
        "The Canonical String for this request should have been 'POST / host:sts'"
    )
    cleaned = redact(text)
    for secret in ("IOSFODNN7EXAMPLE", "XXXXXXXXXXXXXXXX", "0123456789abcdef", "FQoGZXIvYXdzEJr", "host:sts"):
        assert secret not in cleaned
    assert cleaned.startswith("The request signature we calculated does not match. AKIA**** ASIA****")
    assert "[signing details removed]" in cleaned


def test_redact_shortens_and_flattens() -> None:
    assert redact("a\n  b\tc") == "a b c"
    long = redact("x" * 1000)
    assert len(long) == MAX_MESSAGE and long.endswith("...")
