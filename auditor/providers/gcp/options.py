"""What a caller can tune about a GCP scan."""

from __future__ import annotations

from dataclasses import dataclass

REST_SERVICES = (
    "compute",
    "dns",
    "networkmanagement",
    "resourcemanager",
    "securitycentermanagement",
    "serviceusage",
    "storage",
)
GRPC_SERVICES = ("logging", "monitoring", "securitycenter")


@dataclass(frozen=True)
class GcpEndpoints:
    """Where the clients go instead of Google's default endpoints: an emulator, or a private endpoint
    (Private Service Connect, e.g. ``https://www-myendpoint.p.googleapis.com``).

    ``rest`` is the base URL of every REST client (the discovery clients add their service path, e.g.
    ``/compute/v1/``); ``grpc`` the target of every gRPC client, ``host:port``: ``http://host:port`` is a
    plaintext channel (an emulator), ``https://host:port`` or a bare ``host:port`` a TLS channel.
    ``services`` overrides either for one service (``("dns", "https://dns-myendpoint.p.googleapis.com")``);
    a service with neither goes to Google's default endpoint. Credentials are separate
    (``GcpScanOptions.anonymous``).
    """

    rest: str | None = None
    grpc: str | None = None
    services: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.rest is not None and not self.rest.startswith(("http://", "https://")):
            raise ValueError(f"the REST endpoint must be an http:// or https:// URL, got {self.rest!r}")
        for service, url in self.services:
            if service not in (*REST_SERVICES, *GRPC_SERVICES):
                known = ", ".join((*REST_SERVICES, *GRPC_SERVICES))
                raise ValueError(f"unknown GCP service {service!r} for an endpoint (known: {known})")
            if service in REST_SERVICES and not url.startswith(("http://", "https://")):
                raise ValueError(f"the {service} endpoint must be an http:// or https:// URL, got {url!r}")

    def rest_for(self, service: str) -> str | None:
        """The base URL the REST client of ``service`` uses (None: Google's)."""
        return dict(self.services).get(service, self.rest)

    def grpc_for(self, service: str) -> tuple[str, bool] | None:
        """(target ``host:port``, plaintext) for the gRPC client of ``service`` (None: Google's)."""
        target = dict(self.services).get(service, self.grpc)
        if target is None:
            return None
        if target.startswith("http://"):
            return target.removeprefix("http://").rstrip("/"), True
        return target.removeprefix("https://").rstrip("/"), False


@dataclass(frozen=True)
class GcpScanOptions:
    """How to collect GCP.

    ``projects`` empty: every project under ``folder`` or else under ``organization`` (nested folders too),
    or without either every project the credential sees (Resource Manager v3 search). ``organization``
    with ``folder`` names the folder's organization (its Security Command Center); without it the
    folder's ancestors are read to find it. Retries: transient failures
    (UNAVAILABLE / 503, RESOURCE_EXHAUSTED / 429, DEADLINE_EXCEEDED) are retried with exponential backoff
    from ``retry_initial`` seconds until ``retry_deadline`` seconds have passed (``num_retries`` times for
    the discovery-based DNS client); past that the read is an ERROR. ``call_timeout`` bounds each call;
    ``timeout`` (seconds) the whole scan: what has not finished by then is ERROR ("not finished"),
    never lost and never PASS. ``rate_limits`` (service, calls per second; "*" for the others)
    override the per-project rates of ``auditor.providers.rate_limit``. ``endpoints`` send the clients
    elsewhere than Google's endpoints; ``anonymous`` uses no credentials at all (google.auth's
    ``AnonymousCredentials``: only an emulator accepts that), else Application Default Credentials.
    """

    projects: tuple[str, ...] = ()
    organization: str | None = None
    folder: str | None = None
    max_workers: int = 16
    retry_initial: float = 0.5
    retry_maximum: float = 8.0
    retry_deadline: float = 60.0
    num_retries: int = 4
    call_timeout: float = 30.0
    timeout: float | None = None
    rate_limits: tuple[tuple[str, float], ...] = ()
    endpoints: GcpEndpoints | None = None
    anonymous: bool = False

    def __post_init__(self) -> None:
        if self.anonymous and self.endpoints is None:
            raise ValueError("anonymous credentials only make sense with an endpoint (an emulator)")
        if self.max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError("timeout must be more than 0 seconds")
        if self.organization is not None and not self.organization.isdigit():
            raise ValueError(f"organization must be the numeric organization id, got {self.organization!r}")
        if self.folder is not None and not self.folder.isdigit():
            raise ValueError(f"folder must be the numeric folder id, got {self.folder!r}")
