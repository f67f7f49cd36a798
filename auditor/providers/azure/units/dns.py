"""DNS security policies (the current DNS query logging mechanism) and the virtual networks linked to them."""

from __future__ import annotations

from typing import Any

from auditor.inventory.azure import DnsSecurityPolicy, location_key
from auditor.providers.azure.operations import api_version
from auditor.providers.azure.unit import Unit, UnitContext
from auditor.providers.azure.units.network import resource_group

SERVICE = "dnsresolver"


def _policies(context: UnitContext, client: Any) -> list[DnsSecurityPolicy]:
    policies = []
    for policy in context.call(
        SERVICE,
        "dns_resolver_policies.list",
        lambda: list(
            client.dns_resolver_policies.list(api_version=api_version("dns_resolver_policies.list"))
        ),
    ):
        links = context.call(
            SERVICE,
            "dns_resolver_policy_virtual_network_links.list",
            lambda p=policy: list(
                client.dns_resolver_policy_virtual_network_links.list(
                    resource_group(p.id),
                    p.name,
                    api_version=api_version("dns_resolver_policy_virtual_network_links.list"),
                )
            ),
            resource=policy.id,
        )
        policies.append(
            DnsSecurityPolicy(
                id=policy.id,
                name=policy.name,
                location=location_key(policy.location or ""),
                virtual_network_ids=[getattr(link.virtual_network, "id", "") or "" for link in links],
            )
        )
    return policies


def collect(context: UnitContext) -> None:
    client = context.client(SERVICE)
    context.fill("dns_security_policies", SERVICE, lambda: _policies(context, client))


UNIT = Unit(service="dns", datasets=("dns_security_policies",), collect=collect)
