"""The runtime read-only guard: an azure-core pipeline policy that refuses anything but GET.

It sits in every client the collector builds (``per_call_policies``), so it runs before the request is
authorised or sent: a PUT, PATCH, POST or DELETE raises ``ReadOnlyViolation`` and nothing leaves the
process. It also counts the requests it lets through, by the operation the collector is running.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy

READ_METHODS = frozenset({"GET"})


class ReadOnlyViolation(Exception):
    """The collector tried to send a request that is not a read. Nothing was sent."""


class ApiCallCounter:
    """Requests sent, by subscription and 'service:operation' (every page counts). Thread-safe; the
    operation is the one the current thread announced with ``running``."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._current = threading.local()

    def running(self, service: str, operation: str, subscription: str = "") -> None:
        self._current.name = (subscription, f"{service}:{operation}")

    def add(self) -> None:
        name = getattr(self._current, "name", ("", "unknown:request"))
        with self._lock:
            self._counts[name] += 1

    def snapshot(self, subscription: str | None = None) -> dict[str, int]:
        """The counts of one subscription ('' = calls of no subscription, such as listing them), or of
        all of them together (None)."""
        totals: Counter[str] = Counter()
        with self._lock:
            for (owner, name), count in self._counts.items():
                if subscription is None or owner == subscription:
                    totals[name] += count
        return dict(sorted(totals.items()))


class ReadOnlyPolicy(SansIOHTTPPolicy[Any, Any]):
    """Refuses every method but GET before the request is sent; counts the ones it lets through."""

    def __init__(self, counter: ApiCallCounter | None = None) -> None:
        self._counter = counter

    def on_request(self, request: PipelineRequest[Any]) -> None:
        method = request.http_request.method.upper()
        if method not in READ_METHODS:
            url = request.http_request.url.split("?")[0]
            raise ReadOnlyViolation(f"refused to send {method} {url}: only reads (GET) are allowed")
        if self._counter is not None:
            self._counter.add()
