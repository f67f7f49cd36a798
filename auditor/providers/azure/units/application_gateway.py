"""Application gateways (SKU, in-gateway WAF configuration, SSL policy or the default predefined one,
HTTP/2), the predefined SSL policies with their minimum TLS versions, and WAF policies."""

from __future__ import annotations

from typing import Any

from auditor.inventory.azure import ApplicationGateway, SslPredefinedPolicy, WafPolicy, location_key
from auditor.providers.azure.operations import api_version
from auditor.providers.azure.unit import Unit, UnitContext, text

SERVICE = "network"


def _gateway(gateway: Any) -> ApplicationGateway:
    waf = gateway.web_application_firewall_configuration
    ssl = gateway.ssl_policy
    return ApplicationGateway(
        id=gateway.id,
        name=gateway.name,
        location=location_key(gateway.location or ""),
        sku_tier=text(getattr(gateway.sku, "tier", "")),
        waf_config_enabled=bool(getattr(waf, "enabled", False)),
        waf_config_mode=text(getattr(waf, "firewall_mode", "")),
        waf_config_request_body_check=getattr(waf, "request_body_check", None),
        firewall_policy_id=getattr(gateway.firewall_policy, "id", None) or "",
        ssl_policy_type=text(getattr(ssl, "policy_type", "")),
        ssl_policy_name=text(getattr(ssl, "policy_name", "")),
        ssl_min_protocol_version=text(getattr(ssl, "min_protocol_version", "")),
        default_predefined_ssl_policy=text(getattr(gateway, "default_predefined_ssl_policy", None)),
        http2_enabled=bool(gateway.enable_http2),
    )


def _predefined(policy: Any) -> SslPredefinedPolicy:
    return SslPredefinedPolicy(
        name=policy.name,
        min_protocol_version=text(policy.min_protocol_version),
        cipher_suites=[text(c) for c in policy.cipher_suites or []],
    )


def _policy(policy: Any) -> WafPolicy:
    settings = policy.policy_settings
    rule_sets = getattr(policy.managed_rules, "managed_rule_sets", None) or []
    return WafPolicy(
        id=policy.id,
        name=policy.name,
        location=location_key(policy.location or ""),
        state=text(getattr(settings, "state", "")),
        mode=text(getattr(settings, "mode", "")),
        request_body_check=bool(getattr(settings, "request_body_check", False)),
        managed_rule_sets=[f"{r.rule_set_type}/{r.rule_set_version}" for r in rule_sets],
        application_gateway_ids=[g.id for g in policy.application_gateways or []],
    )


def collect(context: UnitContext) -> None:
    client = context.client(SERVICE)
    context.fill(
        "application_gateways",
        SERVICE,
        lambda: [
            _gateway(g)
            for g in context.call(
                SERVICE,
                "application_gateways.list_all",
                lambda: list(
                    client.application_gateways.list_all(
                        api_version=api_version("application_gateways.list_all")
                    )
                ),
            )
        ],
    )
    context.fill(
        "ssl_predefined_policies",
        SERVICE,
        lambda: [
            _predefined(p)
            for p in context.call(
                SERVICE,
                "application_gateways.list_available_ssl_predefined_policies",
                lambda: list(
                    client.application_gateways.list_available_ssl_predefined_policies(
                        api_version=api_version("application_gateways.list_available_ssl_predefined_policies")
                    )
                ),
            )
        ],
    )
    context.fill(
        "waf_policies",
        SERVICE,
        lambda: [
            _policy(p)
            for p in context.call(
                SERVICE,
                "web_application_firewall_policies.list_all",
                lambda: list(
                    client.web_application_firewall_policies.list_all(
                        api_version=api_version("web_application_firewall_policies.list_all")
                    )
                ),
            )
        ],
    )


UNIT = Unit(
    service="applicationgateway",
    datasets=("application_gateways", "ssl_predefined_policies", "waf_policies"),
    collect=collect,
)
