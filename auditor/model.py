"""The core model every output renders from: statuses, check metadata, findings, the scan result.

Everything here is serialised (JSON exports, snapshots, history), so it is pydantic v2.
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    """The verdict of one check on one resource.

    A check never reports PASS for what it could not see: a failed collection gives ERROR,
    "nothing to assess" gives NOT_APPLICABLE, and a control that needs a person gives MANUAL.
    MUTED is never produced by a check: an exception (see ``auditor.exceptions``) turns a finding
    MUTED; it stays visible with its original status and is left out of scores.
    """

    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    MANUAL = "MANUAL"
    MUTED = "MUTED"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return ["critical", "high", "medium", "low", "info"].index(self.value)


class Remediation(BaseModel):
    """How to fix a failing resource: the exact CLI command, console steps, optional IaC."""

    model_config = ConfigDict(frozen=True)

    cli: str = Field(description="The exact command that fixes it, with {placeholders} for resource ids.")
    console: list[str] = Field(default_factory=list, description="Console steps, one per item.")
    iac: str | None = Field(default=None, description="A Terraform / CloudFormation snippet, if useful.")
    text: str = Field(default="", description="What to change, in plain words.")


class CheckMeta(BaseModel):
    """Everything a person needs to understand and act on a check, kept next to its code."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^(aws|azure|gcp)\.[a-z0-9_]+\.[a-z0-9_]+$")
    provider: Literal["aws", "azure", "gcp"]
    service: str
    title: str
    severity: Severity
    rationale: str
    risk: str = ""
    remediation: Remediation
    references: list[str] = Field(default_factory=list)
    module_section: str = Field(description="The section of module 4 the check comes from, or 'CIS' only.")
    datasets: list[str] = Field(
        default_factory=list, description="Inventory datasets the check reads (for ERROR attribution)."
    )


def finding_id(provider: str, account: str, region: str, check_id: str, resource_id: str) -> str:
    """A stable id for a finding: the same resource and check give the same id in every scan."""
    key = "|".join((provider, account, region, check_id, resource_id))
    return hashlib.sha256(key.encode()).hexdigest()[:20]


class Mute(BaseModel):
    """Why a finding is MUTED: the exception that matched it."""

    model_config = ConfigDict(frozen=True)

    exception_id: str = Field(description="The exception's id, or its position 'exceptions[N]'.")
    owner: str
    reason: str
    expires: date
    original_status: Status


class Finding(BaseModel):
    """One verdict of one check about one resource."""

    model_config = ConfigDict(frozen=True)

    id: str
    check_id: str
    provider: Literal["aws", "azure", "gcp"]
    service: str
    severity: Severity
    status: Status
    account: str
    region: str
    resource_id: str
    resource_name: str = ""
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict, description="The resource's tags, when known.")
    muted: Mute | None = None


class ReadFailure(Protocol):
    """What every provider's failed-read exception carries (``auditor.providers.*.failures.ReadFailed``)."""

    service: str
    operation: str
    kind: str
    code: str
    message: str
    resource: str


class CollectionError(BaseModel):
    """A read that failed. It is kept inside the inventory; it never turns into an empty list."""

    model_config = ConfigDict(frozen=True)

    provider: Literal["aws", "azure", "gcp"]
    account: str
    region: str
    service: str
    dataset: str = Field(description="The inventory field that could not be filled, e.g. 'flow_logs'.")
    operation: str
    kind: Literal["denied", "throttled", "timeout", "endpoint", "malformed", "failed"]
    code: str = ""
    message: str = ""
    resource: str = ""

    @classmethod
    def of_failure(
        cls,
        failure: ReadFailure,
        *,
        provider: Literal["aws", "azure", "gcp"],
        account: str,
        region: str,
        dataset: str,
    ) -> CollectionError:
        """The error behind ``dataset`` for a provider's failed read (its ``ReadFailed``)."""
        return cls(
            provider=provider,
            account=account,
            region=region,
            service=failure.service,
            dataset=dataset,
            operation=failure.operation,
            kind=failure.kind,  # type: ignore[arg-type]
            code=failure.code,
            message=failure.message,
            resource=failure.resource,
        )

    def describe(self) -> str:
        where = f"{self.service}:{self.operation} in {self.region}"
        if self.resource:
            where += f" for {self.resource}"
        code = f" ({self.code})" if self.code else ""
        return f"{where} {_KIND_WORDS[self.kind]}{code}: {self.message}".rstrip(": ")


_KIND_WORDS = {
    "denied": "was denied",
    "throttled": "was throttled past retries",
    "timeout": "timed out",
    "endpoint": "could not reach the endpoint",
    "malformed": "returned a malformed answer",
    "failed": "failed",
}
