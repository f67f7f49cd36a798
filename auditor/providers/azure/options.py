"""What a caller can tune about an Azure scan."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_GROUP_ID = re.compile(r"^[A-Za-z0-9_.()-]{1,90}$")


@dataclass(frozen=True)
class AzureScanOptions:
    """How to collect Azure subscriptions.

    ``subscriptions`` empty means every subscription the credential sees, or with ``management_group``
    every subscription under that management group (its child groups too); named ones are then chosen
    among those. ``exclude_subscriptions`` are left out either way. ``base_url`` and
    ``connection_verify`` point the clients elsewhere than ARM (the emulator: its URL and its
    self-signed certificate). ``retry_total`` and ``retry_backoff_factor`` are azure-core's retry
    budget; throttled (429) and 5xx answers are retried, honouring ``Retry-After``. ``timeout``
    (seconds) bounds the whole scan: what has not finished by then is ERROR ("not finished"), never
    lost and never PASS. ``rate_limits`` override the ARM request rate per subscription (service "arm"
    or "*"; see ``auditor.providers.rate_limit``).
    """

    subscriptions: tuple[str, ...] = ()
    exclude_subscriptions: tuple[str, ...] = ()
    management_group: str | None = None
    tenant: str | None = None
    max_workers: int = 16
    base_url: str = "https://management.azure.com"
    connection_verify: bool | Path = True
    retry_total: int = 6
    retry_backoff_factor: float = 0.8
    connection_timeout: float = 5
    read_timeout: float = 30
    timeout: float | None = None
    rate_limits: tuple[tuple[str, float], ...] = ()
    credential_scopes: tuple[str, ...] = ()
    """The token audience; empty: the one that goes with ``base_url`` (``endpoint.token_scopes``)."""

    def __post_init__(self) -> None:
        if self.max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError("timeout must be more than 0 seconds")
        if self.retry_total < 0:
            raise ValueError("retry_total must be 0 or more")
        if self.management_group is not None and not _GROUP_ID.match(self.management_group):
            raise ValueError(
                f"management_group must be a management group id (letters, digits, -_.()), "
                f"got {self.management_group!r}"
            )
