"""Compute: VPC flow logs on every subnet, no default or legacy network, SSH/RDP not open to the internet,
load-balancer (backend service) logging and Cloud Armor policies attached with logging.

Module 4, "Essential Network Logs" (network flow, load balancer and WAF rows of the GCP column);
CIS GCP 5.0 2.17, 3.1, 3.2, 3.6, 3.7, 3.10 (4.0 2.16, 3.1, 3.2, 3.6, 3.7, 3.8).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import replace

from auditor.inventory.gcp import (
    GLOBAL,
    BackendService,
    Firewall,
    GcpInventory,
    Subnetwork,
    VpcFlowLogsConfig,
)
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, failed, gcp_check, not_applicable, not_evaluated, passed
from checks.gcp.scope import project_resource, unreadable

FLOW_SECTION = "Essential Network Logs > Log Types by Provider: Network flow / GCP VPC Flow Logs"
LB_SECTION = "Essential Network Logs > Log Types by Provider: Load balancer / GCP Load Balancer Logs"
WAF_SECTION = "Essential Network Logs > Log Types by Provider: WAF / GCP Cloud Armor Logs"
FLOW_DOCS = "https://cloud.google.com/vpc/docs/using-flow-logs"
LB_DOCS = "https://cloud.google.com/load-balancing/docs/https/https-logging-monitoring"
ARMOR_DOCS = "https://cloud.google.com/armor/docs/request-logging"
FIREWALL_DOCS = "https://cloud.google.com/firewall/docs/using-firewalls"


def _subnet_id(inv: GcpInventory, region: str, name: str) -> str:
    return f"//compute.googleapis.com/projects/{inv.project_id}/regions/{region}/subnetworks/{name}"


def _network_id(inv: GcpInventory, name: str) -> str:
    return f"//compute.googleapis.com/projects/{inv.project_id}/global/networks/{name}"


def _backend_id(inv: GcpInventory, backend: BackendService) -> str:
    scope = "global" if backend.region == GLOBAL else f"regions/{backend.region}"
    return f"//compute.googleapis.com/projects/{inv.project_id}/{scope}/backendServices/{backend.name}"


@gcp_check(
    id="gcp.compute.subnet_flow_logs_enabled",
    title="VPC flow logs are enabled on every subnet",
    severity=Severity.MEDIUM,
    rationale=(
        "GCP records VPC flow logs per subnet (its logConfig, or the legacy enableFlowLogs field), or "
        "through the Network Management API's VPC Flow Logs configurations on a subnet, its network or the "
        "project. They are the network record the module's flow analysis (rejected traffic, port scans, "
        "exfiltration) runs on. Proxy-only and Private Service Connect subnets carry no VM traffic of their "
        "own and cannot have flow logs."
    ),
    risk="Traffic in a subnet without flow logs leaves no network record to investigate.",
    remediation=Remediation(
        cli=(
            "gcloud compute networks subnets update {resource_name} --region={region} --enable-flow-logs "
            "--logging-aggregation-interval=interval-5-sec --logging-flow-sampling=0.5 "
            "--logging-metadata=include-all"
        ),
        console=[
            "Open VPC network > VPC networks, select the network and the subnet, choose Edit.",
            "Set Flow logs to On, keep all metadata, choose Save.",
        ],
        iac='resource "google_compute_subnetwork" "x" {\n  log_config {\n    aggregation_interval = '
        '"INTERVAL_5_SEC"\n    flow_sampling = 0.5\n    metadata = "INCLUDE_ALL_METADATA"\n  }\n}',
        text="Turn flow logs on for the subnet (CIS 3.10 asks for every subnet of every VPC network), or "
        "create a VPC Flow Logs configuration for it or its network (gcloud network-management "
        "vpc-flow-logs-configs create).",
    ),
    references=(FLOW_DOCS, "https://cloud.google.com/vpc/docs/flow-logs-config"),
    module_section=FLOW_SECTION,
    datasets=("subnetworks", "vpc_flow_logs_configs", "organization_vpc_flow_logs_configs"),
)
def subnet_flow_logs_enabled(inv: GcpInventory) -> Iterator[Verdict]:
    if inv.subnetworks is None:
        yield not_evaluated(project_resource(inv), GLOBAL, inv.errors_for(GLOBAL, "subnetworks"))
        return
    for region, errors in sorted(inv.regional_errors("subnetworks").items()):
        yield not_evaluated(f"{project_resource(inv)}/regions/{region}", region, errors)
    organization = inv.organization_vpc_flow_logs_configs
    configs = (
        None
        if inv.vpc_flow_logs_configs is None or organization is None
        else [*inv.vpc_flow_logs_configs, *organization]
    )
    known = [*(inv.vpc_flow_logs_configs or []), *(organization or [])]  # what was read, even in part
    others = _attachment_and_tunnel_configs(known)
    for subnet in sorted(inv.subnetworks, key=lambda s: (s.region, s.name)):
        resource = _subnet_id(inv, subnet.region, subnet.name)
        covering = _covering_configs(inv, subnet, known)
        if not subnet.can_have_flow_logs:
            verdict = not_applicable(
                resource,
                subnet.region,
                f"Subnet {subnet.name} has purpose {subnet.purpose}: it cannot have VPC flow logs",
                purpose=subnet.purpose,
            )
        elif subnet.flow_logs_enabled:
            verdict = passed(
                resource,
                subnet.region,
                f"Subnet {subnet.name} ({subnet.network}) has VPC flow logs on",
                aggregation_interval=subnet.aggregation_interval,
                flow_sampling=subnet.flow_sampling,
                metadata=subnet.metadata,
            )
        elif subnet.legacy_flow_logs_enabled:
            verdict = passed(
                resource,
                subnet.region,
                f"Subnet {subnet.name} ({subnet.network}) has VPC flow logs on (legacy enableFlowLogs)",
            )
        elif covering:
            config = covering[0]
            verdict = passed(
                resource,
                subnet.region,
                f"Subnet {subnet.name} ({subnet.network}) is flow-logged by VPC Flow Logs configuration "
                f"{_short(config.name)} (on its {config.target_kind})",
                **({"organization": inv.organization_id} if config.target_kind == "organization" else {}),
                vpc_flow_logs_configs=[c.name for c in covering],
                aggregation_interval=config.aggregation_interval,
                flow_sampling=config.flow_sampling,
                metadata=config.metadata,
            )
        elif configs is None:  # a configuration we could not read might cover it: never FAIL, never PASS
            verdict = not_evaluated(
                resource,
                subnet.region,
                inv.errors_for(GLOBAL, "vpc_flow_logs_configs", "organization_vpc_flow_logs_configs"),
            )
        else:
            how = "switched off" if subnet.flow_logs_configured else "not configured"
            paused = [_short(c.name) for c in _covering_configs(inv, subnet, configs, enabled=False)]
            verdict = failed(
                resource,
                subnet.region,
                f"Subnet {subnet.name} ({subnet.network}) has VPC flow logs {how}"
                + (f"; VPC Flow Logs configuration {', '.join(paused)} is DISABLED" if paused else ""),
                **({"disabled_vpc_flow_logs_configs": paused} if paused else {}),
            )
        if others:
            verdict = replace(verdict, evidence={**verdict.evidence, "attachment_and_tunnel_configs": others})
        yield replace(verdict, resource_name=subnet.name)


def _covering_configs(
    inv: GcpInventory, subnet: Subnetwork, configs: list[VpcFlowLogsConfig], enabled: bool = True
) -> list[VpcFlowLogsConfig]:
    """The configurations (ENABLED ones, or with ``enabled`` False the DISABLED ones) that target the
    subnet, its network, the whole project or (an organization's) the whole organization."""
    subnet_name = f"projects/{inv.project_id}/regions/{subnet.region}/subnetworks/{subnet.name}"
    network_name = f"projects/{inv.project_id}/global/networks/{subnet.network}"
    return [
        c
        for c in configs
        if c.enabled is enabled
        and (
            (c.target_kind == "subnet" and c.target == subnet_name)
            or (c.target_kind == "network" and c.target == network_name)
            or c.target_kind in ("project", "organization")
        )
    ]


def _short(name: str) -> str:
    """'projects/p/locations/global/vpcFlowLogsConfigs/db' -> 'db'."""
    return name.rsplit("/", 1)[-1]


def _attachment_and_tunnel_configs(configs: list[VpcFlowLogsConfig] | None) -> list[str]:
    """The Interconnect attachment and VPN tunnel configurations, reported as evidence (no subnet)."""
    return [
        f"{_short(c.name)}: {c.target_kind} {c.target} ({c.state})"
        for c in configs or []
        if c.target_kind in ("interconnect_attachment", "vpn_tunnel")
    ]


@gcp_check(
    id="gcp.compute.default_network_absent",
    title="The default network does not exist in the project",
    severity=Severity.LOW,
    rationale=(
        "The default network is an auto-mode network with pre-created, permissive firewall rules "
        "(default-allow-ssh, -rdp, -icmp, -internal) and no flow logs; a planned network replaces it."
    ),
    risk="Workloads land in a network with SSH and RDP open to the internet and no network logging.",
    remediation=Remediation(
        cli="gcloud compute networks delete default --project={account}",
        text="Create the networks the workloads need, move them, then delete the default network.",
    ),
    references=("https://cloud.google.com/vpc/docs/vpc#default-network",),
    module_section="CIS",
    datasets=("networks",),
)
def default_network_absent(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "networks")) is not None:
        yield verdict
        return
    assert inv.networks is not None
    default = [n for n in inv.networks if n.name == "default"]
    if default:
        yield failed(_network_id(inv, "default"), GLOBAL, f"Project {inv.project_id} has the default network")
    else:
        yield passed(_network_id(inv, "default"), GLOBAL, f"Project {inv.project_id} has no default network")


@gcp_check(
    id="gcp.compute.legacy_network_absent",
    title="No legacy network exists in the project",
    severity=Severity.LOW,
    rationale="A legacy network has one project-wide IPv4 range, no subnets and so no subnet flow logs.",
    risk="Traffic in a legacy network cannot be recorded with VPC flow logs.",
    remediation=Remediation(
        cli="gcloud compute networks delete {resource_name} --project={account}",
        text="Recreate the workloads in a custom-mode VPC network and delete the legacy network.",
    ),
    references=("https://cloud.google.com/vpc/docs/legacy",),
    module_section="CIS",
    datasets=("networks",),
)
def legacy_network_absent(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "networks")) is not None:
        yield verdict
        return
    assert inv.networks is not None
    for network in inv.networks:
        verdict = (
            failed(_network_id(inv, network.name), GLOBAL, f"Network {network.name} is a legacy network")
            if network.legacy
            else passed(_network_id(inv, network.name), GLOBAL, f"Network {network.name} is a VPC network")
        )
        yield replace(verdict, resource_name=network.name)


def _open_to_internet(firewall: Firewall) -> bool:
    for source in firewall.source_ranges:
        try:
            if ipaddress.ip_network(source, strict=False).prefixlen == 0:
                return True
        except ValueError:
            continue
    return False


def _allows_port(firewall: Firewall, port: int) -> bool:
    for rule in firewall.allowed:
        if rule.protocol not in ("tcp", "all", "6"):
            continue
        if not rule.ports:
            return True
        for ports in rule.ports:
            low, _, high = ports.partition("-")
            if int(low) <= port <= int(high or low):
                return True
    return False


def _port_open_checks(inv: GcpInventory, port: int, label: str) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "firewalls")) is not None:
        yield verdict
        return
    assert inv.firewalls is not None
    for firewall in inv.firewalls:
        if firewall.direction != "INGRESS" or firewall.disabled:
            continue
        resource = f"//compute.googleapis.com/projects/{inv.project_id}/global/firewalls/{firewall.name}"
        if _open_to_internet(firewall) and _allows_port(firewall, port):
            verdict = failed(
                resource,
                GLOBAL,
                f"Firewall rule {firewall.name} ({firewall.network}) allows {label} (tcp:{port}) "
                "from the internet",
                source_ranges=firewall.source_ranges,
            )
        else:
            verdict = passed(
                resource, GLOBAL, f"Firewall rule {firewall.name} does not allow {label} from the internet"
            )
        yield replace(verdict, resource_name=firewall.name)


_FIREWALL_REMEDIATION = (
    "gcloud compute firewall-rules update {resource_name} --source-ranges=<trusted-cidr> "
    "(or gcloud compute firewall-rules delete {resource_name})"
)


@gcp_check(
    id="gcp.compute.ssh_restricted",
    title="No firewall rule allows SSH from the internet",
    severity=Severity.HIGH,
    rationale="SSH open to 0.0.0.0/0 invites the brute force the module's detection rules look for.",
    risk="Brute force and exploitation of SSH from anywhere on the internet.",
    remediation=Remediation(
        cli=_FIREWALL_REMEDIATION,
        text="Restrict the source ranges to trusted networks, or use IAP TCP forwarding (35.235.240.0/20).",
    ),
    references=(FIREWALL_DOCS,),
    module_section="CIS",
    datasets=("firewalls",),
)
def ssh_restricted(inv: GcpInventory) -> Iterator[Verdict]:
    yield from _port_open_checks(inv, 22, "SSH")


@gcp_check(
    id="gcp.compute.rdp_restricted",
    title="No firewall rule allows RDP from the internet",
    severity=Severity.HIGH,
    rationale="RDP open to 0.0.0.0/0 is one of the most attacked services on the internet.",
    risk="Brute force and exploitation of RDP from anywhere on the internet.",
    remediation=Remediation(
        cli=_FIREWALL_REMEDIATION,
        text="Restrict the source ranges to trusted networks, or use IAP TCP forwarding (35.235.240.0/20).",
    ),
    references=(FIREWALL_DOCS,),
    module_section="CIS",
    datasets=("firewalls",),
)
def rdp_restricted(inv: GcpInventory) -> Iterator[Verdict]:
    yield from _port_open_checks(inv, 3389, "RDP")


def _backend_set(backend: BackendService) -> str:
    return "--global" if backend.region == GLOBAL else f"--region={backend.region}"


@gcp_check(
    id="gcp.compute.backend_service_logging_enabled",
    title="Load balancer logging is enabled on every HTTP(S) backend service",
    severity=Severity.MEDIUM,
    rationale=(
        "HTTP(S) load balancer logs record every request (client, URL, status, latency) and carry the "
        "Cloud Armor verdicts. Logging is a property of each backend service."
    ),
    risk="Requests to the application, attacks included, leave no access log.",
    remediation=Remediation(
        cli="gcloud compute backend-services update {resource_name} --global --enable-logging "
        "--logging-sample-rate=1.0",
        console=[
            "Open Network services > Load balancing, edit the load balancer.",
            "Backend configuration: edit the backend service, check Enable logging, sample rate 1.",
        ],
        text="Enable logging with sample rate 1.0 on the backend service (use --region=REGION for a "
        "regional backend service).",
    ),
    references=(LB_DOCS,),
    module_section=LB_SECTION,
    datasets=("backend_services",),
)
def backend_service_logging_enabled(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "backend_services")) is not None:
        yield verdict
        return
    assert inv.backend_services is not None
    for backend in inv.backend_services:
        resource = _backend_id(inv, backend)
        if not backend.is_http:
            verdict = not_applicable(
                resource,
                backend.region,
                f"Backend service {backend.name} serves {backend.protocol}, not HTTP(S)",
            )
        elif backend.logging_enabled:
            verdict = passed(
                resource,
                backend.region,
                f"Backend service {backend.name} logs requests (sample rate {backend.logging_sample_rate})",
                sample_rate=backend.logging_sample_rate,
            )
        else:
            verdict = failed(
                resource,
                backend.region,
                f"Backend service {backend.name} has logging off ({_backend_set(backend)})",
            )
        yield replace(verdict, resource_name=backend.name)


@gcp_check(
    id="gcp.compute.cloud_armor_logging_enabled",
    title="Every Cloud Armor policy is attached to a backend service that logs its requests",
    severity=Severity.MEDIUM,
    rationale=(
        "Cloud Armor writes its verdicts (allowed, denied, preview) into the load balancer request logs of "
        "the backend services its policy protects. A policy attached nowhere protects nothing; a policy on a "
        "backend service without logging blocks attacks nobody sees."
    ),
    risk="WAF blocks and near-misses leave no record; an unattached policy gives false assurance.",
    remediation=Remediation(
        cli="gcloud compute backend-services update <backend-service> --global "
        "--security-policy={resource_name} --enable-logging --logging-sample-rate=1.0",
        text="Attach the policy to the backend services it should protect and enable their logging "
        "(optionally --log-level=VERBOSE on the policy for the matched rule details).",
    ),
    references=(ARMOR_DOCS,),
    module_section=WAF_SECTION,
    datasets=("security_policies", "backend_services"),
)
def cloud_armor_logging_enabled(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "security_policies", "backend_services")) is not None:
        yield verdict
        return
    assert inv.security_policies is not None and inv.backend_services is not None
    for policy in inv.security_policies:
        resource = f"//compute.googleapis.com/projects/{inv.project_id}/global/securityPolicies/{policy.name}"
        attached = [
            b for b in inv.backend_services if policy.name in (b.security_policy, b.edge_security_policy)
        ]
        unlogged = sorted(b.name for b in attached if not b.logging_enabled)
        if not attached:
            verdict = failed(
                resource, policy.region, f"Cloud Armor policy {policy.name} is attached to no backend service"
            )
        elif unlogged:
            verdict = failed(
                resource,
                policy.region,
                f"Cloud Armor policy {policy.name} protects backend services without logging: "
                + ", ".join(unlogged),
                unlogged_backend_services=unlogged,
            )
        else:
            verdict = passed(
                resource,
                policy.region,
                f"Cloud Armor policy {policy.name} is attached to {len(attached)} logging backend service(s)",
                backend_services=sorted(b.name for b in attached),
                log_level=policy.log_level,
            )
        yield replace(verdict, resource_name=policy.name)


@gcp_check(
    id="gcp.compute.backend_service_cloud_armor_attached",
    title="Every external HTTP(S) backend service has a Cloud Armor policy",
    severity=Severity.MEDIUM,
    rationale="The module's WAF row for GCP is Cloud Armor: internet-facing HTTP(S) backends need a policy.",
    risk="Web attacks reach the application without a WAF in front and without WAF logs.",
    remediation=Remediation(
        cli="gcloud compute backend-services update {resource_name} --global --security-policy=<policy>",
        text="Create a Cloud Armor policy (gcloud compute security-policies create) and attach it.",
    ),
    references=("https://cloud.google.com/armor/docs/configure-security-policies",),
    module_section=WAF_SECTION,
    datasets=("backend_services",),
)
def backend_service_cloud_armor_attached(inv: GcpInventory) -> Iterator[Verdict]:
    if (verdict := unreadable(inv, "backend_services")) is not None:
        yield verdict
        return
    assert inv.backend_services is not None
    for backend in inv.backend_services:
        resource = _backend_id(inv, backend)
        if not backend.is_http or not backend.load_balancing_scheme.startswith("EXTERNAL"):
            verdict = not_applicable(
                resource, backend.region, f"Backend service {backend.name} is not external HTTP(S)"
            )
        elif backend.security_policy or backend.edge_security_policy:
            verdict = passed(
                resource,
                backend.region,
                f"Backend service {backend.name} is protected by "
                f"{backend.security_policy or backend.edge_security_policy}",
            )
        else:
            verdict = failed(
                resource, backend.region, f"Backend service {backend.name} has no Cloud Armor policy"
            )
        yield replace(verdict, resource_name=backend.name)
