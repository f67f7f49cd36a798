"""The check registry: a decorator that registers a pure check function with its metadata.

A check is a function of one provider inventory that yields ``Verdict``s; the registry turns them into
``Finding``s (stamping check id, provider, service, severity, account and a stable id). Checks never
do I/O: they read the inventory only.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from auditor.model import CheckMeta, CollectionError, Finding, Remediation, Severity, Status, finding_id

InventoryT = TypeVar("InventoryT")


@dataclass(frozen=True)
class Verdict:
    """What a check says about one resource. The registry completes it into a Finding."""

    status: Status
    resource_id: str
    region: str
    message: str
    resource_name: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


def passed(resource_id: str, region: str, message: str, **evidence: Any) -> Verdict:
    return Verdict(Status.PASS, resource_id, region, message, evidence=evidence)


def failed(resource_id: str, region: str, message: str, **evidence: Any) -> Verdict:
    return Verdict(Status.FAIL, resource_id, region, message, evidence=evidence)


def not_applicable(resource_id: str, region: str, message: str, **evidence: Any) -> Verdict:
    return Verdict(Status.NOT_APPLICABLE, resource_id, region, message, evidence=evidence)


def manual(resource_id: str, region: str, message: str, **evidence: Any) -> Verdict:
    return Verdict(Status.MANUAL, resource_id, region, message, evidence=evidence)


def not_evaluated(resource_id: str, region: str, errors: list[CollectionError]) -> Verdict:
    """ERROR: the data the check needs could not be read. The message names service, call and region."""
    reasons = "; ".join(e.describe() for e in errors) or "the data was not collected"
    return Verdict(
        Status.ERROR,
        resource_id,
        region,
        f"Not evaluated: {reasons}",
        evidence={"collection_errors": [e.model_dump() for e in errors]},
    )


CheckFunction = Callable[[InventoryT], Iterable[Verdict]]


@dataclass(frozen=True)
class Check(Generic[InventoryT]):
    meta: CheckMeta
    function: CheckFunction[InventoryT]

    @property
    def id(self) -> str:
        return self.meta.id

    def run(self, inventory: InventoryT, account: str) -> Iterator[Finding]:
        """The check's findings for one inventory. A check that yields nothing gives NOT_APPLICABLE."""
        produced = False
        for verdict in self.function(inventory):
            produced = True
            yield self._finding(verdict, account)
        if not produced:
            yield self._finding(
                not_applicable(account, "global", "Nothing to assess in the collected scope."), account
            )

    def not_entered(self, account: str, error: CollectionError) -> Finding:
        """The finding for an account (subscription, project) that could not be entered: ERROR."""
        return self._finding(not_evaluated(account, "global", [error]), account)

    def crashed(self, account: str, error: BaseException) -> Finding:
        """The finding for a check that raised: ERROR, never PASS."""
        verdict = Verdict(
            Status.ERROR,
            account,
            "global",
            f"Not evaluated: the check raised {type(error).__name__}: {error}",
        )
        return self._finding(verdict, account)

    def _finding(self, verdict: Verdict, account: str) -> Finding:
        meta = self.meta
        return Finding(
            id=finding_id(meta.provider, account, verdict.region, meta.id, verdict.resource_id),
            check_id=meta.id,
            provider=meta.provider,
            service=meta.service,
            severity=meta.severity,
            status=verdict.status,
            account=account,
            region=verdict.region,
            resource_id=verdict.resource_id,
            resource_name=verdict.resource_name,
            message=verdict.message,
            evidence=verdict.evidence,
        )


class CheckRegistry:
    """All registered checks, by id. Checks register themselves when their module is imported."""

    def __init__(self) -> None:
        self._checks: dict[str, Check[Any]] = {}
        self._detections: dict[str, CheckMeta] = {}

    def add(self, check: Check[Any]) -> None:
        if check.id in self._checks:
            raise ValueError(f"check {check.id} is registered twice")
        self._checks[check.id] = check

    def get(self, check_id: str) -> Check[Any]:
        return self._checks[check_id]

    def all(self, provider: str | None = None) -> list[Check[Any]]:
        checks = sorted(self._checks.values(), key=lambda c: c.id)
        return [c for c in checks if provider is None or c.meta.provider == provider]

    def add_detection(self, meta: CheckMeta) -> None:
        """Metadata of a detection: findings raised from logs (``auditor.flows``), not by a check over
        an inventory. It is never run by the engine; views look it up with ``meta``."""
        if meta.id in self._checks or meta.id in self._detections:
            raise ValueError(f"check {meta.id} is registered twice")
        self._detections[meta.id] = meta

    def meta(self, check_id: str) -> CheckMeta | None:
        """The metadata of a check or a detection, or None when this version knows neither."""
        if check_id in self._checks:
            return self._checks[check_id].meta
        return self._detections.get(check_id)

    def detections(self) -> list[CheckMeta]:
        return sorted(self._detections.values(), key=lambda meta: meta.id)

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._checks

    def __len__(self) -> int:
        return len(self._checks)


REGISTRY = CheckRegistry()
_LOADED = False


def _check_decorator(provider: Literal["aws", "azure", "gcp"]) -> Callable[..., Any]:
    def decorator(
        *,
        id: str,
        title: str,
        severity: Severity,
        rationale: str,
        remediation: Remediation,
        module_section: str,
        risk: str = "",
        references: tuple[str, ...] = (),
        datasets: tuple[str, ...] = (),
    ) -> Callable[[CheckFunction[Any]], CheckFunction[Any]]:
        if not id.startswith(f"{provider}."):
            raise ValueError(f"check id {id!r} must start with {provider!r}.")

        def register(function: CheckFunction[Any]) -> CheckFunction[Any]:
            meta = CheckMeta(
                id=id,
                provider=provider,
                service=id.split(".")[1],
                title=title,
                severity=severity,
                rationale=rationale,
                risk=risk,
                remediation=remediation,
                references=list(references),
                module_section=module_section,
                datasets=list(datasets),
            )
            REGISTRY.add(Check(meta=meta, function=function))
            return function

        return register

    return decorator


aws_check = _check_decorator("aws")
"""Register an AWS check: ``@aws_check(id="aws.vpc.flow_logs_enabled", ...)`` over a pure function
of an ``AwsInventory``. The service is the id's second part."""

azure_check = _check_decorator("azure")
"""Register an Azure check over a pure function of an ``AzureInventory`` (ids ``azure.<service>.*``)."""

gcp_check = _check_decorator("gcp")
"""Register a GCP check over a pure function of a ``GcpInventory`` (ids ``gcp.<service>.*``)."""


def load_checks() -> CheckRegistry:
    """Import every module under ``checks/`` so that their checks register. Idempotent."""
    global _LOADED
    if not _LOADED:
        import checks

        for module in pkgutil.walk_packages(checks.__path__, prefix="checks."):
            importlib.import_module(module.name)
        _LOADED = True
    return REGISTRY
