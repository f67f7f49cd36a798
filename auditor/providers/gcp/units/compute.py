"""Compute: VPC networks, subnetworks (aggregated), firewalls, backend services and Cloud Armor policies.

Presence is tested on the proto messages (``"log_config" in subnet``), never ``enable == False``: an unset
message reads as its defaults. An aggregated list's scopes that hold nothing carry only a warning
(NO_RESULTS_ON_PAGE); any other warning on a scope (UNREACHABLE) is recorded as an error of that region.
"""

from __future__ import annotations

from typing import Any

from auditor.inventory.gcp import (
    GLOBAL,
    BackendService,
    Firewall,
    FirewallAllowed,
    Network,
    SecurityPolicy,
    Subnetwork,
)
from auditor.providers.gcp.failures import ReadFailed
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "compute"
_EMPTY_SCOPE = "NO_RESULTS_ON_PAGE"


def _last(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else ""


def _scope_region(scope: str) -> str:
    return scope.split("/", 1)[1] if scope.startswith("regions/") else GLOBAL


def _warning_code(scoped: Any) -> str:
    if "warning" not in scoped:
        return ""
    code = scoped.warning.code
    return code if isinstance(code, str) else getattr(code, "name", str(code))


def _aggregated(
    context: UnitContext, dataset: str, method: str, send: Any, field: str
) -> list[tuple[str, Any]]:
    """(scope, item) over every page; unreachable scopes are recorded under their region."""
    found: list[tuple[str, Any]] = []
    for page in context.pages(SERVICE, method, send):
        for scope, scoped in page.items.items():
            code = _warning_code(scoped)
            if code and code != _EMPTY_SCOPE:
                context.record(
                    dataset,
                    ReadFailed(SERVICE, method, "failed", code, scoped.warning.message),
                    region=_scope_region(scope),
                )
            found += [(scope, item) for item in getattr(scoped, field)]
    return found


def _network(item: Any) -> Network:
    legacy = bool(item.I_pv4_range)
    return Network(
        name=item.name,
        self_link=item.self_link,
        auto_create_subnetworks=item.auto_create_subnetworks if "auto_create_subnetworks" in item else None,
        legacy=legacy,
    )


def _subnetwork(scope: str, item: Any) -> Subnetwork:
    configured = "log_config" in item
    log = item.log_config
    return Subnetwork(
        name=item.name,
        region=_last(item.region) or _scope_region(scope),
        network=_last(item.network),
        ip_cidr_range=item.ip_cidr_range,
        purpose=item.purpose or "PRIVATE",
        flow_logs_enabled=configured and "enable" in log and bool(log.enable),
        flow_logs_configured=configured,
        legacy_flow_logs_enabled="enable_flow_logs" in item and bool(item.enable_flow_logs),
        aggregation_interval=log.aggregation_interval if configured else "",
        flow_sampling=log.flow_sampling if configured and "flow_sampling" in log else None,
        metadata=log.metadata if configured else "",
    )


def _firewall(item: Any) -> Firewall:
    return Firewall(
        name=item.name,
        network=_last(item.network),
        direction=item.direction or "INGRESS",
        disabled=bool(item.disabled),
        priority=item.priority if "priority" in item else 1000,
        source_ranges=list(item.source_ranges),
        allowed=[FirewallAllowed(protocol=a.I_p_protocol, ports=list(a.ports)) for a in item.allowed],
        log_enabled="log_config" in item and bool(item.log_config.enable),
    )


def _backend_service(scope: str, item: Any) -> BackendService:
    configured = "log_config" in item
    return BackendService(
        name=item.name,
        region=_last(item.region) if item.region else _scope_region(scope),
        load_balancing_scheme=item.load_balancing_scheme,
        protocol=item.protocol,
        logging_enabled=configured and bool(item.log_config.enable),
        logging_sample_rate=item.log_config.sample_rate
        if configured and "sample_rate" in item.log_config
        else None,
        security_policy=_last(item.security_policy),
        edge_security_policy=_last(item.edge_security_policy),
    )


def _security_policy(scope: str, item: Any) -> SecurityPolicy:
    advanced = item.advanced_options_config if "advanced_options_config" in item else None
    return SecurityPolicy(
        name=item.name,
        region=_scope_region(scope),
        type=item.type_ or "CLOUD_ARMOR",
        log_level=(advanced.log_level if advanced is not None and advanced.log_level else "NORMAL"),
        rule_count=len(item.rules),
    )


def collect(context: UnitContext) -> None:
    project = context.target
    clients = context.clients
    retry, timeout = clients.retry, clients.options.call_timeout

    def networks() -> list[Network]:
        send = lambda: clients.compute("networks").list(project=project, retry=retry, timeout=timeout)  # noqa: E731
        return [_network(i) for page in context.pages(SERVICE, "networks.list", send) for i in page.items]

    def subnetworks() -> list[Subnetwork]:
        send = lambda: clients.compute("subnetworks").aggregated_list(  # noqa: E731
            project=project, retry=retry, timeout=timeout
        )
        found = _aggregated(context, "subnetworks", "subnetworks.aggregated_list", send, "subnetworks")
        return [_subnetwork(scope, item) for scope, item in found]

    def firewalls() -> list[Firewall]:
        send = lambda: clients.compute("firewalls").list(project=project, retry=retry, timeout=timeout)  # noqa: E731
        return [_firewall(i) for page in context.pages(SERVICE, "firewalls.list", send) for i in page.items]

    def backend_services() -> list[BackendService]:
        send = lambda: clients.compute("backend_services").aggregated_list(  # noqa: E731
            project=project, retry=retry, timeout=timeout
        )
        found = _aggregated(
            context, "backend_services", "backend_services.aggregated_list", send, "backend_services"
        )
        return [_backend_service(scope, item) for scope, item in found]

    def security_policies() -> list[SecurityPolicy]:
        send = lambda: clients.compute("security_policies").aggregated_list(  # noqa: E731
            project=project, retry=retry, timeout=timeout
        )
        found = _aggregated(
            context, "security_policies", "security_policies.aggregated_list", send, "security_policies"
        )
        return [_security_policy(scope, item) for scope, item in found]

    context.fill("networks", SERVICE, "networks.list", networks)
    context.fill("subnetworks", SERVICE, "subnetworks.aggregated_list", subnetworks)
    context.fill("firewalls", SERVICE, "firewalls.list", firewalls)
    context.fill("backend_services", SERVICE, "backend_services.aggregated_list", backend_services)
    context.fill("security_policies", SERVICE, "security_policies.aggregated_list", security_policies)


UNIT = Unit(
    service=SERVICE,
    datasets=("networks", "subnetworks", "firewalls", "backend_services", "security_policies"),
    reads=(
        (SERVICE, "networks.list"),
        (SERVICE, "subnetworks.aggregated_list"),
        (SERVICE, "firewalls.list"),
        (SERVICE, "backend_services.aggregated_list"),
        (SERVICE, "security_policies.aggregated_list"),
    ),
    collect=collect,
)
