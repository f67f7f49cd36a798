"""A unit of collection work and what it runs with.

A ``Unit`` is one service's reads in one region (or account-wide, "global"). It fills several
datasets, each independently: ``UnitContext.fill`` runs one dataset's reads, and a failure makes only
that dataset ``None`` with a ``CollectionError`` naming service, operation, region and resource.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from auditor.inventory.aws import GLOBAL
from auditor.model import CollectionError
from auditor.providers.aws.clients import ClientPool
from auditor.providers.aws.failures import ReadFailed, redact
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader

T = TypeVar("T")


class UnitContext:
    """What a unit's ``collect`` gets: readers for its region, and where datasets and errors go."""

    def __init__(self, pool: ClientPool, account: str, region: str, scope: str) -> None:
        self._pool = pool
        self.account = account
        self.region = region
        """The region the clients call."""
        self.scope = scope
        """The region the datasets belong to: the region name, or "global"."""
        self.values: dict[str, Any] = {}
        self.errors: list[CollectionError] = []
        self._last_call = ("", "")

    def reader(self, service: str, region: str | None = None) -> ServiceReader:
        """A reader of ``service`` in this unit's region (or in ``region``)."""
        target = region or self.region
        return ServiceReader(lambda: self._pool.client(service, target), service, self._remember)

    def fill(self, dataset: str, service: str, read: Callable[[], T]) -> T | None:
        """Set ``dataset`` to what ``read()`` returns, or to None with an error when a read fails."""
        value: T | None
        try:
            value = read()
        except ReadFailed as failure:
            self.record(dataset, failure)
            value = None
        except (KeyError, TypeError, ValueError) as error:  # an answer we could not map (pydantic too)
            called_service, operation = self._last_call
            message = f"unexpected answer: {type(error).__name__}: {error}"
            self.record(
                dataset, ReadFailed(called_service or service, operation, "malformed", "", redact(message))
            )
            value = None
        self.values[dataset] = value
        return value

    def record(self, dataset: str, failure: ReadFailed) -> None:
        """Keep a failed read as the error behind ``dataset``."""
        self.errors.append(
            CollectionError.of_failure(
                failure, provider="aws", account=self.account, region=self.scope, dataset=dataset
            )
        )

    def _remember(self, service: str, operation: str) -> None:
        self._last_call = (service, operation)


@dataclass(frozen=True)
class Unit:
    """One service's collection: the datasets it fills, the reads it declares, the code that runs.

    ``scope`` is "regional" (run once per scanned region) or "global" (once per account, in
    ``region`` of the partition's global endpoint, its datasets recorded under "global").
    """

    service: str
    datasets: tuple[str, ...]
    reads: tuple[Read, ...]
    collect: Callable[[UnitContext], None]
    scope: Literal["regional", "global"] = "regional"

    def run(self, pool: ClientPool, account: str, region: str) -> UnitContext:
        context = UnitContext(pool, account, region, GLOBAL if self.scope == "global" else region)
        self.collect(context)
        missing = set(self.datasets) - set(context.values)
        if missing:  # a unit that forgets a dataset is a bug, not an empty answer
            raise RuntimeError(f"unit {self.service} did not fill {sorted(missing)}")
        return context
