"""Networking: NSG rules open to the internet, Network Watcher, NSG and VNet flow logs (retention, Traffic
Analytics, the migration from NSG to VNet flow logs), subnets without NSG, Application Gateway (WAF, TLS,
HTTP/2, access and WAF logs) and WAF policies (request body inspection, bot protection).

Module 4, "Essential Network Logs > Log Types by Provider" (Network flow / NSG Flow Logs, Load balancer /
App Gateway Logs, WAF / WAF Logs), and CIS Azure 6.0 §7 and §6.1.1.5-6.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from auditor.inventory.azure import (
    GLOBAL,
    RESOURCE_DIAGNOSTICS,
    ApplicationGateway,
    AzureInventory,
    FlowLog,
    SecurityRule,
    WafPolicy,
    resource_group_of,
)
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, azure_check, failed, not_applicable, not_evaluated, passed

CIS_NETWORK = "CIS Azure 6.0 §7 Networking Services"
MODULE_FLOW = "Essential Network Logs > Log Types by Provider: Network flow / Azure NSG Flow Logs"
MODULE_LB = "Essential Network Logs > Log Types by Provider: Load balancer / Azure App Gateway Logs"
MODULE_WAF = "Essential Network Logs > Log Types by Provider: WAF / Azure WAF Logs"
FLOW_DOCS = "https://learn.microsoft.com/en-us/azure/network-watcher/vnet-flow-logs-overview"
NSG_FLOW_RETIREMENT = (
    "NSG flow logs cannot be created since 30 June 2025 and are retired on 30 September 2027: "
    "migrate to VNet flow logs"
)
MIGRATION_DOCS = "https://learn.microsoft.com/en-us/azure/network-watcher/nsg-flow-logs-migrate"
APPGW_DOCS = "https://learn.microsoft.com/en-us/azure/application-gateway/application-gateway-diagnostics"
WAF_DOCS = "https://learn.microsoft.com/en-us/azure/web-application-firewall/ag/policy-overview"
INTERNET = frozenset({"*", "0.0.0.0", "0.0.0.0/0", "internet", "any", "::/0", "/0"})
NO_NSG_SUBNETS = frozenset(
    {"gatewaysubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "routeserversubnet"}
)
VNET_FLOW_LOG_CLI = (
    "az network watcher flow-log create --location {location} --resource-group {resource_group} "
    "--name {vnet}-flowlog --vnet {vnet} --storage-account {storage_account} --retention 90 "
    "--traffic-analytics true --workspace {workspace}"
)
DIAGNOSTICS_CLI = (
    "az monitor diagnostic-settings create --name {name} --resource {resource_id} "
    '--workspace {workspace_id} --logs \'[{{"category":"{category}","enabled":true}}]\''
)


# --- NSG rules open to the internet (7.1-7.4) -----------------------------------------------------


def _port_in(port_range: str, port: int) -> bool:
    text = port_range.strip()
    if text in ("*", ""):
        return True
    if "-" in text:
        low, _, high = text.partition("-")
        return low.strip().isdigit() and high.strip().isdigit() and int(low) <= port <= int(high)
    return text.isdigit() and int(text) == port


def _open_to_internet(rule: SecurityRule, protocols: tuple[str, ...], ports: tuple[int, ...] | None) -> bool:
    if rule.direction.lower() != "inbound" or rule.access.lower() != "allow":
        return False
    if rule.protocol.lower() not in protocols:
        return False
    if not any(p.lower() in INTERNET or p.endswith("/0") for p in rule.source_prefixes):
        return False
    return ports is None or any(_port_in(r, port) for r in rule.destination_ports for port in ports)


def _register_exposure(
    slug: str, what: str, protocols: tuple[str, ...], ports: tuple[int, ...] | None, severity: Severity
) -> None:
    @azure_check(
        id=f"azure.network.{slug}_restricted",
        title=f"No network security group allows {what} from the internet",
        severity=severity,
        rationale=f"{what} open to any source invites brute force and exploitation; reach it through "
        "Bastion, a VPN or a narrow source range.",
        risk=f"{what} is reachable by every scanner on the internet.",
        remediation=Remediation(
            cli="az network nsg rule update --resource-group {resource_group} --nsg-name {nsg} --name {rule} "
            "--access Deny",
            console=[
                "Network security groups > the NSG > Inbound security rules.",
                "Restrict the rule's source to known ranges, or delete it.",
            ],
            text="Remove the rule or limit its source to known addresses.",
        ),
        references=(
            "https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview",
        ),
        module_section=CIS_NETWORK,
        datasets=("network_security_groups",),
    )
    def check(inv: AzureInventory) -> Iterator[Verdict]:
        if inv.network_security_groups is None:
            yield not_evaluated(
                f"/subscriptions/{inv.subscription_id}",
                GLOBAL,
                inv.errors_for(GLOBAL, "network_security_groups"),
            )
            return
        for nsg in inv.network_security_groups:
            open_rules = [r.name for r in nsg.rules if _open_to_internet(r, protocols, ports)]
            if open_rules:
                yield failed(
                    nsg.id,
                    nsg.location,
                    f"NSG {nsg.name} allows {what} from the internet: {', '.join(open_rules)}",
                    rules=open_rules,
                )
            else:
                yield passed(nsg.id, nsg.location, f"NSG {nsg.name} allows no {what} from the internet")


_register_exposure("rdp", "RDP (TCP 3389)", ("tcp", "*"), (3389,), Severity.HIGH)
_register_exposure("ssh", "SSH (TCP 22)", ("tcp", "*"), (22,), Severity.HIGH)
_register_exposure("udp", "UDP", ("udp", "*"), None, Severity.MEDIUM)
_register_exposure("http", "HTTP(S) (TCP 80/443)", ("tcp", "*"), (80, 443), Severity.LOW)


# --- Network Watcher (7.6) --------------------------------------------------------------------------


@azure_check(
    id="azure.network.watcher_enabled",
    title="Network Watcher is enabled in every location that has virtual networks",
    severity=Severity.MEDIUM,
    rationale="Network Watcher hosts flow logs and the diagnostics an investigation uses; without it in a "
    "location, no flow log can exist there.",
    risk="Traffic in the location cannot be logged or diagnosed.",
    remediation=Remediation(
        cli="az network watcher configure --locations {location} --enabled true "
        "--resource-group NetworkWatcherRG",
        console=["Network Watcher > Overview > Enable in the location."],
        text="Enable Network Watcher in the location.",
    ),
    references=("https://learn.microsoft.com/en-us/azure/network-watcher/network-watcher-create",),
    module_section=CIS_NETWORK,
    datasets=("network_watchers", "virtual_networks"),
)
def watcher_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    sub = f"/subscriptions/{inv.subscription_id}"
    if inv.virtual_networks is None or inv.network_watchers is None:
        yield not_evaluated(sub, GLOBAL, inv.errors_for(GLOBAL, "virtual_networks", "network_watchers"))
        return
    ready = {w.location for w in inv.network_watchers if w.provisioning_state.lower() in ("succeeded", "")}
    for location in sorted({v.location for v in inv.virtual_networks}):
        resource = f"{sub}/providers/Microsoft.Network/networkWatchers/location/{location}"
        if location in ready:
            yield passed(resource, location, f"Network Watcher is enabled in {location}")
        else:
            yield failed(resource, location, f"Virtual networks in {location} but no Network Watcher there")


# --- Flow logs ----------------------------------------------------------------------------------------


def _flow_logs(inv: AzureInventory, kind: Literal["nsg", "vnet"]) -> Iterator[FlowLog | Verdict]:
    """The flow logs of one kind, or ERROR verdicts where a watcher's flow logs could not be read."""
    if inv.network_watchers is None:
        yield not_evaluated(
            f"/subscriptions/{inv.subscription_id}", GLOBAL, inv.errors_for(GLOBAL, "network_watchers")
        )
        return
    for watcher in inv.network_watchers:
        if watcher.flow_logs is None:
            yield not_evaluated(watcher.id, watcher.location, inv.errors_for(watcher.location, "flow_logs"))
            continue
        for log in watcher.flow_logs:
            if log.target_kind == kind or (kind == "vnet" and log.target_kind == "subnet"):
                yield log


def _register_retention(kind: Literal["nsg", "vnet"], label: str) -> None:
    @azure_check(
        id=f"azure.network.{kind}_flow_log_retention",
        title=f"{label} flow logs are kept at least 90 days",
        severity=Severity.MEDIUM,
        rationale="Intrusions are found weeks after they begin; flow logs must still be there to trace them.",
        risk="The network record of an incident is deleted before anyone looks.",
        remediation=Remediation(
            cli="az network watcher flow-log update --location {location} --name {flow_log} --retention 90",
            console=[
                "Network Watcher > Flow logs > the flow log.",
                "Set Retention days to 90 or more (0 keeps all).",
            ],
            text="Set the flow log's retention to 90 days or more (0 keeps everything)."
            + (f" {NSG_FLOW_RETIREMENT}." if kind == "nsg" else ""),
        ),
        references=(FLOW_DOCS, MIGRATION_DOCS) if kind == "nsg" else (FLOW_DOCS,),
        module_section=CIS_NETWORK,
        datasets=("network_watchers", "flow_logs"),
    )
    def check(inv: AzureInventory) -> Iterator[Verdict]:
        for item in _flow_logs(inv, kind):
            if isinstance(item, Verdict):
                yield item
                continue
            days = item.retains_days
            if days is None:
                yield passed(item.id, item.location, f"Flow log {item.name} keeps logs indefinitely")
            elif days >= 90:
                yield passed(item.id, item.location, f"Flow log {item.name} keeps logs {days} days")
            else:
                yield failed(
                    item.id,
                    item.location,
                    f"Flow log {item.name} keeps logs only {days} days",
                    retention_days=days,
                )


_register_retention("nsg", "NSG")
_register_retention("vnet", "VNet")


def _register_analytics(kind: Literal["nsg", "vnet"], label: str) -> None:
    @azure_check(
        id=f"azure.network.{kind}_flow_logs_to_log_analytics",
        title=f"{label} flow logs are sent to Log Analytics (Traffic Analytics)",
        severity=Severity.LOW,
        rationale="Traffic Analytics puts flow logs in a Log Analytics workspace where they can be queried "
        "and alerted on, like the module's Athena queries over VPC flow logs.",
        risk="Flow logs sit in a storage account nobody queries.",
        remediation=Remediation(
            cli="az network watcher flow-log update --location {location} --name {flow_log} "
            "--traffic-analytics true --workspace {workspace}",
            console=[
                "Network Watcher > Flow logs > the flow log > Analytics.",
                "Enable Traffic Analytics and choose the workspace.",
            ],
            text="Enable Traffic Analytics with a Log Analytics workspace on the flow log.",
        ),
        references=("https://learn.microsoft.com/en-us/azure/network-watcher/traffic-analytics",),
        module_section="CIS Azure 6.0 §6.1.1 Configuring Diagnostic Settings",
        datasets=("network_watchers", "flow_logs"),
    )
    def check(inv: AzureInventory) -> Iterator[Verdict]:
        for item in _flow_logs(inv, kind):
            if isinstance(item, Verdict):
                yield item
            elif item.enabled and item.traffic_analytics_enabled and item.has_workspace:
                yield passed(
                    item.id,
                    item.location,
                    f"Flow log {item.name} feeds Traffic Analytics (workspace "
                    f"{item.workspace_id or item.workspace_guid})",
                    workspace=item.workspace_id or item.workspace_guid,
                    workspace_region=item.workspace_region,
                )
            elif item.enabled and item.traffic_analytics_enabled:
                yield failed(
                    item.id,
                    item.location,
                    f"Flow log {item.name} has Traffic Analytics on but names no workspace",
                    flow_log=item.name,
                )
            else:
                yield failed(
                    item.id,
                    item.location,
                    f"Flow log {item.name} is not sent to Log Analytics",
                    flow_log=item.name,
                )


_register_analytics("nsg", "NSG")
_register_analytics("vnet", "VNet")


@azure_check(
    id="azure.network.flow_logs_enabled",
    title="Every virtual network's traffic is flow-logged (VNet flow logs, or NSG flow logs until they "
    "retire)",
    severity=Severity.HIGH,
    rationale="Flow logs are the network record the module starts from: who talked to whom, allowed or "
    "denied. VNet flow logs replace NSG flow logs, which cannot be created since 30 June 2025 and retire "
    "on 30 September 2027.",
    risk="Scans, lateral movement and exfiltration leave no network trace.",
    remediation=Remediation(
        cli=VNET_FLOW_LOG_CLI,
        console=[
            "Network Watcher > Flow logs > Create.",
            "Flow log type: Virtual network; select the VNet, a "
            "storage account, retention 90 days and Traffic Analytics.",
        ],
        text="Create an enabled VNet flow log for the virtual network. " + NSG_FLOW_RETIREMENT + ".",
    ),
    references=(FLOW_DOCS, MIGRATION_DOCS),
    module_section=MODULE_FLOW,
    datasets=("virtual_networks", "network_watchers", "flow_logs", "network_security_groups"),
)
def flow_logs_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    sub = f"/subscriptions/{inv.subscription_id}"
    if inv.virtual_networks is None or inv.network_watchers is None:
        yield not_evaluated(sub, GLOBAL, inv.errors_for(GLOBAL, "virtual_networks", "network_watchers"))
        return
    unreadable = {w.location for w in inv.network_watchers if w.flow_logs is None}
    logs = [log for log in inv.flow_logs() or [] if log.enabled]
    targets = {log.target_resource_id.lower() for log in logs}
    for vnet in inv.virtual_networks:
        if vnet.id.lower() in targets:
            yield passed(vnet.id, vnet.location, f"VNet {vnet.name} has an enabled VNet flow log")
            continue
        subnets = [s for s in vnet.subnets if s.name.lower() not in NO_NSG_SUBNETS]
        if subnets and all(s.id.lower() in targets for s in subnets):
            yield passed(vnet.id, vnet.location, f"Every subnet of VNet {vnet.name} has a flow log")
            continue
        if vnet.location in unreadable:
            yield not_evaluated(vnet.id, vnet.location, inv.errors_for(vnet.location, "flow_logs"))
            continue
        nsg_ids = [s.nsg_id.lower() for s in subnets]
        if subnets and all(nsg_ids) and all(n in targets for n in nsg_ids):
            if inv.network_security_groups is None:
                yield not_evaluated(vnet.id, vnet.location, inv.errors_for(GLOBAL, "network_security_groups"))
            else:
                yield passed(
                    vnet.id,
                    vnet.location,
                    f"VNet {vnet.name} is covered by NSG flow logs on every "
                    f"subnet's NSG. {NSG_FLOW_RETIREMENT}.",
                    migrate_to_vnet_flow_logs=True,
                )
            continue
        yield failed(
            vnet.id,
            vnet.location,
            f"VNet {vnet.name} has no enabled flow log (neither a VNet flow "
            "log nor NSG flow logs on all its subnets)",
        )


@azure_check(
    id="azure.network.nsg_flow_logs_migrated",
    title="No NSG flow logs remain: they are migrated to VNet flow logs",
    severity=Severity.LOW,
    rationale=NSG_FLOW_RETIREMENT + ". After retirement NSG flow logs stop; a VNet flow log on the same "
    "network keeps the record going and also sees traffic NSG flow logs miss.",
    risk="Flow logging silently stops on 30 September 2027.",
    remediation=Remediation(
        cli=VNET_FLOW_LOG_CLI
        + "  # then: az network watcher flow-log delete --location {location} --name {nsg_flow_log}",
        console=[
            "Network Watcher > Flow logs > the NSG flow log > Migrate to VNet flow logs (or use the "
            "migration script).",
            "Delete the NSG flow log once the VNet flow log is collecting.",
        ],
        text="Create VNet flow logs for the networks the NSG flow log covers, then delete the NSG flow log.",
    ),
    references=(
        MIGRATION_DOCS,
        "https://learn.microsoft.com/en-us/azure/network-watcher/nsg-flow-logs-overview",
    ),
    module_section=MODULE_FLOW,
    datasets=("network_watchers", "flow_logs"),
)
def nsg_flow_logs_migrated(inv: AzureInventory) -> Iterator[Verdict]:
    for item in _flow_logs(inv, "nsg"):
        if isinstance(item, Verdict):
            yield item
        else:
            yield failed(
                item.id, item.location, f"NSG flow log {item.name} is still in use. {NSG_FLOW_RETIREMENT}."
            )


# --- Subnets (7.11) ------------------------------------------------------------------------------------


@azure_check(
    id="azure.network.subnets_have_nsg",
    title="Subnets are associated with a network security group",
    severity=Severity.MEDIUM,
    rationale="An NSG on the subnet filters traffic to everything in it, and is what NSG flow logs record.",
    risk="Resources in the subnet take traffic the design meant to block.",
    remediation=Remediation(
        cli="az network vnet subnet update --resource-group {resource_group} --vnet-name {vnet} "
        "--name {subnet} --network-security-group {nsg}",
        console=[
            "Virtual networks > the VNet > Subnets > the subnet.",
            "Choose a network security group and save.",
        ],
        text="Associate an NSG with the subnet.",
    ),
    references=(
        "https://learn.microsoft.com/en-us/azure/virtual-network/network-security-group-how-it-works",
    ),
    module_section=CIS_NETWORK,
    datasets=("virtual_networks",),
)
def subnets_have_nsg(inv: AzureInventory) -> Iterator[Verdict]:
    if inv.virtual_networks is None:
        yield not_evaluated(
            f"/subscriptions/{inv.subscription_id}", GLOBAL, inv.errors_for(GLOBAL, "virtual_networks")
        )
        return
    for vnet in inv.virtual_networks:
        for subnet in vnet.subnets:
            if subnet.name.lower() in NO_NSG_SUBNETS:
                yield not_applicable(subnet.id, vnet.location, f"{subnet.name} does not take an NSG")
            elif subnet.nsg_id:
                yield passed(subnet.id, vnet.location, f"Subnet {vnet.name}/{subnet.name} has an NSG")
            else:
                yield failed(subnet.id, vnet.location, f"Subnet {vnet.name}/{subnet.name} has no NSG")


# --- Application Gateway and WAF ---------------------------------------------------------------------


def _gateways(inv: AzureInventory) -> Iterator[ApplicationGateway | Verdict]:
    if inv.application_gateways is None:
        yield not_evaluated(
            f"/subscriptions/{inv.subscription_id}", GLOBAL, inv.errors_for(GLOBAL, "application_gateways")
        )
        return
    yield from inv.application_gateways


def _policy_of(inv: AzureInventory, gateway: ApplicationGateway) -> WafPolicy | None:
    return next(
        (p for p in inv.waf_policies or [] if p.id.lower() == gateway.firewall_policy_id.lower()), None
    )


@azure_check(
    id="azure.network.application_gateway_waf_enabled",
    title="Application Gateways run a WAF (WAF SKU with an enabled WAF policy)",
    severity=Severity.HIGH,
    rationale="A web application firewall blocks the OWASP top-ten attacks before they reach the "
    "application.",
    risk="SQL injection, XSS and similar attacks reach the back end unfiltered.",
    remediation=Remediation(
        cli="az network application-gateway waf-policy create --name {policy} --resource-group "
        "{resource_group} && az network application-gateway update --name {gateway} "
        "--resource-group {resource_group} "
        "--sku WAF_v2 --set firewallPolicy.id={policy_id}",
        console=[
            "Application gateways > the gateway > Web application firewall.",
            "Upgrade the tier to WAF V2 and associate an enabled WAF policy.",
        ],
        text="Move the gateway to the WAF_v2 tier and attach an enabled WAF policy (Prevention mode).",
    ),
    references=(WAF_DOCS,),
    module_section=CIS_NETWORK,
    datasets=("application_gateways", "waf_policies"),
)
def application_gateway_waf_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    for gateway in _gateways(inv):
        if isinstance(gateway, Verdict):
            yield gateway
            continue
        if not gateway.is_waf_sku:
            yield failed(
                gateway.id, gateway.location, f"Gateway {gateway.name} is tier {gateway.sku_tier}: no WAF"
            )
        elif gateway.firewall_policy_id:
            if inv.waf_policies is None:
                yield not_evaluated(gateway.id, gateway.location, inv.errors_for(GLOBAL, "waf_policies"))
                continue
            policy = _policy_of(inv, gateway)
            if policy is not None and policy.enabled:
                yield passed(
                    gateway.id,
                    gateway.location,
                    f"Gateway {gateway.name} runs WAF policy {policy.name} ({policy.mode} mode)",
                    mode=policy.mode,
                )
            else:
                yield failed(
                    gateway.id,
                    gateway.location,
                    f"Gateway {gateway.name}'s WAF policy is disabled or missing",
                )
        elif gateway.waf_config_enabled:
            yield passed(
                gateway.id, gateway.location, f"Gateway {gateway.name} has its WAF configuration enabled"
            )
        else:
            yield failed(
                gateway.id, gateway.location, f"Gateway {gateway.name} has the WAF tier but no WAF enabled"
            )


TLS12_OR_HIGHER = frozenset({"tlsv1_2", "tlsv1_3"})
CUSTOM_POLICY_TYPES = frozenset({"custom", "customv2"})


def _effective_ssl_policy(gateway: ApplicationGateway) -> tuple[str, str]:
    """(how the gateway's policy is set, the predefined policy's name or '' for a custom policy): an
    explicit custom or predefined ``sslPolicy``, or none, when the gateway runs on the default predefined
    policy ARM reports as ``defaultPredefinedSslPolicy``."""
    kind = gateway.ssl_policy_type.lower()
    if kind in CUSTOM_POLICY_TYPES:
        return gateway.ssl_policy_type, ""
    if gateway.ssl_policy_name:
        return "Predefined", gateway.ssl_policy_name
    if gateway.ssl_min_protocol_version:  # a policy with a minimum and no type is a custom one
        return "Custom", ""
    return "default", gateway.default_predefined_ssl_policy


@azure_check(
    id="azure.network.application_gateway_tls_min_version",
    title="Application Gateway SSL policy requires TLS 1.2 or higher",
    severity=Severity.MEDIUM,
    rationale="TLS 1.0 and 1.1 have known weaknesses and are deprecated. A gateway without an explicit SSL "
    "policy runs on its default predefined policy (defaultPredefinedSslPolicy), judged by that policy's "
    "minimum protocol as ARM lists it.",
    risk="Clients can be downgraded to weak protocol versions.",
    remediation=Remediation(
        cli="az network application-gateway ssl-policy set --resource-group {resource_group} --gateway-name "
        "{gateway} --policy-type Predefined --policy-name AppGwSslPolicy20220101",
        console=[
            "Application gateways > the gateway > Listeners > SSL settings.",
            "Choose the AppGwSslPolicy20220101 predefined policy (or a custom one with TLSv1_2).",
        ],
        text="Use a predefined policy with TLS 1.2 minimum, or set minProtocolVersion to TLSv1_2.",
    ),
    references=(
        "https://learn.microsoft.com/en-us/azure/application-gateway/application-gateway-ssl-policy-overview",
    ),
    module_section=CIS_NETWORK,
    datasets=("application_gateways", "ssl_predefined_policies"),
)
def application_gateway_tls_min_version(inv: AzureInventory) -> Iterator[Verdict]:
    predefined = {p.name.lower(): p for p in inv.ssl_predefined_policies or []}
    for gateway in _gateways(inv):
        if isinstance(gateway, Verdict):
            yield gateway
            continue
        how, name = _effective_ssl_policy(gateway)
        evidence = {"policy": how, "gateway": gateway.name, "resource_group": resource_group_of(gateway.id)}
        if how.lower() in CUSTOM_POLICY_TYPES:
            version, shown = gateway.ssl_min_protocol_version, f"{how} policy"
        elif not name:
            yield failed(
                gateway.id,
                gateway.location,
                f"Gateway {gateway.name} has no SSL policy and ARM reports no default predefined policy "
                "for it",
                **evidence,
            )
            continue
        elif inv.ssl_predefined_policies is None:
            yield not_evaluated(
                gateway.id, gateway.location, inv.errors_for(GLOBAL, "ssl_predefined_policies")
            )
            continue
        elif name.lower() not in predefined:
            yield failed(
                gateway.id,
                gateway.location,
                f"Gateway {gateway.name} uses SSL policy {name}, which is not among the predefined policies "
                "ARM lists",
                policy_name=name,
                **evidence,
            )
            continue
        else:
            version = predefined[name.lower()].min_protocol_version
            shown = f"{'default ' if how == 'default' else ''}predefined policy {name}"
        evidence |= {"policy_name": name, "min_protocol_version": version}
        if version.lower() in TLS12_OR_HIGHER:
            yield passed(
                gateway.id,
                gateway.location,
                f"Gateway {gateway.name} requires {version} ({shown})",
                **evidence,
            )
        else:
            yield failed(
                gateway.id,
                gateway.location,
                f"Gateway {gateway.name} accepts protocols below TLS 1.2 ({shown}: minimum "
                f"{version or 'not set'})",
                **evidence,
            )


@azure_check(
    id="azure.network.application_gateway_http2_enabled",
    title="Application Gateway has HTTP/2 enabled",
    severity=Severity.LOW,
    rationale="CIS recommends HTTP/2 on Application Gateway for its protocol improvements.",
    remediation=Remediation(
        cli="az network application-gateway update --resource-group {resource_group} --name {gateway} "
        "--http2 Enabled",
        console=["Application gateways > the gateway > Configuration.", "Set HTTP2 to Enabled."],
        text="Enable HTTP/2 on the gateway.",
    ),
    references=("https://learn.microsoft.com/en-us/azure/application-gateway/configuration-listeners",),
    module_section=CIS_NETWORK,
    datasets=("application_gateways",),
)
def application_gateway_http2_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    for gateway in _gateways(inv):
        if isinstance(gateway, Verdict):
            yield gateway
        elif gateway.http2_enabled:
            yield passed(gateway.id, gateway.location, f"Gateway {gateway.name} has HTTP/2 enabled")
        else:
            yield failed(gateway.id, gateway.location, f"Gateway {gateway.name} has HTTP/2 disabled")


def _policies(inv: AzureInventory) -> Iterator[WafPolicy | Verdict]:
    if inv.waf_policies is None:
        yield not_evaluated(
            f"/subscriptions/{inv.subscription_id}", GLOBAL, inv.errors_for(GLOBAL, "waf_policies")
        )
        return
    yield from inv.waf_policies


@azure_check(
    id="azure.network.waf_request_body_inspection",
    title="Application Gateway WAF policies inspect request bodies",
    severity=Severity.MEDIUM,
    rationale="Without body inspection the WAF does not see attacks carried in POST bodies.",
    risk="Injection payloads in request bodies pass the WAF.",
    remediation=Remediation(
        cli="az network application-gateway waf-policy policy-setting update --resource-group "
        "{resource_group} --policy-name {policy} --request-body-check true",
        console=[
            "Web Application Firewall policies > the policy > Policy settings.",
            "Enable request body inspection.",
        ],
        text="Turn on request body inspection in the WAF policy.",
    ),
    references=(WAF_DOCS,),
    module_section=CIS_NETWORK,
    datasets=("waf_policies",),
)
def waf_request_body_inspection(inv: AzureInventory) -> Iterator[Verdict]:
    for policy in _policies(inv):
        if isinstance(policy, Verdict):
            yield policy
        elif policy.request_body_check:
            yield passed(policy.id, policy.location, f"WAF policy {policy.name} inspects request bodies")
        else:
            yield failed(
                policy.id, policy.location, f"WAF policy {policy.name} does not inspect request bodies"
            )


@azure_check(
    id="azure.network.waf_bot_protection",
    title="Application Gateway WAF policies enable bot protection",
    severity=Severity.MEDIUM,
    rationale="The bot manager rule set blocks known malicious bots, scanners and crawlers.",
    risk="Automated scanners and credential-stuffing bots reach the application.",
    remediation=Remediation(
        cli="az network application-gateway waf-policy managed-rule rule-set add --resource-group "
        "{resource_group} --policy-name {policy} --type Microsoft_BotManagerRuleSet --version 1.1",
        console=["Web Application Firewall policies > the policy > Bot protection.", "Enable it and save."],
        text="Add the Microsoft_BotManagerRuleSet managed rule set to the policy.",
    ),
    references=("https://learn.microsoft.com/en-us/azure/web-application-firewall/ag/bot-protection",),
    module_section=CIS_NETWORK,
    datasets=("waf_policies",),
)
def waf_bot_protection(inv: AzureInventory) -> Iterator[Verdict]:
    for policy in _policies(inv):
        if isinstance(policy, Verdict):
            yield policy
        elif policy.bot_protection:
            yield passed(policy.id, policy.location, f"WAF policy {policy.name} has bot protection")
        else:
            yield failed(
                policy.id, policy.location, f"WAF policy {policy.name} has no bot protection rule set"
            )


def _log_verdicts(inv: AzureInventory, category: str, label: str, waf_only: bool) -> Iterator[Verdict]:
    for gateway in _gateways(inv):
        if isinstance(gateway, Verdict):
            yield gateway
            continue
        if waf_only and not gateway.is_waf_sku:
            yield not_applicable(gateway.id, gateway.location, f"Gateway {gateway.name} has no WAF to log")
            continue
        if gateway.diagnostic_settings is None:
            errors = inv.errors_for(gateway.location, RESOURCE_DIAGNOSTICS, resource=gateway.id)
            yield not_evaluated(gateway.id, gateway.location, errors)
            continue
        sending = [s.name for s in gateway.diagnostic_settings if s.logs_enabled(category)]
        if sending:
            yield passed(gateway.id, gateway.location, f"Gateway {gateway.name} sends {label} ({sending[0]})")
        else:
            yield failed(gateway.id, gateway.location, f"Gateway {gateway.name} sends no {label} anywhere")


@azure_check(
    id="azure.network.application_gateway_logging_enabled",
    title="Application Gateway access logs are sent to a destination",
    severity=Severity.MEDIUM,
    rationale="Access logs record every request through the gateway: client, URL, status, latency.",
    risk="Web attacks and abuse through the gateway leave no request record.",
    remediation=Remediation(
        cli=DIAGNOSTICS_CLI.format(
            name="appgw-logs",
            resource_id="{resource_id}",
            workspace_id="{workspace_id}",
            category="ApplicationGatewayAccessLog",
        ),
        console=[
            "Application gateways > the gateway > Diagnostic settings > Add.",
            "Tick ApplicationGatewayAccessLog (or allLogs) and a workspace.",
        ],
        text="Add a diagnostic setting sending ApplicationGatewayAccessLog to a workspace.",
    ),
    references=(APPGW_DOCS,),
    module_section=MODULE_LB,
    datasets=("application_gateways", RESOURCE_DIAGNOSTICS),
)
def application_gateway_logging_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    yield from _log_verdicts(inv, "ApplicationGatewayAccessLog", "access logs", waf_only=False)


@azure_check(
    id="azure.network.waf_logging_enabled",
    title="Application Gateway WAF logs are sent to a destination",
    severity=Severity.MEDIUM,
    rationale="WAF logs record each request the firewall matched or blocked, with the rule that fired.",
    risk="Blocked and detected attacks are invisible to the SOC.",
    remediation=Remediation(
        cli=DIAGNOSTICS_CLI.format(
            name="waf-logs",
            resource_id="{resource_id}",
            workspace_id="{workspace_id}",
            category="ApplicationGatewayFirewallLog",
        ),
        console=[
            "Application gateways > the gateway > Diagnostic settings > Add.",
            "Tick ApplicationGatewayFirewallLog (or allLogs) and a workspace.",
        ],
        text="Add a diagnostic setting sending ApplicationGatewayFirewallLog to a workspace.",
    ),
    references=(APPGW_DOCS, WAF_DOCS),
    module_section=MODULE_WAF,
    datasets=("application_gateways", RESOURCE_DIAGNOSTICS),
)
def waf_logging_enabled(inv: AzureInventory) -> Iterator[Verdict]:
    yield from _log_verdicts(inv, "ApplicationGatewayFirewallLog", "WAF logs", waf_only=True)
