"""A unit of collection work: one service's reads in one subscription, each dataset filled apart.

``UnitContext.fill`` runs one dataset's reads; a failure makes only that dataset ``None`` with a
``CollectionError`` naming service, operation, location and resource.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from azure.core.exceptions import AzureError, DeserializationError

from auditor.inventory.azure import GLOBAL
from auditor.model import CollectionError
from auditor.providers.azure.clients import ClientPool
from auditor.providers.azure.failures import ReadFailed, classify, redact

T = TypeVar("T")


def text(value: object) -> str:
    """An SDK string or enum as its plain value ('Inbound', not 'SecurityRuleDirection.INBOUND')."""
    if value is None:
        return ""
    return str(value.value) if isinstance(value, Enum) else str(value)


class UnitContext:
    def __init__(self, pool: ClientPool, subscription: str, values: dict[str, Any] | None = None) -> None:
        self._pool = pool
        self.subscription = subscription
        self.values: dict[str, Any] = {}
        self.known: dict[str, Any] = values or {}
        """Datasets other units filled before this one ran (for the second phase)."""
        self.errors: list[CollectionError] = []

    def client(self, service: str) -> Any:
        return self._pool.client(service, self.subscription)

    def call(self, service: str, operation: str, read: Callable[[], T], resource: str = "") -> T:
        """Run one SDK read (iterating a pager inside ``read``); a failure raises ``ReadFailed``."""
        self._pool.counter.running(service, operation, self.subscription)
        try:
            return read()
        except (AzureError, DeserializationError) as error:  # DeserializationError is a ValueError
            raise classify(error, service, operation, resource) from error

    def fill(self, dataset: str, service: str, read: Callable[[], T], region: str = GLOBAL) -> T | None:
        """Set ``dataset`` to what ``read()`` returns, or to None with an error when a read fails."""
        value: T | None
        try:
            value = read()
        except ReadFailed as failure:
            self.record(dataset, failure, region)
            value = None
        except (KeyError, TypeError, ValueError, AttributeError) as error:  # an answer we could not map
            message = redact(f"unexpected answer: {type(error).__name__}: {error}")
            self.record(dataset, ReadFailed(service, "map", "malformed", "", message), region)
            value = None
        self.values[dataset] = value
        return value

    def record(self, dataset: str, failure: ReadFailed, region: str = GLOBAL) -> None:
        self.errors.append(
            CollectionError.of_failure(
                failure, provider="azure", account=self.subscription, region=region, dataset=dataset
            )
        )


@dataclass(frozen=True)
class Unit:
    """One service's collection in a subscription: the datasets it fills and the code that runs."""

    service: str
    datasets: tuple[str, ...]
    collect: Callable[[UnitContext], None]

    def run(self, pool: ClientPool, subscription: str, known: dict[str, Any] | None = None) -> UnitContext:
        context = UnitContext(pool, subscription, known)
        self.collect(context)
        missing = set(self.datasets) - set(context.values)
        if missing:  # a unit that forgets a dataset is a bug, not an empty answer
            raise RuntimeError(f"unit {self.service} did not fill {sorted(missing)}")
        return context
