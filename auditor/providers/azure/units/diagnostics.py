"""The second phase: the diagnostic settings of each application gateway, key vault and DNS security
policy found by the first. One resource's failed read makes only its settings ``None``."""

from __future__ import annotations

from typing import Any

from auditor.inventory.azure import RESOURCE_DIAGNOSTICS
from auditor.model import CollectionError
from auditor.providers.azure.failures import ReadFailed
from auditor.providers.azure.operations import api_version
from auditor.providers.azure.unit import Unit, UnitContext
from auditor.providers.azure.units.monitor import diagnostic_setting

SERVICE = "monitor"
RESOURCE_DATASETS = ("application_gateways", "key_vaults", "dns_security_policies")


def _with_settings(context: UnitContext, client: Any, resource: Any) -> Any:
    try:
        settings = [
            diagnostic_setting(s)
            for s in context.call(
                SERVICE,
                "diagnostic_settings.list",
                lambda: list(
                    client.diagnostic_settings.list(
                        resource_uri=resource.id.lstrip("/"),
                        api_version=api_version("diagnostic_settings.list"),
                    )
                ),
                resource=resource.id,
            )
        ]
    except ReadFailed as failure:
        context.record(RESOURCE_DIAGNOSTICS, failure, resource.location)
        settings = None
    return resource.model_copy(update={"diagnostic_settings": settings})


def collect(context: UnitContext) -> None:
    client = context.client(SERVICE)
    for dataset in RESOURCE_DATASETS:
        resources = context.known.get(dataset)
        if resources is not None:
            context.values[dataset] = [_with_settings(context, client, r) for r in resources]


def not_read(subscription: str, known: dict[str, Any], reason: tuple[str, str, str]) -> list[CollectionError]:
    """One error per resource whose settings were never read because the scan stopped first
    (``reason``: the stop's kind, code and message), so its checks say why they are not evaluated."""
    kind, code, message = reason
    return [
        CollectionError(
            provider="azure",
            account=subscription,
            region=resource.location,
            service=SERVICE,
            dataset=RESOURCE_DIAGNOSTICS,
            operation="diagnostic_settings.list",
            kind=kind,  # type: ignore[arg-type]
            code=code,
            message=message,
            resource=resource.id,
        )
        for dataset in RESOURCE_DATASETS
        for resource in known.get(dataset) or []
    ]


UNIT = Unit(service="diagnostics", datasets=(), collect=collect)
