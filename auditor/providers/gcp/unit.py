"""A unit of GCP collection work (one service in one project, or SCC for one organization).

``UnitContext.fill`` runs one dataset's reads; a failure makes only that dataset ``None`` with a
``CollectionError`` naming service, operation and region. ``UnitContext.pages`` is the one way a unit
calls the SDK: it asks the read-only guard first, counts every page as an API call, and turns SDK
exceptions into ``ReadFailed``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from googleapiclient.errors import HttpError

from auditor.inventory.gcp import GLOBAL
from auditor.model import CollectionError
from auditor.providers.gcp.clients import GcpClients
from auditor.providers.gcp.failures import ReadFailed, classify, redact
from auditor.providers.gcp.readonly import ReadOnlyGuard, ReadOnlyViolation
from auditor.providers.rate_limit import RateLimiter

T = TypeVar("T")


class ApiCallCounter:
    """A thread-safe tally of calls by target (project or organization id) and 'service:operation'
    (one per page; retries are not counted)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, dict[str, int]] = {}

    def add(self, target: str, service: str, operation: str) -> None:
        key = f"{service}:{operation}"
        with self._lock:
            counts = self._counts.setdefault(target, {})
            counts[key] = counts.get(key, 0) + 1

    def snapshot(self, *targets: str) -> dict[str, int]:
        """The calls made for these targets, summed, sorted by key."""
        total: dict[str, int] = {}
        with self._lock:
            for target in targets:
                for key, count in self._counts.get(target, {}).items():
                    total[key] = total.get(key, 0) + count
        return dict(sorted(total.items()))


@dataclass(frozen=True)
class Runtime:
    """What every unit shares: the clients, the guard, the counter, the per-service rate limits."""

    clients: GcpClients
    guard: ReadOnlyGuard
    counter: ApiCallCounter
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter("gcp"))


class UnitContext:
    def __init__(self, runtime: Runtime, account: str, target: str) -> None:
        self.runtime = runtime
        self.clients = runtime.clients
        self.account = account
        """The project the datasets (and errors) belong to ("" for an organization-level unit)."""
        self.target = target
        """The project id or organization id the calls read."""
        self.values: dict[str, Any] = {}
        self.errors: list[CollectionError] = []

    def call(self, service: str, method: str, send: Callable[[], T]) -> T:
        """One guarded, counted call (the first page of a list)."""
        self.runtime.guard.check(service, method)
        self.runtime.limiter.acquire(self.target, "", service)
        self.runtime.counter.add(self.target, service, method)
        try:
            return send()
        except ReadOnlyViolation:
            raise
        except Exception as error:
            kind, code, message = classify(error)
            raise ReadFailed(service, method, kind, code, message) from error

    def pages(self, service: str, method: str, send: Callable[[], Any]) -> Iterator[Any]:
        """Every page of a gapic list call (the pager fetches the next ones with the same retry)."""
        pager = self.call(service, method, send)
        first = True
        try:
            for page in pager.pages:
                if not first:  # the next page is fetched after this one is used: pace it
                    self.runtime.limiter.acquire(self.target, "", service)
                    self.runtime.counter.add(self.target, service, method)
                first = False
                yield page
        except ReadFailed:
            raise
        except Exception as error:
            kind, code, message = classify(error)
            raise ReadFailed(service, method, kind, code, message) from error

    def discovery_pages(self, service: str, method: str, collection: Any, **params: Any) -> Iterator[Any]:
        """Every page of a discovery-client list (``collection`` is e.g. ``dns.policies()``)."""
        request = collection.list(**params)
        while request is not None:
            response = self.call(
                service, method, lambda r=request: r.execute(num_retries=self.clients.options.num_retries)
            )
            if not isinstance(response, dict):
                raise ReadFailed(service, method, "malformed", "", "the answer is not a JSON object")
            yield response
            request = collection.list_next(request, response)

    def fill(
        self, dataset: str, service: str, operation: str, read: Callable[[], T], region: str = GLOBAL
    ) -> T | None:
        """Set ``dataset`` to what ``read()`` returns, or to None with an error when a read fails."""
        value: T | None
        try:
            value = read()
        except ReadFailed as failure:
            self.record(dataset, failure, region)
            value = None
        except HttpError as error:  # raised lazily by list_next
            kind, code, message = classify(error)
            self.record(dataset, ReadFailed(service, operation, kind, code, message), region)
            value = None
        except (KeyError, TypeError, ValueError, AttributeError) as error:  # an answer we could not map
            message = redact(f"unexpected answer: {type(error).__name__}: {error}")
            self.record(dataset, ReadFailed(service, operation, "malformed", "", message), region)
            value = None
        self.values[dataset] = value
        return value

    def record(self, dataset: str, failure: ReadFailed, region: str = GLOBAL) -> None:
        self.errors.append(
            CollectionError.of_failure(
                failure, provider="gcp", account=self.account, region=region, dataset=dataset
            )
        )


@dataclass(frozen=True)
class Unit:
    """One service's collection: the datasets it fills, the reads it declares, the code that runs.

    ``scope`` "project" runs once per project; "organization" once per organization (SCC); "ancestor"
    once per folder or organization the scanned projects sit in (their sinks), whose target is
    ``folders/F`` or ``organizations/O``.
    """

    service: str
    datasets: tuple[str, ...]
    reads: tuple[tuple[str, str], ...]
    collect: Callable[[UnitContext], None]
    scope: Literal["project", "organization", "ancestor"] = "project"

    def run(self, runtime: Runtime, account: str, target: str) -> UnitContext:
        context = UnitContext(runtime, account, target)
        self.collect(context)
        missing = set(self.datasets) - set(context.values)
        if missing:
            raise RuntimeError(f"unit {self.service} did not fill {sorted(missing)}")
        return context
