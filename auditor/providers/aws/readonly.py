"""The runtime read-only guard: a botocore ``before-call`` handler that refuses anything else.

It runs first on every client the collector builds, before the request is signed or sent. An
operation passes only when it is a read (Describe*/List*/Get* or allow-listed) and declared by a unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.model import OperationModel

from auditor.providers.aws.permissions import Read, is_read_operation


class ReadOnlyViolation(Exception):
    """The collector tried to send an operation that is not a declared read. Nothing was sent."""


class ReadOnlyGuard:
    """``before-call`` handler: raises ``ReadOnlyViolation`` for undeclared or non-read operations."""

    def __init__(self, reads: Iterable[Read]) -> None:
        self._declared = frozenset((read.service, read.operation) for read in reads)

    def handler(self, service: str) -> Any:
        """The handler for one client of ``service`` (botocore passes the operation model)."""

        def before_call(model: OperationModel, **_: Any) -> None:
            self.check(service, model.name)

        return before_call

    def check(self, service: str, operation: str) -> None:
        if not is_read_operation(service, operation):
            raise ReadOnlyViolation(f"refused to send {service}:{operation}: it is not a read operation")
        if (service, operation) not in self._declared:
            raise ReadOnlyViolation(
                f"refused to send {service}:{operation}: no collector unit declares it "
                "(declare it so that the IAM policy covers it)"
            )
