"""The Defender for Cloud alerts of an estate subscription, as ``GET .../providers/Microsoft.Security/alerts``
(api-version 2022-01-01) returns them: the alert resource under its Defender location, the alerted
resource as an ``AzureResource`` identifier and an entity. ``intent`` is one of the spec's kill-chain values:
the alert's first tactic (the spec's ``Intent`` enum has single values only; the collector still reads a
comma-separated one)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from auditor.emulators.estate_azure import AzureSubscriptionEstate, DefenderAlertSpec

ALERT_NAMESPACE = uuid.UUID("6c1f2a64-0d1e-4c4b-9a51-7a1e5c0de4a1")
DOTNET_MAX_TICKS = 3_155_378_975_999_999_999  # .NET DateTime.MaxValue.Ticks
UNIX_EPOCH_TICKS = 621_355_968_000_000_000  # 1970-01-01 in .NET ticks (100 ns since 0001-01-01)


def alert_name(subscription: str, index: int, spec: DefenderAlertSpec) -> str:
    """A stable name in Defender's shape: '<DateTime.MaxValue ticks - start ticks>_<uuid>'."""
    ticks = int(spec.started.timestamp()) * 10_000_000 + UNIX_EPOCH_TICKS
    suffix = uuid.uuid5(ALERT_NAMESPACE, f"{subscription}/{index}/{spec.alert_type}")
    return f"{DOTNET_MAX_TICKS - ticks}_{suffix}"


def _document(subscription: str, index: int, spec: DefenderAlertSpec) -> dict[str, Any]:
    name = alert_name(subscription, index, spec)
    group = f"/subscriptions/{subscription}/resourceGroups/{spec.resource_group}"
    resource_id = f"{group}/providers/{spec.resource}"
    entity = spec.resource.rsplit("/", 1)[-1]
    started = spec.started.isoformat().replace("+00:00", "Z")
    ended = (spec.started + timedelta(minutes=42)).isoformat().replace("+00:00", "Z")
    return {
        "id": f"{group}/providers/Microsoft.Security/locations/{spec.location}/alerts/{name}",
        "name": name,
        "type": "Microsoft.Security/Locations/alerts",
        "properties": {
            "version": "2022-01-01.0",
            "alertType": spec.alert_type,
            "systemAlertId": name,
            "productComponentName": spec.product,
            "alertDisplayName": spec.title,
            "description": f"{spec.title} on {entity}.",
            "severity": spec.severity,
            "intent": spec.tactics[0] if spec.tactics else "Unknown",
            "startTimeUtc": started,
            "endTimeUtc": ended,
            "timeGeneratedUtc": ended,
            "processingEndTimeUtc": ended,
            "resourceIdentifiers": [{"type": "AzureResource", "azureResourceId": resource_id}],
            "remediationSteps": ["Follow the runbook for the alert's category."],
            "vendorName": "Microsoft",
            "status": spec.status,
            "extendedLinks": [],
            "alertUri": f"https://portal.azure.com/#blade/Microsoft_Azure_Security/AlertBlade/alertId/{name}",
            "productName": "Microsoft Defender for Cloud",
            "entities": [{"type": "azure-resource", "resourceId": resource_id}],
            "isIncident": False,
            "compromisedEntity": entity,
            "techniques": [],
            "subTechniques": [],
        },
    }


def defender_alert_documents(spec: AzureSubscriptionEstate) -> list[dict[str, Any]]:
    """Every alert the estate declares for the subscription, whatever its status (ARM lists them all)."""
    return [_document(spec.id, index, alert) for index, alert in enumerate(spec.defender_alerts)]
