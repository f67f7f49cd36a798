"""Cloud DNS: query logging on every VPC network (a DNS server policy with logging bound to it), and
DNSSEC on public zones without RSASHA1.

Module 4, "Essential Network Logs > Log Types by Provider: DNS queries / GCP Cloud DNS Logs";
CIS GCP 5.0 2.13, 3.3, 3.4, 3.5 (4.0 2.12, 3.3-3.5).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from auditor.inventory.gcp import GLOBAL, GcpInventory, ManagedZone
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, failed, gcp_check, not_applicable, passed
from checks.gcp.scope import unreadable

DNS_SECTION = "Essential Network Logs > Log Types by Provider: DNS queries / GCP Cloud DNS Logs"
LOGGING_DOCS = "https://cloud.google.com/dns/docs/monitoring"
DNSSEC_DOCS = "https://cloud.google.com/dns/docs/dnssec-config"


@gcp_check(
    id="gcp.dns.policy_logging_enabled",
    title="Cloud DNS logging is enabled for every VPC network",
    severity=Severity.MEDIUM,
    rationale=(
        "Cloud DNS query logs record every name the VMs of a network resolve: the source of the module's "
        "'DNS queries: unknown TLDs' baseline and of C2 and DNS-tunnelling detection. Logging is switched on "
        "by a DNS server policy with enableLogging bound to the network."
    ),
    risk="Malware lookups, C2 domains and DNS tunnelling from the network leave no record.",
    remediation=Remediation(
        cli="gcloud dns policies create {resource_name}-dns-logging --networks={resource_name} "
        '--enable-logging --description="DNS query logging"',
        text="Bind a DNS server policy with logging enabled to the network (or update the policy already "
        "bound to it: gcloud dns policies update POLICY --enable-logging).",
    ),
    references=(LOGGING_DOCS,),
    module_section=DNS_SECTION,
    datasets=("networks", "dns_policies"),
)
def policy_logging_enabled(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "networks", "dns_policies")) is not None:
        yield verdict
        return
    assert inv.networks is not None and inv.dns_policies is not None
    for network in inv.networks:
        resource = f"//compute.googleapis.com/projects/{inv.project_id}/global/networks/{network.name}"
        bound = [p for p in inv.dns_policies if network.name in p.networks]
        logging = [p.name for p in bound if p.enable_logging]
        if logging:
            verdict = passed(
                resource,
                GLOBAL,
                f"Network {network.name} logs DNS queries (policy {logging[0]})",
                policy=logging[0],
            )
        elif bound:
            verdict = failed(
                resource,
                GLOBAL,
                f"Network {network.name} has DNS policy {bound[0].name} with logging off",
                policy=bound[0].name,
            )
        else:
            verdict = failed(resource, GLOBAL, f"Network {network.name} has no DNS policy with logging")
        yield replace(verdict, resource_name=network.name)


def _public_zones(inv: GcpInventory) -> list[ManagedZone]:
    assert inv.managed_zones is not None
    return [z for z in inv.managed_zones if z.visibility == "public"]


def _zone_id(inv: GcpInventory, zone: ManagedZone) -> str:
    return f"//dns.googleapis.com/projects/{inv.project_id}/managedZones/{zone.name}"


@gcp_check(
    id="gcp.dns.dnssec_enabled",
    title="DNSSEC is enabled on every public Cloud DNS zone",
    severity=Severity.MEDIUM,
    rationale="DNSSEC lets resolvers verify the zone's answers, against cache poisoning and spoofing.",
    risk="Clients can be sent to an attacker's address by forged answers for the zone.",
    remediation=Remediation(
        cli="gcloud dns managed-zones update {resource_name} --dnssec-state=on",
        text="Turn DNSSEC on for the zone and publish the DS record at the registrar.",
    ),
    references=(DNSSEC_DOCS,),
    module_section="CIS",
    datasets=("managed_zones",),
)
def dnssec_enabled(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "managed_zones")) is not None:
        yield verdict
        return
    for zone in _public_zones(inv):
        verdict = (
            passed(_zone_id(inv, zone), GLOBAL, f"Zone {zone.name} ({zone.dns_name}) has DNSSEC on")
            if zone.dnssec_state == "on"
            else failed(
                _zone_id(inv, zone),
                GLOBAL,
                f"Zone {zone.name} ({zone.dns_name}) has DNSSEC {zone.dnssec_state}",
            )
        )
        yield replace(verdict, resource_name=zone.name)


def _algorithm_checks(inv: GcpInventory, key_type: str, label: str) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "managed_zones")) is not None:
        yield verdict
        return
    for zone in _public_zones(inv):
        resource = _zone_id(inv, zone)
        keys = [k for k in zone.dnssec_keys if k.key_type == key_type]
        if zone.dnssec_state != "on" or not keys:
            verdict = not_applicable(resource, GLOBAL, f"Zone {zone.name} does not sign with DNSSEC")
        elif any(k.algorithm.lower() == "rsasha1" for k in keys):
            verdict = failed(resource, GLOBAL, f"Zone {zone.name} uses RSASHA1 for its {label}")
        else:
            verdict = passed(
                resource,
                GLOBAL,
                f"Zone {zone.name} signs its {label} with {', '.join(sorted({k.algorithm for k in keys}))}",
            )
        yield replace(verdict, resource_name=zone.name)


_ALGORITHM_REMEDIATION = Remediation(
    cli="gcloud dns managed-zones update {resource_name} --dnssec-state=off && "
    "gcloud dns managed-zones update "
    "{resource_name} --dnssec-state=on --ksk-algorithm=rsasha256 --ksk-key-length=2048 "
    "--zsk-algorithm=rsasha256 --zsk-key-length=1024",
    text="Re-sign the zone with RSASHA256 (or ECDSA) keys; RSASHA1 is deprecated.",
)


@gcp_check(
    id="gcp.dns.dnssec_no_rsasha1_ksk",
    title="RSASHA1 is not used for the key-signing key of a DNSSEC zone",
    severity=Severity.MEDIUM,
    rationale="SHA-1 is broken for signatures; a key-signing key must use a current algorithm.",
    risk="Forged DNSSEC signatures become feasible.",
    remediation=_ALGORITHM_REMEDIATION,
    references=(DNSSEC_DOCS,),
    module_section="CIS",
    datasets=("managed_zones",),
)
def dnssec_no_rsasha1_ksk(inv: GcpInventory) -> Iterator[Verdict]:
    yield from _algorithm_checks(inv, "keySigning", "key-signing key")


@gcp_check(
    id="gcp.dns.dnssec_no_rsasha1_zsk",
    title="RSASHA1 is not used for the zone-signing key of a DNSSEC zone",
    severity=Severity.MEDIUM,
    rationale="SHA-1 is broken for signatures; a zone-signing key must use a current algorithm.",
    risk="Forged DNSSEC signatures become feasible.",
    remediation=_ALGORITHM_REMEDIATION,
    references=(DNSSEC_DOCS,),
    module_section="CIS",
    datasets=("managed_zones",),
)
def dnssec_no_rsasha1_zsk(inv: GcpInventory) -> Iterator[Verdict]:
    yield from _algorithm_checks(inv, "zoneSigning", "zone-signing key")
