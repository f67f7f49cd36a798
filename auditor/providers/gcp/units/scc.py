"""Security Command Center for one organization, on the v2 API: the enabled services
(securitycentermanagement: service enablement lives there), the sources (v2 ``ListSources``) and the
active findings (v2 ``ListFindings`` across every source in the global location), summarised per project
by severity and category.

v2 because organizations that activated SCC after December 2024 can only use v2. Asset discovery (the v1
``organizationSettings.enableAssetDiscovery``) was deprecated and removed by Google in 2024: it is not
read. The project of a finding is the v2 ``Resource.gcp_metadata.project_display_name`` (the project id),
or else the project whose number ``gcp_metadata.project`` names.

The unit's values are organization-wide; the collector hands each project its share
(``findings_for_project``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.inventory.gcp import SccFindingCount, SccService, SccSource
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "securitycenter"
MANAGEMENT = "securitycentermanagement"
ACTIVE = 'state="ACTIVE"'
LOCATION = "global"
PROJECT_NUMBER = "number:"
"""The key prefix of a finding whose project only its number names (``findings_for_project`` maps it)."""


def _name(value: Any) -> str:
    return value if isinstance(value, str) else getattr(value, "name", str(value))


def finding_project(result: Any) -> str:
    """The project id of a v2 ``ListFindingsResult`` ("number:N" when only the number is given, "" for
    a finding on no project, e.g. on the organization)."""
    if "resource" not in result or "gcp_metadata" not in result.resource:
        return ""
    metadata = result.resource.gcp_metadata
    if metadata.project_display_name:
        return str(metadata.project_display_name)
    project = str(metadata.project)
    return PROJECT_NUMBER + project.rsplit("/", 1)[-1] if project else ""


def collect(context: UnitContext) -> None:
    clients = context.clients
    organization = f"organizations/{context.target}"
    retry, timeout = clients.retry, clients.options.call_timeout

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
        parent = f"{organization}/sources/-/locations/{LOCATION}"
        send = lambda: clients.security_center().list_findings(  # noqa: E731
            request={"parent": parent, "filter": ACTIVE}, retry=retry, timeout=timeout
        )
        counts: Counter[tuple[str, str, str]] = Counter()
        for page in context.pages(SERVICE, "list_findings", send):
            for result in page.list_findings_results:
                finding = result.finding
                counts[(finding_project(result), _name(finding.severity), finding.category)] += 1
        by_project: dict[str, list[SccFindingCount]] = {}
        for (project, severity, category), count in sorted(counts.items()):
            by_project.setdefault(project, []).append(
                SccFindingCount(severity=severity, category=category, count=count)
            )
        return by_project

    context.fill("scc_services", MANAGEMENT, "list_security_center_services", services)
    context.fill("scc_sources", SERVICE, "list_sources", sources)
    context.fill("scc_active_findings", SERVICE, "list_findings", findings)


def findings_for_project(value: Any, project: str, number: str = "") -> list[SccFindingCount] | None:
    """A project's share of the organization's active findings (None when they could not be read)."""
    if value is None:
        return None
    found = list(value.get(project, []))
    if number:
        found += value.get(PROJECT_NUMBER + number, [])
    return found


UNIT = Unit(
    service=SERVICE,
    datasets=("scc_services", "scc_sources", "scc_active_findings"),
    reads=(
        (MANAGEMENT, "list_security_center_services"),
        (SERVICE, "list_sources"),
        (SERVICE, "list_findings"),
    ),
    collect=collect,
    scope="organization",
)
