"""Microsoft Defender for Cloud: plans at Standard tier, endpoint protection, security contacts.

Module 4, "Cloud-Native Threat Detection > Azure Defender for Cloud" (VirtualMachines, StorageAccounts,
KeyVaults at Standard), and CIS Azure 6.0 §8.1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from auditor.inventory.azure import GLOBAL, AzureInventory, SecurityContact
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, azure_check, failed, not_applicable, not_evaluated, passed

MODULE_SECTION = "Cloud-Native Threat Detection > Azure Defender for Cloud"
CIS_SECTION = "CIS Azure 6.0 §8.1 Microsoft Defender for Cloud"
PRICING_DOCS = "https://learn.microsoft.com/en-us/cli/azure/security/pricing"
CONTACT_DOCS = "https://learn.microsoft.com/en-us/azure/defender-for-cloud/configure-email-notifications"


def _subscription(inv: AzureInventory) -> str:
    return f"/subscriptions/{inv.subscription_id}"


def _register_plan(plan: str, what: str, slug: str, severity: Severity, module: bool) -> None:
    """One check per Defender plan: the plan's pricing tier must be Standard."""

    @azure_check(
        id=f"azure.defender.{slug}_plan_enabled",
        title=f"Microsoft Defender for {what} is on (plan {plan} at Standard tier)",
        severity=severity,
        rationale=(
            f"Defender for Cloud's {plan} plan adds threat detection for {what}: alerts on suspicious "
            "activity that the free tier (posture recommendations only) does not raise."
        ),
        risk=f"Attacks on {what} raise no Defender alert.",
        remediation=Remediation(
            cli=f"az security pricing create --name {plan} --tier Standard",
            console=[
                "Open Microsoft Defender for Cloud > Environment settings > the subscription.",
                f"Set the {what} plan to On and save.",
            ],
            iac=(
                f'resource "azurerm_security_center_subscription_pricing" "{slug}" {{\n'
                f'  tier          = "Standard"\n  resource_type = "{plan}"\n}}'
            ),
            text=f"Set the {plan} pricing tier to Standard.",
        ),
        references=(
            PRICING_DOCS,
            "https://learn.microsoft.com/en-us/azure/defender-for-cloud/defender-for-cloud-introduction",
        ),
        module_section=f"{MODULE_SECTION}: {plan}" if module else CIS_SECTION,
        datasets=("defender_plans",),
    )
    def check(inv: AzureInventory) -> Iterator[Verdict]:
        resource = f"{_subscription(inv)}/providers/Microsoft.Security/pricings/{plan}"
        if inv.defender_plans is None:
            yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "defender_plans"))
            return
        found = next((p for p in inv.defender_plans if p.name.lower() == plan.lower()), None)
        if found is None:
            yield not_applicable(
                resource, GLOBAL, f"Defender plan {plan} is not offered to this subscription"
            )
        elif found.enabled:
            yield passed(
                resource, GLOBAL, f"Defender plan {plan} is at Standard tier", sub_plan=found.sub_plan
            )
        else:
            yield failed(
                resource, GLOBAL, f"Defender plan {plan} is at {found.tier or 'no'} tier, not Standard"
            )


PLANS = (
    # plan name, what it protects, id slug, severity, named by module 4
    ("CloudPosture", "Cloud Security Posture Management (CSPM)", "cspm", Severity.MEDIUM, False),
    ("Api", "APIs", "apis", Severity.MEDIUM, False),
    ("VirtualMachines", "Servers", "virtual_machines", Severity.HIGH, True),
    ("Containers", "Containers", "containers", Severity.MEDIUM, False),
    ("StorageAccounts", "Storage", "storage_accounts", Severity.HIGH, True),
    ("AppServices", "App Service", "app_services", Severity.MEDIUM, False),
    ("CosmosDbs", "Azure Cosmos DB", "cosmos_dbs", Severity.MEDIUM, False),
    (
        "OpenSourceRelationalDatabases",
        "open-source relational databases",
        "open_source_databases",
        Severity.MEDIUM,
        False,
    ),
    ("SqlServers", "Azure SQL Databases", "sql_servers", Severity.MEDIUM, False),
    (
        "SqlServerVirtualMachines",
        "SQL servers on machines",
        "sql_server_virtual_machines",
        Severity.MEDIUM,
        False,
    ),
    ("KeyVaults", "Key Vault", "key_vaults", Severity.HIGH, True),
    ("Arm", "Resource Manager", "arm", Severity.MEDIUM, False),
)
for _plan in PLANS:
    _register_plan(*_plan)


@azure_check(
    id="azure.defender.endpoint_protection_enabled",
    title="Defender for Servers' endpoint protection component (WDATP integration) is on",
    severity=Severity.MEDIUM,
    rationale="The Microsoft Defender for Endpoint integration deploys EDR to servers covered by Defender "
    "for Servers, so compromised machines raise alerts.",
    risk="Malware and hands-on-keyboard activity on servers go undetected.",
    remediation=Remediation(
        cli="az security setting update --name WDATP --enabled true",
        console=[
            "Defender for Cloud > Environment settings > subscription > Defender plans > Servers > Settings.",
            "Turn Endpoint protection On.",
        ],
        text="Enable the WDATP setting (the Defender for Endpoint integration).",
    ),
    references=(
        "https://learn.microsoft.com/en-us/azure/defender-for-cloud/integration-defender-for-endpoint",
    ),
    module_section=CIS_SECTION,
    datasets=("security_settings",),
)
def endpoint_protection_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    resource = f"{_subscription(inv)}/providers/Microsoft.Security/settings/WDATP"
    if inv.security_settings is None:
        yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "security_settings"))
        return
    setting = next((s for s in inv.security_settings if s.name.upper() == "WDATP"), None)
    if setting is not None and setting.enabled:
        yield passed(resource, GLOBAL, "The endpoint protection (WDATP) integration is on")
    else:
        yield failed(resource, GLOBAL, "The endpoint protection (WDATP) integration is off or not configured")


def _contact_verdicts(
    inv: AzureInventory, ok: str, bad: str, test: Callable[[SecurityContact], bool]
) -> Iterator[Verdict]:
    resource = f"{_subscription(inv)}/providers/Microsoft.Security/securityContacts/default"
    if inv.security_contacts is None:
        yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "security_contacts"))
        return
    matching = [c for c in inv.security_contacts if test(c)]
    if matching:
        yield passed(resource, GLOBAL, ok, contact=matching[0].name)
    elif not inv.security_contacts:
        yield failed(resource, GLOBAL, f"No security contact is configured: {bad}")
    else:
        yield failed(resource, GLOBAL, bad, contacts=[c.name for c in inv.security_contacts])


CONTACT_REMEDIATION = (
    "az security contact create --name default --emails {email} --alert-notifications on "
    "--alerts-to-admins on"
)


@azure_check(
    id="azure.defender.security_contact_owner_notified",
    title="Defender for Cloud notifies subscription Owners of alerts",
    severity=Severity.LOW,
    rationale="Owners learn of high-severity alerts even when nobody watches the portal.",
    risk="Alerts wait unread.",
    remediation=Remediation(
        cli=CONTACT_REMEDIATION,
        console=[
            "Defender for Cloud > Environment settings > subscription > Email notifications.",
            "Under 'All users with the following roles' select Owner.",
        ],
        text="Turn notifications by role on, with the Owner role.",
    ),
    references=(CONTACT_DOCS,),
    module_section=CIS_SECTION,
    datasets=("security_contacts",),
)
def security_contact_owner_notified(inv: AzureInventory) -> Iterator[Verdict]:
    def test(contact: SecurityContact) -> bool:
        return contact.notify_roles_state.lower() == "on" and any(
            r.lower() == "owner" for r in contact.notify_roles
        )

    yield from _contact_verdicts(
        inv, "Alert notifications go to the Owner role", "Owners are not notified of alerts", test
    )


@azure_check(
    id="azure.defender.security_contact_email",
    title="Defender for Cloud has a security contact email address",
    severity=Severity.LOW,
    rationale="Microsoft and Defender for Cloud send security alerts and incident notices to this address.",
    risk="Notices of a compromise reach nobody.",
    remediation=Remediation(
        cli=CONTACT_REMEDIATION,
        console=[
            "Defender for Cloud > Environment settings > subscription > Email notifications.",
            "Enter the security team's address under 'Additional email addresses'.",
        ],
        text="Add the security team's email address to the security contact.",
    ),
    references=(CONTACT_DOCS,),
    module_section=CIS_SECTION,
    datasets=("security_contacts",),
)
def security_contact_email(inv: AzureInventory) -> Iterator[Verdict]:
    yield from _contact_verdicts(
        inv,
        "A security contact email address is configured",
        "The security contact has no email address",
        lambda contact: contact.email_count > 0,
    )


@azure_check(
    id="azure.defender.alert_notifications_enabled",
    title="Defender for Cloud emails alerts (notify about alerts with a minimum severity)",
    severity=Severity.MEDIUM,
    rationale="Email notification of alerts at or above a severity makes sure someone acts on them.",
    risk="High-severity alerts are only visible to whoever opens the portal.",
    remediation=Remediation(
        cli=CONTACT_REMEDIATION,
        console=[
            "Defender for Cloud > Environment settings > subscription > Email notifications.",
            "Tick 'Notify about alerts with the following severity (or higher)' and choose High.",
        ],
        text="Turn alert notifications on (minimal severity High or lower).",
    ),
    references=(CONTACT_DOCS,),
    module_section=CIS_SECTION,
    datasets=("security_contacts",),
)
def alert_notifications_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    yield from _contact_verdicts(
        inv,
        "Alert notifications are on",
        "Alert notifications are off",
        lambda contact: contact.alert_notifications.lower() == "on",
    )
