"""Per-service call rates: a token bucket per (account, region, service), shared by a whole scan.

Every attempt a collector sends (retries included) first takes a token from the bucket of the API it
calls, so a scan never sends a service more than its rate however many workers are free, and a
throttled service (whose retries also take tokens) is not hammered. The clouds meter their APIs per
account (subscription, project) and region, so that is the key; the rate is per service.

Defaults follow the documented limits, with headroom for the other callers the account has:

- AWS: 20 calls/s per account, region and service, burst 40. EC2's non-mutating actions refill at 20/s
  (bucket 100); most other Describe/List/Get APIs allow as much or more.
- Azure: 20 calls/s per subscription for all of ARM (the service is "arm"), burst 100. ARM's read
  bucket refills at 25/s per subscription and region (bucket 250).
- GCP: 10 calls/s per project and service, burst 20. Per-project read quotas are per minute and API
  (Compute reads 1,500/min, Logging configuration 600/min, SCC lists 1,000/min).

``--rate-limit SERVICE=N`` (calls per second, repeatable; ``*`` for every other service, 0 for no limit)
changes them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_RATES: dict[str, float] = {"aws": 20.0, "azure": 20.0, "gcp": 10.0}
BURST_SECONDS = {"aws": 2.0, "azure": 5.0, "gcp": 2.0}
ANY_SERVICE = "*"


class RateLimitError(ValueError):
    """A malformed --rate-limit value."""


def parse_rate_limits(values: list[str] | tuple[str, ...]) -> dict[str, float]:
    """``["ec2=5", "*=10"]`` as {service: calls per second}; a clear error naming the bad value."""
    rates: dict[str, float] = {}
    for value in values:
        service, sep, number = value.partition("=")
        try:
            rate = float(number)
        except ValueError:
            rate = -1.0
        if not sep or not service.strip() or rate < 0:
            raise RateLimitError(
                f"--rate-limit {value!r}: expected SERVICE=CALLS_PER_SECOND (e.g. ec2=5, *=10; 0 = no limit)"
            )
        rates[service.strip().lower()] = rate
    return rates


@dataclass
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets keyed (account, region, service); thread-safe. A rate of 0 means no limit."""

    def __init__(self, provider: str, rates: Mapping[str, float] | None = None) -> None:
        self._provider = provider
        self._rates = {k.lower(): v for k, v in (rates or {}).items()}
        self._default = self._rates.pop(ANY_SERVICE, DEFAULT_RATES[provider])
        self._burst = BURST_SECONDS[provider]
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._lock = threading.Lock()
        self.waited = 0.0
        """Seconds callers spent waiting for tokens, all threads together (for benchmarks and tests)."""

    def rate(self, service: str) -> float:
        return self._rates.get(service.lower(), self._default)

    def acquire(self, account: str, region: str, service: str) -> None:
        """Take a token for one call, waiting until the bucket has one."""
        rate = self.rate(service)
        if rate <= 0:
            return
        key = (account, region, service.lower())
        while True:
            with self._lock:
                now = time.monotonic()
                bucket = self._buckets.get(key)
                if bucket is None:
                    capacity = max(1.0, rate * self._burst)
                    bucket = self._buckets[key] = _Bucket(rate, capacity, capacity, now)
                bucket.tokens = min(bucket.capacity, bucket.tokens + (now - bucket.updated) * bucket.rate)
                bucket.updated = now
                if bucket.tokens >= 1.0:
                    bucket.tokens -= 1.0
                    return
                wait = (1.0 - bucket.tokens) / bucket.rate
                self.waited += wait
            time.sleep(wait)
