"""Cloud DNS: server policies (``enableLogging`` and the networks they bind) and managed zones (DNSSEC).

google-cloud-dns has no policies, so this reads through google-api-python-client's ``dns v1`` with the
static discovery document shipped in the package (no discovery fetch at run time).
"""

from __future__ import annotations

from typing import Any

from auditor.inventory.gcp import DnsKeySpec, DnsPolicy, ManagedZone
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "dns"


def _last(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _policy(item: dict[str, Any]) -> DnsPolicy:
    return DnsPolicy(
        name=item["name"],
        enable_logging=bool(item.get("enableLogging", False)),
        networks=[_last(n["networkUrl"]) for n in item.get("networks", [])],
    )


def _zone(item: dict[str, Any]) -> ManagedZone:
    dnssec = item.get("dnssecConfig") or {}
    return ManagedZone(
        name=item["name"],
        dns_name=item.get("dnsName", ""),
        visibility=item.get("visibility", "public"),
        dnssec_state=dnssec.get("state", "off"),
        dnssec_keys=[
            DnsKeySpec(key_type=k.get("keyType", ""), algorithm=k.get("algorithm", ""))
            for k in dnssec.get("defaultKeySpecs", [])
        ],
    )


def collect(context: UnitContext) -> None:
    dns = context.clients.discovery("dns")
    project = context.target

    def policies() -> list[DnsPolicy]:
        pages = context.discovery_pages(SERVICE, "policies.list", dns.policies(), project=project)
        return [_policy(item) for page in pages for item in page.get("policies", [])]

    def zones() -> list[ManagedZone]:
        pages = context.discovery_pages(SERVICE, "managedZones.list", dns.managedZones(), project=project)
        return [_zone(item) for page in pages for item in page.get("managedZones", [])]

    context.fill("dns_policies", SERVICE, "policies.list", policies)
    context.fill("managed_zones", SERVICE, "managedZones.list", zones)


UNIT = Unit(
    service=SERVICE,
    datasets=("dns_policies", "managed_zones"),
    reads=((SERVICE, "policies.list"), (SERVICE, "managedZones.list")),
    collect=collect,
)
