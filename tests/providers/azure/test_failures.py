"""Azure SDK exceptions map to the CollectionError kinds; messages never keep a bearer token."""

from __future__ import annotations

import pytest
from azure.core.exceptions import (
    ClientAuthenticationError,
    DecodeError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseTimeoutError,
)

from auditor.providers.azure.failures import classify, redact


def _http(status: int) -> HttpResponseError:
    error = HttpResponseError(message=f"status {status}")
    error.status_code = status
    return error


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (_http(403), "denied"),
        (_http(401), "denied"),
        (ClientAuthenticationError("no token"), "denied"),
        (_http(429), "throttled"),
        (_http(500), "failed"),
        (_http(404), "failed"),
        (ServiceResponseTimeoutError("slow"), "timeout"),
        (ServiceRequestError("connection refused"), "endpoint"),
        (DecodeError("not json"), "malformed"),
        (RuntimeError("boom"), "failed"),
    ],
)
def test_kinds(error, kind):
    failure = classify(error, "network", "virtual_networks.list_all", resource="/x")
    assert (failure.kind, failure.service, failure.operation, failure.resource) == (
        kind,
        "network",
        "virtual_networks.list_all",
        "/x",
    )


def test_redact_hides_tokens_and_bounds_the_length():
    text = redact("Authorization: Bearer eyJ0eXAiOiJKV1Qi.abc.def client_secret=s3cr3t " + "x" * 1000)
    assert "eyJ0eXAi" not in text and "s3cr3t" not in text and len(text) <= 400
