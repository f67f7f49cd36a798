"""Microsoft Defender for Cloud: plans at Standard tier, endpoint protection, security contacts, and no
unaddressed High-severity security alert (each grouped into module 4's four threat types with its runbook
response).

Module 4, "Cloud-Native Threat Detection > Azure Defender for Cloud" (VirtualMachines, StorageAccounts,
KeyVaults at Standard), and CIS Azure 6.0 §8.1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from auditor.inventory.azure import GLOBAL, AzureInventory, DefenderAlert, DefenderPlan, SecurityContact
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, azure_check, failed, not_applicable, not_evaluated, passed
from auditor.runbook import runbook_for
from auditor.threats.categories import CATEGORIES, CATEGORY_TITLES

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
        resource, found = _plan_of(inv, plan)
        if isinstance(found, Verdict):
            yield found
        elif found.enabled and found.partially_covered:
            yield failed(
                resource,
                GLOBAL,
                f"Defender plan {plan} is at Standard tier but does not cover every resource of the "
                f"subscription (resourcesCoverageStatus {found.resources_coverage_status}): resources "
                "set to Free at resource level, or excluded, are unprotected",
                **_plan_evidence(found),
            )
        elif found.enabled:
            yield passed(
                resource, GLOBAL, f"Defender plan {plan} is at Standard tier", **_plan_evidence(found)
            )
        else:
            yield failed(
                resource, GLOBAL, f"Defender plan {plan} is at {found.tier or 'no'} tier, not Standard"
            )


def _plan_of(inv: AzureInventory, plan: str) -> tuple[str, DefenderPlan | Verdict]:
    """The plan's resource id, and the plan as read, or the verdict when it cannot be judged: ERROR when
    the plans were not read, NOT_APPLICABLE when the subscription is not offered it."""
    resource = f"{_subscription(inv)}/providers/Microsoft.Security/pricings/{plan}"
    if inv.defender_plans is None:
        return resource, not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "defender_plans"))
    found = next((p for p in inv.defender_plans if p.name.lower() == plan.lower()), None)
    if found is None:
        return resource, not_applicable(
            resource, GLOBAL, f"Defender plan {plan} is not offered to this subscription"
        )
    return resource, found


def _plan_evidence(plan: DefenderPlan) -> dict[str, object]:
    """The plan's sub-plan, coverage and extensions (components), failed enablements named."""
    evidence: dict[str, object] = {"sub_plan": plan.sub_plan}
    if plan.resources_coverage_status:
        evidence["coverage"] = plan.resources_coverage_status
    if plan.extensions:
        evidence["extensions_on"] = sorted(name for name, on in plan.extensions.items() if on)
        evidence["extensions_off"] = sorted(name for name, on in plan.extensions.items() if not on)
    if plan.extension_failures:
        evidence["extensions_failed"] = dict(sorted(plan.extension_failures.items()))
    return evidence


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


def _register_extension(plan: str, extension: str, slug: str, what: str, docs: str) -> None:
    """One check per plan extension (a component of the plan, such as Defender for Servers' agentless
    scanning): the plan is on and the extension is enabled, and its enablement did not fail."""

    @azure_check(
        id=f"azure.defender.{slug}_enabled",
        title=f"Defender for Cloud's {what} component is on (plan {plan}, extension {extension})",
        severity=Severity.MEDIUM,
        rationale=f"{what} is a component of the {plan} plan (Plan 2 for servers); the plan can be at "
        "Standard tier with the component off, so the plan check alone does not prove it runs.",
        risk=f"The protection {what} gives is missing although the plan looks on.",
        remediation=Remediation(
            cli=(
                f"az security pricing create --name {plan} --tier Standard --subplan P2 "
                f"--extensions name={extension} isEnabled=True"
            ),
            console=[
                "Defender for Cloud > Environment settings > the subscription > Defender plans.",
                f"{plan} > Settings (Monitoring coverage): turn {what} On and save.",
            ],
            text=f"Enable the {extension} extension of the {plan} plan.",
        ),
        references=(docs, PRICING_DOCS),
        module_section=CIS_SECTION,
        datasets=("defender_plans",),
    )
    def check(inv: AzureInventory) -> Iterator[Verdict]:
        resource, found = _plan_of(inv, plan)
        if isinstance(found, Verdict):
            yield found
            return
        state = found.extensions.get(extension)
        failure = found.extension_failures.get(extension)
        if not found.enabled:
            yield failed(resource, GLOBAL, f"Defender plan {plan} is off, so its {what} component is too")
        elif failure is not None:
            yield failed(
                resource,
                GLOBAL,
                f"{what} ({extension}) of plan {plan} is on but its enablement failed: {failure}",
                sub_plan=found.sub_plan,
            )
        elif state is None:
            yield failed(
                resource,
                GLOBAL,
                f"Plan {plan} (sub-plan {found.sub_plan or 'none'}) has no {extension} extension: "
                f"{what} needs Plan 2",
                sub_plan=found.sub_plan,
            )
        elif state:
            yield passed(
                resource, GLOBAL, f"{what} ({extension}) of plan {plan} is on", sub_plan=found.sub_plan
            )
        else:
            yield failed(
                resource, GLOBAL, f"{what} ({extension}) of plan {plan} is off", sub_plan=found.sub_plan
            )


EXTENSIONS = (
    (
        "VirtualMachines",
        "AgentlessVmScanning",
        "servers_agentless_scanning",
        "Agentless scanning for machines",
        "https://learn.microsoft.com/en-us/azure/defender-for-cloud/enable-agentless-scanning-vms",
    ),
    (
        "VirtualMachines",
        "FileIntegrityMonitoring",
        "servers_file_integrity_monitoring",
        "File Integrity Monitoring",
        "https://learn.microsoft.com/en-us/azure/defender-for-cloud/file-integrity-monitoring-enable-defender-endpoint",
    ),
)
for _extension in EXTENSIONS:
    _register_extension(*_extension)


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
    inv: AzureInventory,
    ok: str | Callable[[SecurityContact], str],
    bad: str,
    test: Callable[[SecurityContact], bool],
) -> Iterator[Verdict]:
    """PASS when an enabled contact meets ``test`` (``ok``: the message, or made from that contact): a
    contact whose ``isEnabled`` is false sends nothing."""
    resource = f"{_subscription(inv)}/providers/Microsoft.Security/securityContacts/default"
    if inv.security_contacts is None:
        yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "security_contacts"))
        return
    matching = [c for c in inv.security_contacts if c.enabled and test(c)]
    if matching:
        message = ok if isinstance(ok, str) else ok(matching[0])
        yield passed(resource, GLOBAL, message, contact=matching[0].name)
    elif not inv.security_contacts:
        yield failed(resource, GLOBAL, f"No security contact is configured: {bad}")
    elif not any(c.enabled for c in inv.security_contacts):
        yield failed(
            resource,
            GLOBAL,
            f"The security contact is disabled (isEnabled false): {bad}",
            contacts=[c.name for c in inv.security_contacts],
        )
    else:
        yield failed(resource, GLOBAL, bad, contacts=[c.name for c in inv.security_contacts])


CONTACT_REMEDIATION = (
    "az rest --method put --url 'https://management.azure.com/subscriptions/{account}/providers/"
    "Microsoft.Security/securityContacts/default?api-version=2023-12-01-preview' --body "
    '\'{"properties": {"isEnabled": true, "emails": "{email}", "notificationsByRole": '
    '{"state": "On", "roles": ["Owner"]}, "notificationsSources": [{"sourceType": '
    '"Alert", "minimalSeverity": "High"}, {"sourceType": "AttackPath", '
    '"minimalRiskLevel": "Critical"}]}}\''
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
        lambda c: (
            f"Alert notifications are on (severity {c.alert_minimal_severity or 'unspecified'} or higher)"
        ),
        "Alert notifications are off",
        lambda c: c.alert_notifications.lower() == "on",
    )


@azure_check(
    id="azure.defender.attack_path_notifications_enabled",
    title="Defender for Cloud emails attack paths (notify about attack paths with a minimum risk level)",
    severity=Severity.MEDIUM,
    rationale="An attack path is a chain of exposures an attacker can walk to a critical asset; email "
    "notification at or above a risk level gets it to the team when Defender finds it.",
    risk="New attack paths to critical resources wait in the portal unseen.",
    remediation=Remediation(
        cli=CONTACT_REMEDIATION,
        console=[
            "Defender for Cloud > Environment settings > subscription > Email notifications.",
            "Tick 'Notify about attack paths with the following risk level (or higher)' and choose Critical.",
        ],
        text="Add an AttackPath notification source (minimal risk level Critical or lower) to the "
        "enabled security contact.",
    ),
    references=(
        CONTACT_DOCS,
        "https://learn.microsoft.com/en-us/azure/defender-for-cloud/how-to-manage-attack-path",
    ),
    module_section=CIS_SECTION,
    datasets=("security_contacts",),
)
def attack_path_notifications_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    yield from _contact_verdicts(
        inv,
        lambda c: (
            "Attack-path notifications are on (risk level "
            f"{c.attack_path_minimal_risk_level or 'unspecified'} or higher)"
        ),
        "Attack-path notifications are off",
        lambda c: c.attack_path_notifications.lower() == "on",
    )


# --- Security alerts --------------------------------------------------------------------------------

ALERTS_SECTION = "Cloud-Native Threat Detection > Azure Defender for Cloud; GuardDuty finding types"
HIGH = "high"  # Defender's severities: Informational, Low, Medium, High (no Critical band)
POSTURE_ONLY_PLANS = frozenset({"cloudposture"})
"""Defender CSPM assesses posture and raises no security alert; every other plan protects a workload
and raises alerts."""


def _alerting_plans(plans: list[DefenderPlan]) -> list[str]:
    return sorted(p.name for p in plans if p.enabled and p.name.lower() not in POSTURE_ONLY_PLANS)


def alerts_by_category(alerts: list[DefenderAlert]) -> dict[str, int]:
    """Counts by module 4's four threat categories (every one present, 0 when none), the rest as
    'uncategorised'."""
    counts = dict.fromkeys(CATEGORIES, 0)
    for alert in alerts:
        category = alert.category or "uncategorised"
        counts[category] = counts.get(category, 0) + 1
    return counts


def alert_runbook(category: str | None) -> list[dict[str, str]]:
    """The module's runbook rows for a category (``threats.<category>`` in checks/runbook.yaml)."""
    if category is None:
        return []
    return [
        {"scenario": e.scenario, "detection": e.detection, "response": e.response}
        for e in runbook_for(f"azure.threats.{category}")
    ]


@azure_check(
    id="azure.defender.no_unaddressed_high_alerts",
    title="No unaddressed High-severity Defender for Cloud security alert",
    severity=Severity.HIGH,
    rationale=(
        "Defender for Cloud's security alerts are Azure's counterpart of the module's GuardDuty finding "
        "types: 'Reconnaissance: Port scanning, API enumeration; Instance compromise: Cryptocurrency mining, "
        "malware communication; Account compromise: Unusual API calls, credential abuse; Data exfiltration'. "
        "An alert of High severity (Defender's highest: it has no Critical band) that is still Active or "
        "InProgress is an incident nobody has closed; the module's runbook says how to respond."
    ),
    risk="A compromised machine, abused credentials or an exfiltration in progress stays unanswered.",
    remediation=Remediation(
        cli="az security alert update --subscription {account} --resource-group {resource_group} "
        "--location {asc_location} --name {alert_name} --status Resolve",
        console=[
            "Open Microsoft Defender for Cloud > Security alerts; filter on Severity High and Status Active, "
            "In progress (or: az security alert list --query \"[?severity=='High' && "
            "(status=='Active' || status=='InProgress')]\").",
            "Follow the runbook response for the alert's category, then set its status to Resolved "
            "(or Dismissed when it is a false positive).",
        ],
        text="Respond as the runbook says for the alert's category (block the source, isolate the machine, "
        "revoke credentials, forensics), then resolve the alert (az security alert update --status Resolve; "
        "leave out --resource-group for an alert at subscription scope) so that what stays active is what "
        "is still open.",
    ),
    references=(
        "https://learn.microsoft.com/en-us/azure/defender-for-cloud/alerts-overview",
        "https://learn.microsoft.com/en-us/azure/defender-for-cloud/managing-and-responding-alerts",
        "https://learn.microsoft.com/en-us/cli/azure/security/alert",
    ),
    module_section=ALERTS_SECTION,
    datasets=("defender_alerts", "defender_plans"),
)
def no_unaddressed_high_alerts(inv: AzureInventory) -> Iterator[Verdict]:
    resource = f"{_subscription(inv)}/providers/Microsoft.Security/alerts"
    if inv.defender_alerts is None:
        yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "defender_alerts"))
        return
    high = [a for a in inv.defender_alerts if a.severity.lower() == HIGH]
    for alert in high:  # seen and still open: a FAIL whatever the plans say now
        category = alert.category
        title = CATEGORY_TITLES.get(category or "", "uncategorised")
        runbook = alert_runbook(category)
        respond = "; ".join(row["response"] for row in runbook)
        yield failed(
            alert.id,
            GLOBAL,
            f"High {title} alert '{alert.display_name or alert.alert_type}' ({alert.alert_type}) on "
            f"{alert.compromised_entity or 'the subscription'} is still {alert.status}"
            + (f"; runbook: {respond}" if respond else ""),
            alert_name=alert.name,
            alert_type=alert.alert_type,
            severity=alert.severity,
            status=alert.status,
            intent=alert.intent,
            category=category or "uncategorised",
            affected=alert.compromised_entity,
            resource_ids=alert.resource_ids,
            product_component=alert.product_component,
            resource_group=alert.resource_group,
            asc_location=alert.asc_location,
            started=alert.start_time.isoformat() if alert.start_time else "",
            runbook=runbook,
            sample=alert.sample,
        )
    if high:
        return
    if inv.defender_plans is None:  # no High alert, but whether anything could raise one is unknown
        yield not_evaluated(resource, GLOBAL, inv.errors_for(GLOBAL, "defender_plans"))
        return
    counts = alerts_by_category(inv.defender_alerts)
    plans = _alerting_plans(inv.defender_plans)
    if not plans:
        leftover = (
            f" ({len(inv.defender_alerts)} unaddressed alert(s) of lower severity remain from before)"
            if inv.defender_alerts
            else ""
        )
        yield not_applicable(
            resource,
            GLOBAL,
            "No Defender for Cloud plan that raises security alerts is on (the plan checks report them): "
            f"nothing detects threats here{leftover}",
            by_category=counts,
        )
        return
    yield passed(
        resource,
        GLOBAL,
        f"No unaddressed High alert ({len(inv.defender_alerts)} Active or InProgress alert(s) of lower "
        "severity" + (f": {_counts_text(counts)}" if inv.defender_alerts else "") + ")",
        by_category=counts,
        by_severity=_by_severity(inv.defender_alerts),
        alerting_plans=plans,
    )


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{CATEGORY_TITLES.get(c, c)} {n}" for c, n in counts.items() if n)


def _by_severity(alerts: list[DefenderAlert]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.severity or "unknown"] = counts.get(alert.severity or "unknown", 0) + 1
    return dict(sorted(counts.items()))
