"""DNS query logging: every virtual network is linked to a DNS security policy whose diagnostic settings
send its DNS query logs (category DnsResponse) to a destination.

Module 4, "Essential Network Logs > Log Types by Provider: DNS queries / Azure DNS Analytics". The
module's DNS Analytics solution is retired; DNS security policy diagnostic logs are the current way to
log the queries a virtual network's resources make.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.azure import GLOBAL, RESOURCE_DIAGNOSTICS, AzureInventory
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, azure_check, failed, not_evaluated, passed

DNS_CATEGORY = "DnsResponse"


@azure_check(
    id="azure.dns.query_logging_enabled",
    title="DNS queries of every virtual network are logged (DNS security policy diagnostic logs)",
    severity=Severity.MEDIUM,
    rationale="DNS query logs reveal malware beaconing, DNS tunnelling and exfiltration by name lookups. "
    "The module's DNS Analytics is retired; a DNS security policy linked to the VNet, with a diagnostic "
    "setting sending DnsResponse logs, records every query.",
    risk="Command-and-control and exfiltration over DNS go unseen.",
    remediation=Remediation(
        cli=(
            "az dns-resolver policy create --resource-group {resource_group} --name {policy} "
            "--location {location} && az dns-resolver policy vnet-link create --resource-group "
            "{resource_group} --policy-name {policy} --name {vnet}-link --virtual-network {vnet_id}"
            " && az monitor diagnostic-settings create --name dns-queries --resource {policy_id}"
            ' --workspace {workspace_id} --logs \'[{"category":"DnsResponse","enabled":true}]\''
        ),
        console=[
            "DNS security policies > Create, in the VNet's region; link the virtual network.",
            "The policy > Diagnostic settings > Add: tick DnsResponse (or allLogs) and a workspace.",
        ],
        text="DNS Analytics (the module's mechanism) is retired: link the VNet to a DNS security policy and "
        "send the policy's DnsResponse logs to a Log Analytics workspace.",
    ),
    references=(
        "https://learn.microsoft.com/en-us/azure/dns/dns-security-policy",
        "https://learn.microsoft.com/en-us/azure/azure-monitor/reference/supported-logs/"
        "microsoft-network-dnsresolverpolicies-logs",
    ),
    module_section="Essential Network Logs > Log Types by Provider: DNS queries / Azure DNS Analytics",
    datasets=(
        "virtual_networks",
        "dns_security_policies",
        "linked_dns_security_policies",
        RESOURCE_DIAGNOSTICS,
    ),
)
def query_logging_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    if inv.virtual_networks is None or inv.dns_security_policies is None:
        yield not_evaluated(
            f"/subscriptions/{inv.subscription_id}",
            GLOBAL,
            inv.errors_for(GLOBAL, "virtual_networks", "dns_security_policies"),
        )
        return
    # this subscription's policies, and the other scanned subscriptions' policies that link its VNets
    policies = [*inv.dns_security_policies, *(inv.linked_dns_security_policies or [])]
    for vnet in inv.virtual_networks:
        linked = [p for p in policies if vnet.id.lower() in {v.lower() for v in p.virtual_network_ids}]
        if not linked:
            if inv.linked_dns_security_policies is None:  # a link from another subscription is unknown
                yield not_evaluated(
                    vnet.id, vnet.location, inv.errors_for(GLOBAL, "linked_dns_security_policies")
                )
                continue
            yield failed(
                vnet.id,
                vnet.location,
                f"VNet {vnet.name} is linked to no DNS security policy (of the scanned subscriptions): its "
                "DNS queries are not logged",
                vnet=vnet.name,
                location=vnet.location,
                vnet_id=vnet.id,
            )
            continue
        unreadable = [p for p in linked if p.diagnostic_settings is None]
        logging = [
            p for p in linked if any(s.logs_enabled(DNS_CATEGORY) for s in p.diagnostic_settings or [])
        ]
        if logging:
            yield passed(
                vnet.id,
                vnet.location,
                f"VNet {vnet.name}'s DNS queries are logged through DNS security policy {logging[0].name}"
                + _elsewhere(logging[0].id, inv.subscription_id),
                policy=logging[0].id,
            )
        elif unreadable:
            errors = [
                e for p in unreadable for e in inv.errors_for(p.location, RESOURCE_DIAGNOSTICS, resource=p.id)
            ]
            yield not_evaluated(vnet.id, vnet.location, errors)
        else:
            yield failed(
                vnet.id,
                vnet.location,
                f"VNet {vnet.name} is linked to DNS security policy "
                f"{linked[0].name}{_elsewhere(linked[0].id, inv.subscription_id)}, but no diagnostic setting "
                f"sends its {DNS_CATEGORY} logs",
                policy=linked[0].name,
                policy_id=linked[0].id,
            )


def _elsewhere(policy_id: str, subscription: str) -> str:
    """' (in subscription X)' for a policy of another subscription, '' for a local one."""
    parts = policy_id.split("/")
    owner = parts[2] if len(parts) > 2 and parts[1].lower() == "subscriptions" else ""
    return f" (in subscription {owner})" if owner and owner.lower() != subscription.lower() else ""
