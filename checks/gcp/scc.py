"""Security Command Center: active for the organization (its enabled services and its sources, read
through the SCC Management API and SCC v2), its detection services on, and the active high and critical
findings summarised.

Module 4, "Cloud-Native Threat Detection > GCP Security Command Center" (`gcloud scc findings list ...
--filter="state=\"ACTIVE\""`). The module's `gcloud scc settings update --enable-asset-discovery` is
gone: Google deprecated and removed SCC asset discovery in 2024 (Cloud Asset Inventory does that job,
`gcp.asset.inventory_enabled`), so no check asks for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from auditor.inventory.gcp import GLOBAL, GcpInventory, SccFindingCount
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, failed, gcp_check, manual, passed
from auditor.runbook import runbook_for
from auditor.threats.categories import CATEGORY_TITLES, scc_category
from checks.gcp.scope import unreadable

SECTION = "Cloud-Native Threat Detection > GCP Security Command Center"
DOCS = "https://cloud.google.com/security-command-center/docs/activate-scc-overview"
CORE_SERVICES = ("security-health-analytics", "event-threat-detection")


def _stamped(
    check: Callable[[GcpInventory], Iterator[Verdict]],
) -> Callable[[GcpInventory], Iterator[Verdict]]:
    """Put the organization id in every verdict's evidence (the remediation's {organization})."""

    def stamped(inv: GcpInventory) -> Iterator[Verdict]:
        for verdict in check(inv):
            evidence = {**verdict.evidence, "organization": inv.organization_id}
            yield replace(verdict, evidence=evidence)

    stamped.__name__ = check.__name__
    return stamped


def _org_resource(inv: GcpInventory) -> str:
    return f"//cloudresourcemanager.googleapis.com/organizations/{inv.organization_id}"


def _outside_org(inv: GcpInventory) -> Verdict:
    return manual(
        f"//cloudresourcemanager.googleapis.com/projects/{inv.project_id}",
        GLOBAL,
        f"Project {inv.project_id} is in no organization: the organization-level SCC settings cannot be "
        "read; "
        "check SCC's project-level activation by hand",
    )


@gcp_check(
    id="gcp.scc.enabled",
    title="Security Command Center is active for the organization",
    severity=Severity.HIGH,
    rationale=(
        "SCC is GCP's threat detection and posture service; the module turns it on for the organization. "
        "It is active when at least one of its services is enabled there (SCC Management API "
        "securityCenterServices); its sources (SCC v2) are listed as evidence."
    ),
    risk="Threats and misconfigurations across the organization's projects go unreported.",
    remediation=Remediation(
        cli="gcloud scc manage services update security-health-analytics --organization={organization} "
        "--enablement-state=ENABLED",
        text="Activate Security Command Center for the organization (Security > Security Command Center > "
        "Get started) and enable its services.",
    ),
    references=(DOCS, "https://cloud.google.com/security-command-center/docs/reference/rest"),
    module_section=SECTION,
    datasets=("scc_services", "scc_sources"),
)
@_stamped
def enabled(inv: GcpInventory) -> Iterator[Verdict]:
    if not inv.organization_id:
        yield _outside_org(inv)
        return
    if (verdict := unreadable(inv, "scc_services", "scc_sources")) is not None:
        yield verdict
        return
    assert inv.scc_services is not None and inv.scc_sources is not None
    resource = _org_resource(inv)
    services = sorted(s.name for s in inv.scc_services if s.enabled)
    sources = sorted(s.display_name or s.name for s in inv.scc_sources)
    if not services:
        yield failed(
            resource,
            GLOBAL,
            f"SCC has no enabled service in organization {inv.organization_id}",
            sources=sources,
        )
    else:
        yield passed(
            resource,
            GLOBAL,
            f"SCC is active in organization {inv.organization_id}: {len(services)} enabled services, "
            f"{len(sources)} sources",
            enabled_services=services,
            sources=sources,
        )


@gcp_check(
    id="gcp.scc.detection_services_enabled",
    title="SCC's detection services (Security Health Analytics, Event Threat Detection) are enabled",
    severity=Severity.MEDIUM,
    rationale="Security Health Analytics finds misconfigurations; Event Threat Detection reads the audit, "
    "DNS and flow logs for the module's threat types (crypto-mining, malware, exfiltration, IAM abuse).",
    risk="The threats the module lists are not detected even though SCC is on.",
    remediation=Remediation(
        cli="gcloud scc manage services update {resource_name} --organization={organization} "
        "--enablement-state=ENABLED",
        text="Enable the service at organization level (SCC > Settings > Services).",
    ),
    references=("https://cloud.google.com/security-command-center/docs/service-tiers",),
    module_section=SECTION,
    datasets=("scc_services",),
)
@_stamped
def detection_services_enabled(inv: GcpInventory) -> Iterator[Verdict]:
    if not inv.organization_id:
        yield _outside_org(inv)
        return
    if (verdict := unreadable(inv, "scc_services")) is not None:
        yield verdict
        return
    assert inv.scc_services is not None
    states = {s.name: s.effective_state for s in inv.scc_services}
    for service in CORE_SERVICES:
        resource = f"{_org_resource(inv)}/securityCenterServices/{service}"
        state = states.get(service, "absent")
        if state == "ENABLED":
            yield passed(resource, GLOBAL, f"SCC service {service} is enabled")
        else:
            yield failed(resource, GLOBAL, f"SCC service {service} is {state}", state=state)


def _by_threat_category(findings: list[SccFindingCount]) -> dict[str, int]:
    """Counts by the module's four threat categories (SCC's category names its tactic), the rest as
    'uncategorised'."""
    counts: dict[str, int] = {}
    for finding in findings:
        category = scc_category(finding.category) or "uncategorised"
        counts[category] = counts.get(category, 0) + finding.count
    return dict(sorted(counts.items()))


@gcp_check(
    id="gcp.scc.no_active_high_findings",
    title="No active high or critical SCC finding is open for the project",
    severity=Severity.HIGH,
    rationale='The module\'s `gcloud scc findings list --filter=state="ACTIVE"`: active high and critical '
    "findings are the queue the operators must work through; this check summarises it by category.",
    risk="Known high-severity threats and misconfigurations stay open.",
    remediation=Remediation(
        cli='gcloud scc findings list {organization} --source=- --filter="state=\\"ACTIVE\\" AND '
        '(severity=\\"HIGH\\" OR severity=\\"CRITICAL\\")"',
        text="Work through the listed findings (fix, or mute with a reason); the runbook says how to "
        "respond.",
    ),
    references=("https://cloud.google.com/security-command-center/docs/how-to-investigate-threats",),
    module_section=SECTION,
    datasets=("scc_active_findings",),
)
@_stamped
def no_active_high_findings(inv: GcpInventory) -> Iterator[Verdict]:
    if not inv.organization_id:
        yield _outside_org(inv)
        return
    if (verdict := unreadable(inv, "scc_active_findings")) is not None:
        yield verdict
        return
    assert inv.scc_active_findings is not None
    resource = f"//cloudresourcemanager.googleapis.com/projects/{inv.project_id}"
    serious = [f for f in inv.scc_active_findings if f.severity in ("HIGH", "CRITICAL")]
    summary = {f"{f.severity}/{f.category}": f.count for f in serious}
    total = sum(f.count for f in inv.scc_active_findings)
    if serious:
        listed = ", ".join(f"{n} {key}" for key, n in sorted(summary.items()))
        by_threat = _by_threat_category(serious)
        responses = {
            category: [entry.response for entry in runbook_for(f"gcp.threats.{category}")]
            for category in by_threat
            if category != "uncategorised"
        }
        yield failed(
            resource,
            GLOBAL,
            f"{sum(summary.values())} active high/critical SCC findings: {listed}"
            + "".join(f"; {CATEGORY_TITLES[c]}: {', '.join(r)}" for c, r in sorted(responses.items()) if r),
            by_severity_and_category=summary,
            by_threat_category=by_threat,
            runbook_responses=responses,
            active_total=total,
        )
    else:
        yield passed(
            resource,
            GLOBAL,
            f"No active high or critical SCC finding ({total} active in all)",
            active_total=total,
        )
