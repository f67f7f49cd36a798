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
