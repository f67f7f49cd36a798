"""Defender for Cloud: plans (pricings), auto-provisioning, settings (endpoint protection), contacts."""

from __future__ import annotations

from typing import Any

from auditor.inventory.azure import AutoProvisioningSetting, DefenderPlan, SecurityContact, SecuritySetting
from auditor.providers.azure.unit import Unit, UnitContext, text

SERVICE = "security"


def _plan(pricing: Any) -> DefenderPlan:
    extensions = {
        text(e.name): text(e.is_enabled).lower() == "true"
        for e in (getattr(pricing, "extensions", None) or [])
    }
    return DefenderPlan(
        name=pricing.name,
        tier=text(pricing.pricing_tier),
        sub_plan=pricing.sub_plan or "",
        deprecated=bool(getattr(pricing, "deprecated", False)),
        extensions=extensions,
    )


def _contact(contact: Any) -> SecurityContact:
    emails = [e for e in (contact.emails or "").replace(",", ";").split(";") if e.strip()]
    alerts = contact.alert_notifications
    by_role = contact.notifications_by_role
    return SecurityContact(
        name=contact.name,
        email_count=len(emails),
        alert_notifications=text(getattr(alerts, "state", "")),
        alert_minimal_severity=text(getattr(alerts, "minimal_severity", "")),
        notify_roles_state=text(getattr(by_role, "state", "")),
        notify_roles=[text(role) for role in (getattr(by_role, "roles", None) or [])],
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
                SERVICE, "pricings.list", lambda: client.pricings.list(scope_id=scope).value or []
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
                lambda: list(client.auto_provisioning_settings.list()),
            )
        ],
    )
    context.fill(
        "security_settings",
        SERVICE,
        lambda: [
            SecuritySetting(name=s.name, kind=text(s.kind), enabled=getattr(s, "enabled", None))
            for s in context.call(SERVICE, "settings.list", lambda: list(client.settings.list()))
        ],
    )
    context.fill(
        "security_contacts",
        SERVICE,
        lambda: [
            _contact(c)
            for c in context.call(
                SERVICE, "security_contacts.list", lambda: list(client.security_contacts.list())
            )
        ],
    )


UNIT = Unit(
    service=SERVICE,
    datasets=("defender_plans", "auto_provisioning", "security_settings", "security_contacts"),
    collect=collect,
)
