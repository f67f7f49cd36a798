"""Per-service rate limits: the token buckets and the --rate-limit syntax. The pace at the wire is
tested per provider (tests/providers/aws/test_rate_limits.py, tests/providers/azure/...)."""

from __future__ import annotations

import time

import pytest

from auditor.providers.rate_limit import RateLimiter, RateLimitError, parse_rate_limits


def test_parse_rate_limits_reads_services_and_the_default() -> None:
    assert parse_rate_limits(["ec2=5", "*=2.5", "GuardDuty=0"]) == {"ec2": 5.0, "*": 2.5, "guardduty": 0.0}
    for bad in ("ec2", "ec2=fast", "=3", "ec2=-1"):
        with pytest.raises(RateLimitError, match="SERVICE=CALLS_PER_SECOND"):
            parse_rate_limits([bad])


def test_a_bucket_allows_its_burst_then_paces_at_the_rate() -> None:
    limiter = RateLimiter("aws", {"ec2": 10.0})  # burst: 2 s of calls = 20
    start = time.monotonic()
    for _ in range(20):
        limiter.acquire("a", "us-east-1", "ec2")
    assert limiter.waited == 0.0
    for _ in range(5):
        limiter.acquire("a", "us-east-1", "ec2")
    assert time.monotonic() - start >= 0.4  # 5 calls past the burst at 10/s: at least ~0.5 s
    assert limiter.waited > 0


def paced(times: list[float], rate: float, burst: int) -> None:
    """The k-th request past the burst left no sooner than (k - burst) / rate after the first (a lower
    bound: a slow machine sends later, never sooner)."""
    assert len(times) > burst + 2, times
    first = times[0]
    for k, at in enumerate(times):
        if k >= burst:
            assert at - first >= (k - burst) / rate - 0.05, (k, at - first)


def test_buckets_are_per_account_region_and_service_and_zero_is_unlimited() -> None:
    limiter = RateLimiter("gcp", {"*": 1.0, "logging": 0})  # burst 2
    for account, region, service in [("p1", "", "compute"), ("p2", "", "compute"), ("p1", "", "dns")]:
        limiter.acquire(account, region, service)
        limiter.acquire(account, region, service)
    for _ in range(100):
        limiter.acquire("p1", "", "logging")
    assert limiter.waited == 0.0
    assert limiter.rate("compute") == 1.0 and limiter.rate("logging") == 0
