"""Security Command Center for one organization: settings (asset discovery), the enabled services
(securitycentermanagement: service enablement lives there, not in securitycenter), the sources and the
active findings, summarised per project by severity and category.

The unit's values are organization-wide; the collector hands each project its share
(``findings_for_project``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.inventory.gcp import SccFindingCount, SccService, SccSettings, SccSource
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "securitycenter"
MANAGEMENT = "securitycentermanagement"
ACTIVE = 'state="ACTIVE"'


def _name(value: Any) -> str:
    return value if isinstance(value, str) else getattr(value, "name", str(value))


def collect(context: UnitContext) -> None:
    clients = context.clients
    organization = f"organizations/{context.target}"
    retry, timeout = clients.retry, clients.options.call_timeout

    def settings() -> SccSettings:
        answer = context.call(
            SERVICE,
            "get_organization_settings",
            lambda: clients.security_center().get_organization_settings(
                name=f"{organization}/organizationSettings", retry=retry, timeout=timeout
            ),
        )
        mode = ""
        if "asset_discovery_config" in answer:
            mode = _name(answer.asset_discovery_config.inclusion_mode)
        return SccSettings(enable_asset_discovery=bool(answer.enable_asset_discovery), inclusion_mode=mode)

    def services() -> list[SccService]:
        send = lambda: clients.scc_management().list_security_center_services(  # noqa: E731
            parent=f"{organization}/locations/global", retry=retry, timeout=timeout
        )
        return [
            SccService(
                name=s.name.rsplit("/", 1)[-1],
                effective_state=_name(s.effective_enablement_state),
                intended_state=_name(s.intended_enablement_state),
            )
            for page in context.pages(MANAGEMENT, "list_security_center_services", send)
            for s in page.security_center_services
        ]

    def sources() -> list[SccSource]:
        def send() -> Any:
            return clients.security_center().list_sources(parent=organization, retry=retry, timeout=timeout)

        return [
            SccSource(name=s.name, display_name=s.display_name)
            for page in context.pages(SERVICE, "list_sources", send)
            for s in page.sources
        ]

    def findings() -> dict[str, list[SccFindingCount]]:
        send = lambda: clients.security_center().list_findings(  # noqa: E731
            request={"parent": f"{organization}/sources/-", "filter": ACTIVE}, retry=retry, timeout=timeout
        )
        counts: Counter[tuple[str, str, str]] = Counter()
        for page in context.pages(SERVICE, "list_findings", send):
            for result in page.list_findings_results:
                finding = result.finding
                project = result.resource.project_display_name if "resource" in result else ""
                counts[(project, _name(finding.severity), finding.category)] += 1
        by_project: dict[str, list[SccFindingCount]] = {}
        for (project, severity, category), count in sorted(counts.items()):
            by_project.setdefault(project, []).append(
                SccFindingCount(severity=severity, category=category, count=count)
            )
        return by_project

    context.fill("scc_settings", SERVICE, "get_organization_settings", settings)
    context.fill("scc_services", MANAGEMENT, "list_security_center_services", services)
    context.fill("scc_sources", SERVICE, "list_sources", sources)
    context.fill("scc_active_findings", SERVICE, "list_findings", findings)


def findings_for_project(value: Any, project: str) -> list[SccFindingCount] | None:
    """A project's share of the organization's active findings (None when they could not be read)."""
    if value is None:
        return None
    return list(value.get(project, []))


UNIT = Unit(
    service=SERVICE,
    datasets=("scc_settings", "scc_services", "scc_sources", "scc_active_findings"),
    reads=(
        (SERVICE, "get_organization_settings"),
        (MANAGEMENT, "list_security_center_services"),
        (SERVICE, "list_sources"),
        (SERVICE, "list_findings"),
    ),
    collect=collect,
    scope="organization",
)
