"""Reads the installed SDK cannot make right: a raw GET of an ARM list, sent through an SDK client's own
pipeline, so the read-only guard, the per-subscription rate limit, retries (``Retry-After``), timeouts and
authentication apply exactly as to every other read.

Used where the SDK's pinned api-version is wrong for the service today (azure-mgmt-security 7.0 reads
security contacts at 2020-01-01-preview, whose real answers no longer deserialize). The answer is plain
JSON, read as the specification of the api-version asked for defines it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from azure.core.exceptions import (
    ClientAuthenticationError,
    DecodeError,
    HttpResponseError,
    ResourceNotFoundError,
    map_error,
)
from azure.core.rest import HttpRequest
from azure.mgmt.core.exceptions import ARMErrorFormat

_ERRORS: dict[int, type[HttpResponseError]] = {
    401: ClientAuthenticationError,
    404: ResourceNotFoundError,
}
MAX_PAGES = 1000
"""A list longer than this many pages is a server fault (a nextLink loop), not data."""


def list_items(client: Any, path: str, api_version: str) -> list[dict[str, Any]]:
    """Every item of the ARM list at ``path`` (``/subscriptions/…/providers/…``), every ``nextLink`` page.

    ``client`` is an azure-mgmt client whose ``send_request`` runs its pipeline. A non-200 answer raises
    the azure-core error ARM's error body maps to; a body that is not ``{"value": [objects…]}`` raises
    ``DecodeError``.
    """
    url: str | None = f"{quote(path)}?api-version={api_version}"
    items: list[dict[str, Any]] = []
    pages = 0
    while url:
        pages += 1
        if pages > MAX_PAGES:
            raise DecodeError(f"{path}: more than {MAX_PAGES} pages (a nextLink loop)")
        response = client.send_request(HttpRequest("GET", url))
        if response.status_code != 200:
            map_error(status_code=response.status_code, response=response, error_map=_ERRORS)
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        body = response.json()
        value = body.get("value") if isinstance(body, dict) else None
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise DecodeError(f"{path}: the answer's 'value' is not a list of objects")
        items += value
        next_link = body.get("nextLink")
        if next_link is not None and not isinstance(next_link, str):
            raise DecodeError(f"{path}: the answer's 'nextLink' is not a string")
        url = next_link or None
    return items
