"""What a caller can tune about an AWS scan, and the progress events it receives."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.progress import ProgressCallback, ProgressEvent

__all__ = ["AwsScanOptions", "ProgressCallback", "ProgressEvent"]


@dataclass(frozen=True)
class AwsScanOptions:
    """How to collect one AWS account.

    ``regions`` empty means every region enabled for the account. ``organization`` scans every account
    of the caller's organization (``accounts`` only these, minus ``exclude_accounts``) through the
    cross-account role ``role_name``, ``parallel_accounts`` accounts at a time (their reads share
    the one pool of ``max_workers``). ``timeout`` (seconds) bounds the whole scan: what has not finished
    by then is ERROR ("not finished"), never lost and never PASS. ``max_attempts`` is botocore's
    retry budget in attempts, the first included (1 = no retry), in mode "adaptive", which also
    slows a client down after it is throttled. ``rate_limits`` (service, calls per second; "*" for the
    others) override the per-service rates of ``auditor.providers.rate_limit``.
    """

    profile: str | None = None
    regions: tuple[str, ...] = ()
    max_workers: int = 16
    connect_timeout: float = 5
    read_timeout: float = 20
    max_attempts: int = 6
    timeout: float | None = None
    organization: bool = False
    role_name: str = "OrganizationAccountAccessRole"
    accounts: tuple[str, ...] = ()
    exclude_accounts: tuple[str, ...] = ()
    parallel_accounts: int = 4
    rate_limits: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        if self.max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if self.parallel_accounts < 1:
            raise ValueError("parallel_accounts must be at least 1")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.timeout is not None and self.timeout <= 0:
            raise ValueError("timeout must be more than 0 seconds")
