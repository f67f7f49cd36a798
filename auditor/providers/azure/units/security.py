"""Defender for Cloud: plans (pricings), auto-provisioning, settings (endpoint protection), contacts.

Security contacts are read at api-version 2023-12-01-preview with a raw GET through the same pipeline
(``raw_reads``): azure-mgmt-security 7.0's ``security_contacts.list()`` asks for 2020-01-01-preview,
whose answers fail to deserialize on real subscriptions, and its models have no ``isEnabled`` or
``notificationsSources`` (the Alert severity and AttackPath risk-level settings of CIS Azure 8.1.14-15).
"""

from __future__ import annotations

from typing import Any

from auditor.inventory.azure import AutoProvisioningSetting, DefenderPlan, SecurityContact, SecuritySetting
from auditor.providers.azure.operations import api_version
from auditor.providers.azure.raw_reads import list_items
from auditor.providers.azure.unit import Unit, UnitContext, text

SERVICE = "security"


def _plan(pricing: Any) -> DefenderPlan:
    extensions = getattr(pricing, "extensions", None) or []
    return DefenderPlan(
        name=pricing.name,
        tier=text(pricing.pricing_tier),
        sub_plan=pricing.sub_plan or "",
        deprecated=bool(getattr(pricing, "deprecated", False)),
        resources_coverage_status=text(getattr(pricing, "resources_coverage_status", None)),
        extensions={text(e.name): text(e.is_enabled).lower() == "true" for e in extensions},
        extension_failures={
            text(e.name): (getattr(e.operation_status, "message", None) or "")
            for e in extensions
            if text(getattr(getattr(e, "operation_status", None), "code", None)).lower() == "failed"
        },
    )


def _sources(properties: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The notification sources by type ('alert', 'attackpath'): each with its minimal severity/risk."""
    found: dict[str, dict[str, Any]] = {}
    for source in properties.get("notificationsSources") or []:
        if isinstance(source, dict) and isinstance(source.get("sourceType"), str):
            found[source["sourceType"].lower()] = source
    return found


def security_contact(contact: dict[str, Any]) -> SecurityContact:
    """A security contact as the 2023-12-01-preview API returns it (plain JSON): ``isEnabled``,
    ``emails`` (';'-separated), ``notificationsByRole`` and ``notificationsSources`` (an Alert source
    with ``minimalSeverity``, an AttackPath source with ``minimalRiskLevel``)."""
    properties = contact.get("properties") or {}
    emails = [e for e in str(properties.get("emails") or "").replace(",", ";").split(";") if e.strip()]
    by_role = properties.get("notificationsByRole") or {}
    sources = _sources(properties)
    alert = sources.get("alert")
    attack_path = sources.get("attackpath")
    return SecurityContact(
        name=str(contact["name"]),
        enabled=properties.get("isEnabled") is not False,
        email_count=len(emails),
        alert_notifications="On" if alert is not None else "Off",
        alert_minimal_severity=str((alert or {}).get("minimalSeverity") or ""),
        attack_path_notifications="On" if attack_path is not None else "Off",
        attack_path_minimal_risk_level=str((attack_path or {}).get("minimalRiskLevel") or ""),
        notify_roles_state=str(by_role.get("state") or ""),
        notify_roles=[str(role) for role in by_role.get("roles") or []],
    )


def collect(context: UnitContext) -> None:
    client = context.client(SERVICE)
    scope = f"subscriptions/{context.subscription}"
    context.fill(
        "defender_plans",
        SERVICE,
        lambda: [
            _plan(p)
            for p in context.call(
                SERVICE,
                "pricings.list",
                lambda: (
                    client.pricings.list(scope_id=scope, api_version=api_version("pricings.list")).value or []
                ),
            )
        ],
    )
    context.fill(
        "auto_provisioning",
        SERVICE,
        lambda: [
            AutoProvisioningSetting(name=s.name, auto_provision=text(s.auto_provision))
            for s in context.call(
                SERVICE,
                "auto_provisioning_settings.list",
                lambda: list(
                    client.auto_provisioning_settings.list(
                        api_version=api_version("auto_provisioning_settings.list")
                    )
                ),
            )
        ],
    )
    context.fill(
        "security_settings",
        SERVICE,
        lambda: [
            SecuritySetting(name=s.name, kind=text(s.kind), enabled=getattr(s, "enabled", None))
            for s in context.call(
                SERVICE,
                "settings.list",
                lambda: list(client.settings.list(api_version=api_version("settings.list"))),
            )
        ],
    )
    resources = context.client("resources")
    contacts = f"/subscriptions/{context.subscription}/providers/Microsoft.Security/securityContacts"
    context.fill(
        "security_contacts",
        SERVICE,
        lambda: [
            security_contact(c)
            for c in context.call(
                SERVICE,
                "security_contacts.list",
                lambda: list_items(resources, contacts, api_version("security_contacts.list")),
            )
        ],
    )


UNIT = Unit(
    service=SERVICE,
    datasets=("defender_plans", "auto_provisioning", "security_settings", "security_contacts"),
    collect=collect,
)
