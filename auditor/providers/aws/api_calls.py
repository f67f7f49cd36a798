"""Counting the API calls a scan makes, by "service:Operation", from a botocore ``before-call`` hook."""

from __future__ import annotations

import threading
from typing import Any

from botocore.model import OperationModel


class ApiCallCounter:
    """A thread-safe tally of calls. One ``before-call`` fires per call (retries are not counted)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def handler(self, service: str) -> Any:
        """The handler for one client of ``service``."""

        def before_call(model: OperationModel, **_: Any) -> None:
            self.add(service, model.name)

        return before_call

    def add(self, service: str, operation: str) -> None:
        key = f"{service}:{operation}"
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1

    def snapshot(self) -> dict[str, int]:
        """The counts so far, sorted by key."""
        with self._lock:
            return dict(sorted(self._counts.items()))
