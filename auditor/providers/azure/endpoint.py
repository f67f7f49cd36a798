"""Where an Azure scan sends its requests: the Resource Manager endpoint, the token audience that goes
with it, and the certificate bundle that verifies it.

The public cloud's ARM is ``https://management.azure.com``. A sovereign cloud has its own endpoint and
token audience (``management.usgovcloudapi.net``, ``management.chinacloudapi.cn``); an emulator or a
TLS-inspecting proxy has its own certificate authority. ``--anonymous`` sends a fixed placeholder token
instead of a real credential, and only to a loopback endpoint (an emulator), so that no real cloud ever
receives it.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PUBLIC_ARM = "https://management.azure.com"
ENDPOINT_ENV = "POSTURE_AUDITOR_AZURE_ENDPOINT"
CA_BUNDLE_ENV = "POSTURE_AUDITOR_AZURE_CA_BUNDLE"
_AUDIENCES = {
    "management.azure.com": "https://management.azure.com/.default",
    "management.usgovcloudapi.net": "https://management.usgovcloudapi.net/.default",
    "management.chinacloudapi.cn": "https://management.chinacloudapi.cn/.default",
}


class EndpointError(ValueError):
    """An endpoint the scan cannot use (not https, no host, anonymous towards a real cloud)."""


def checked_endpoint(url: str) -> str:
    """``url`` without a trailing slash, if it is an https URL with a host (ARM clients refuse to send
    a bearer token over plain http)."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise EndpointError(f"the Azure endpoint must be an https URL with a host, got {url!r}")
    if parts.query or parts.fragment:
        raise EndpointError(f"the Azure endpoint takes no query or fragment, got {url!r}")
    return url.strip().rstrip("/")


def token_scopes(url: str) -> tuple[str, ...]:
    """The token audience for an ARM endpoint: the sovereign cloud's own, else the public cloud's (an
    emulator or a private endpoint in front of public ARM takes public ARM's tokens)."""
    host = (urlsplit(url).hostname or "").lower()
    return (_AUDIENCES.get(host, _AUDIENCES["management.azure.com"]),)


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class AzureEndpoint:
    """Where a scan goes and how it proves who it is: the ARM base URL, what verifies its certificate,
    and the credential (None: the live chain; a placeholder for ``anonymous``)."""

    base_url: str
    connection_verify: bool | Path
    credential: Any | None


def azure_endpoint(
    endpoint: str | None, ca_bundle: Path | None = None, *, anonymous: bool = False
) -> AzureEndpoint:
    """The endpoint settings of a scan (the CLI's and the TUI's): ``endpoint`` (default: the environment's
    ``POSTURE_AUDITOR_AZURE_ENDPOINT``, else public ARM), ``ca_bundle`` (default:
    ``POSTURE_AUDITOR_AZURE_CA_BUNDLE``, else the system's), ``anonymous`` only towards loopback."""
    url = endpoint or os.environ.get(ENDPOINT_ENV) or PUBLIC_ARM
    base_url = checked_endpoint(url)
    if anonymous and not is_loopback(base_url):
        raise EndpointError(
            "--anonymous sends a placeholder token, so it needs a loopback endpoint (an emulator)"
        )
    bundle = ca_bundle or (Path(os.environ[CA_BUNDLE_ENV]) if os.environ.get(CA_BUNDLE_ENV) else None)
    if bundle is not None and not bundle.is_file():
        raise EndpointError(f"the CA bundle {bundle} is not a file")
    credential = None
    if anonymous:
        from auditor.providers.azure.credentials import PlaceholderCredential

        credential = PlaceholderCredential()
    return AzureEndpoint(base_url, bundle if bundle is not None else True, credential)
