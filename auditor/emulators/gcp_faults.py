"""What the GCP emulators share: injected faults and the record of every request they received.

A fault is keyed by operation ("compute.subnetworks.aggregatedList", "scc.ListFindings", ...) and fires
``times`` times (``None``: every time), then the operation answers normally again. Kinds:

- ``denied``: PERMISSION_DENIED (gRPC) / HTTP 403 with a Google error body
- ``unavailable``: UNAVAILABLE (gRPC) / HTTP 503
- ``malformed``: a body that is not what the API returns (bytes that do not parse)
- ``throttled``: RESOURCE_EXHAUSTED (gRPC) / HTTP 429 with a Google error body
- ``slow``: the answer is held ``delay`` seconds (past the client's call timeout: DEADLINE_EXCEEDED / a
  read timeout), then given normally; ``clear()`` lets every held answer go at once, and no hold lasts
  longer than ``MAX_DELAY``, so a test's teardown never waits on it
- ``empty``: a valid answer with nothing in it (``{}`` in JSON, the empty response message in gRPC)
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["denied", "unavailable", "malformed", "throttled", "slow", "empty"]
MAX_DELAY = 30.0

# The operations that only read: every REST and gRPC operation the emulators serve is one of these.
READ_VERBS = ("get", "list", "search", "aggregatedList", "Get", "List", "Search")


@dataclass
class _Fault:
    kind: FaultKind
    remaining: int | None
    delay: float = 0.0


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the emulator received it."""

    protocol: Literal["rest", "grpc"]
    method: str = ""
    path: str = ""
    operation: str = ""

    @property
    def is_read(self) -> bool:
        """A read: a REST GET (or the read-only POSTs ``:getIamPolicy`` / ``:search``), or a gRPC
        Get/List/Search method."""
        if self.protocol == "grpc":
            return self.operation.split(".")[-1].startswith(("Get", "List", "Search"))
        if self.method == "GET":
            return True
        return self.method == "POST" and self.path.split("?")[0].endswith((":getIamPolicy", ":search"))


class FaultPlan:
    """Faults to inject, and the requests received; thread-safe (both servers answer in threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, _Fault] = {}
        self._requests: list[ReceivedRequest] = []
        self._held = threading.Event()  # set by clear(): every held answer goes at once
        self._served: dict[str, int] = {}

    def inject(self, operation: str, kind: FaultKind, times: int | None = None, delay: float = 5.0) -> None:
        """Make ``operation`` fail with ``kind`` the next ``times`` times (None: until cleared); ``delay``
        is how long a ``slow`` answer is held."""
        with self._lock:
            self._faults[operation] = _Fault(kind, times, delay)

    def clear(self) -> None:
        """Remove every fault and let every held answer go."""
        with self._lock:
            self._faults.clear()
            self._held.set()
            self._held = threading.Event()

    def take(self, operation: str) -> FaultKind | None:
        """The fault to answer ``operation`` with now, if any (counting it down). A ``slow`` one is held
        here first (its delay, at most ``MAX_DELAY``, or until ``clear()``); then answer normally."""
        with self._lock:
            fault = self._faults.get(operation)
            if fault is None:
                return None
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self._faults[operation]
            held = self._held
            self._served[operation] = self._served.get(operation, 0) + 1
        if fault.kind == "slow":
            held.wait(min(fault.delay, MAX_DELAY))
        return fault.kind

    def served(self, operation: str) -> int:
        """How many answers to ``operation`` a fault has given (since the plan was made)."""
        with self._lock:
            return self._served.get(operation, 0)

    def record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    def reset_requests(self) -> None:
        with self._lock:
            self._requests.clear()
