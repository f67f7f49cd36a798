"""What a caller can tune about a GCP scan."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GcpEndpoints:
    """Where the clients go instead of Google (the emulators): a REST base URL and a gRPC target.

    With endpoints the clients use anonymous credentials and an insecure gRPC channel; without them
    (live), Application Default Credentials and Google's endpoints.
    """

    rest: str
    grpc: str


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
    override the per-project rates of ``auditor.providers.rate_limit``.
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

    def __post_init__(self) -> None:
        if self.max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError("timeout must be more than 0 seconds")
        if self.organization is not None and not self.organization.isdigit():
            raise ValueError(f"organization must be the numeric organization id, got {self.organization!r}")
        if self.folder is not None and not self.folder.isdigit():
            raise ValueError(f"folder must be the numeric folder id, got {self.folder!r}")
