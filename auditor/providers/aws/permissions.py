"""The declared reads: every (service, operation) the collector may send, with the IAM action it needs.

Each unit declares its reads next to its code (as Cloud Custodian's filters declare permissions). The
read-only guard refuses any operation that is not declared, and ``iam_policy()`` is generated from the
same declarations, so the shipped policy and the code cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

READ_PREFIXES = ("Describe", "List", "Get")
"""Operation names the collector may send. Anything else is refused before it leaves the process."""

READ_ALLOW_LIST = frozenset({("sts", "GetCallerIdentity"), ("sts", "AssumeRole")})
"""Calls outside the prefixes that are still allowed: GetCallerIdentity needs no permission at all;
AssumeRole only issues temporary credentials (it changes no resource) and is how an organization scan
enters each member account."""


@dataclass(frozen=True)
class Read:
    """One operation a unit sends: boto3 service name, API operation name, IAM action it needs."""

    service: str
    operation: str
    action: str

    def __post_init__(self) -> None:
        if not is_read_operation(self.service, self.operation):
            raise ValueError(f"{self.service}:{self.operation} is not a read operation")
        if ":" not in self.action:
            raise ValueError(f"{self.action!r} is not an IAM action ('service:Action')")


def is_read_operation(service: str, operation: str) -> bool:
    """True for Describe*/List*/Get* operations and the allow-listed reads."""
    return operation.startswith(READ_PREFIXES) or (service, operation) in READ_ALLOW_LIST
