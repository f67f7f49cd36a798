"""Service Usage: the project's enabled APIs (CIS 2.14 asks for cloudasset.googleapis.com).

Read through google-api-python-client's ``serviceusage v1`` with the static discovery document.
"""

from __future__ import annotations

from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "serviceusage"


def collect(context: UnitContext) -> None:
    project = context.target

    def enabled_apis() -> list[str]:
        usage = context.clients.discovery("serviceusage")
        pages = context.discovery_pages(
            SERVICE, "services.list", usage.services(), parent=f"projects/{project}", filter="state:ENABLED"
        )
        return sorted(
            item["config"]["name"] if "config" in item else item["name"].rsplit("/", 1)[-1]
            for page in pages
            for item in page.get("services", [])
        )

    context.fill("enabled_apis", SERVICE, "services.list", enabled_apis)


UNIT = Unit(
    service=SERVICE,
    datasets=("enabled_apis",),
    reads=((SERVICE, "services.list"),),
    collect=collect,
)
