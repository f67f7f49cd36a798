"""GCP checks on hand-made inventories: PASS, FAIL, ERROR and NOT_APPLICABLE per check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auditor.inventory.gcp import (
    AlertPolicy,
    AuditConfig,
    AuditLogConfig,
    BackendService,
    DnsPolicy,
    Firewall,
    FirewallAllowed,
    GcpInventory,
    LogMetric,
    Network,
    SccService,
    SccSettings,
    SecurityPolicy,
    SinkBucket,
    Subnetwork,
)
from auditor.model import CollectionError, Status
from auditor.registry import load_checks

FIREWALL_FILTER = (
    'resource.type="gce_firewall_rule" AND (protoPayload.methodName:"compute.firewalls.patch" OR '
    'protoPayload.methodName:"compute.firewalls.insert" OR protoPayload.methodName:"compute.firewalls.delete")'  # noqa: E501
)


def _inv(**values) -> GcpInventory:
    return GcpInventory(project_id="p-123456", organization_id="42", collected_at=datetime.now(UTC), **values)


def _denied(dataset: str) -> CollectionError:
    return CollectionError(
        provider="gcp",
        account="p-123456",
        region="global",
        service="x",
        dataset=dataset,
        operation="list",
        kind="denied",
        code="PERMISSION_DENIED",
    )


def _run(check_id: str, inv: GcpInventory) -> dict[str, Status]:
    return {
        f.resource_name or f.resource_id: f.status for f in load_checks().get(check_id).run(inv, inv.account)
    }


def _subnet(name: str, enabled: bool, purpose: str = "PRIVATE") -> Subnetwork:
    return Subnetwork(
        name=name, region="europe-west1", network="n", purpose=purpose, flow_logs_enabled=enabled
    )


def test_subnet_flow_logs_pass_fail_and_proxy_subnets_not_applicable():
    inv = _inv(
        subnetworks=[_subnet("a", True), _subnet("b", False), _subnet("p", False, "REGIONAL_MANAGED_PROXY")]
    )
    assert _run("gcp.compute.subnet_flow_logs_enabled", inv) == {
        "a": Status.PASS,
        "b": Status.FAIL,
        "p": Status.NOT_APPLICABLE,
    }


@pytest.mark.parametrize(
    ("check_id", "dataset"),
    [
        ("gcp.compute.subnet_flow_logs_enabled", "subnetworks"),
        ("gcp.compute.ssh_restricted", "firewalls"),
        ("gcp.compute.backend_service_logging_enabled", "backend_services"),
        ("gcp.dns.policy_logging_enabled", "dns_policies"),
        ("gcp.logging.data_access_audit_logs_enabled", "audit_configs"),
        ("gcp.monitoring.firewall_rule_changes_monitored", "alert_policies"),
        ("gcp.scc.enabled_with_asset_discovery", "scc_settings"),
    ],
)
def test_an_unreadable_dataset_gives_error_never_pass(check_id, dataset):
    full = dict(
        networks=[Network(name="n")],
        subnetworks=[],
        firewalls=[],
        backend_services=[],
        dns_policies=[],
        audit_configs=[],
        log_metrics=[],
        alert_policies=[],
        scc_settings=SccSettings(),
        scc_services=[],
    )
    full[dataset] = None
    statuses = set(_run(check_id, _inv(errors=[_denied(dataset)], **full)).values())
    assert statuses == {Status.ERROR}


def test_ssh_open_to_the_internet_fails_and_restricted_passes():
    inv = _inv(
        firewalls=[
            Firewall(
                name="open",
                network="n",
                source_ranges=["0.0.0.0/0"],
                allowed=[FirewallAllowed(protocol="tcp", ports=["20-25"])],
            ),
            Firewall(
                name="iap",
                network="n",
                source_ranges=["35.235.240.0/20"],
                allowed=[FirewallAllowed(protocol="tcp", ports=["22"])],
            ),
        ]
    )
    assert _run("gcp.compute.ssh_restricted", inv) == {"open": Status.FAIL, "iap": Status.PASS}
    assert _run("gcp.compute.rdp_restricted", inv) == {"open": Status.PASS, "iap": Status.PASS}


def test_backend_logging_and_cloud_armor():
    backends = [
        BackendService(
            name="web",
            protocol="HTTPS",
            load_balancing_scheme="EXTERNAL_MANAGED",
            logging_enabled=True,
            security_policy="armor",
        ),
        BackendService(
            name="api",
            protocol="HTTPS",
            load_balancing_scheme="EXTERNAL_MANAGED",
            logging_enabled=False,
            security_policy="armor2",
        ),
        BackendService(name="tcp", protocol="TCP", logging_enabled=False),
    ]
    policies = [SecurityPolicy(name="armor"), SecurityPolicy(name="armor2"), SecurityPolicy(name="idle")]
    inv = _inv(backend_services=backends, security_policies=policies)
    assert _run("gcp.compute.backend_service_logging_enabled", inv) == {
        "web": Status.PASS,
        "api": Status.FAIL,
        "tcp": Status.NOT_APPLICABLE,
    }
    assert _run("gcp.compute.cloud_armor_logging_enabled", inv) == {
        "armor": Status.PASS,
        "armor2": Status.FAIL,
        "idle": Status.FAIL,
    }


def test_dns_logging_per_network():
    inv = _inv(
        networks=[Network(name="a"), Network(name="b"), Network(name="c")],
        dns_policies=[
            DnsPolicy(name="pa", enable_logging=True, networks=["a"]),
            DnsPolicy(name="pb", networks=["b"]),
        ],
    )
    assert _run("gcp.dns.policy_logging_enabled", inv) == {
        "a": Status.PASS,
        "b": Status.FAIL,
        "c": Status.FAIL,
    }


def test_data_access_audit_logs():
    full = AuditConfig(
        service="allServices",
        log_configs=[AuditLogConfig(log_type=t) for t in ("ADMIN_READ", "DATA_READ", "DATA_WRITE")],
    )
    partial = AuditConfig(service="allServices", log_configs=[AuditLogConfig(log_type="ADMIN_READ")])
    assert set(_run("gcp.logging.data_access_audit_logs_enabled", _inv(audit_configs=[full])).values()) == {
        Status.PASS
    }
    assert set(
        _run("gcp.logging.data_access_audit_logs_enabled", _inv(audit_configs=[partial])).values()
    ) == {Status.FAIL}


def test_metric_needs_an_enabled_alert():
    metric = LogMetric(name="projects/p/metrics/fw", filter=FIREWALL_FILTER)
    alert = AlertPolicy(name="a", condition_filters=['metric.type="logging.googleapis.com/user/fw"'])
    check = "gcp.monitoring.firewall_rule_changes_monitored"
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[alert])).values()) == {Status.PASS}
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[])).values()) == {Status.FAIL}
    off = alert.model_copy(update={"enabled": False})
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[off])).values()) == {Status.FAIL}


def test_scc_enabled_with_asset_discovery():
    on = [SccService(name="security-health-analytics", effective_state="ENABLED")]
    check = "gcp.scc.enabled_with_asset_discovery"
    good = _inv(scc_settings=SccSettings(enable_asset_discovery=True), scc_services=on)
    assert set(_run(check, good).values()) == {Status.PASS}
    assert set(_run(check, good.model_copy(update={"scc_settings": SccSettings()})).values()) == {Status.FAIL}
    outside = good.model_copy(update={"organization_id": ""})
    assert set(_run(check, outside).values()) == {Status.MANUAL}


def test_sink_bucket_retention_locked():
    check = "gcp.logging.sink_bucket_retention_locked"
    inv = _inv(
        log_sinks=[],
        sink_buckets={
            "locked": SinkBucket(name="locked", retention_period_seconds=86400, retention_locked=True),
            "open": SinkBucket(name="open", retention_period_seconds=86400),
            "none": SinkBucket(name="none"),
            "unread": None,
        },
        errors=[_denied("sink_buckets").model_copy(update={"resource": "unread"})],
    )
    assert _run(check, inv) == {
        "locked": Status.PASS,
        "open": Status.FAIL,
        "none": Status.FAIL,
        "unread": Status.ERROR,
    }
    assert set(_run(check, _inv(log_sinks=[], sink_buckets={})).values()) == {Status.NOT_APPLICABLE}
    assert set(_run(check, _inv(sink_buckets=None, errors=[_denied("log_sinks")])).values()) == {Status.ERROR}


def test_cloud_asset_inventory_enabled():
    check = "gcp.asset.inventory_enabled"
    assert set(_run(check, _inv(enabled_apis=["cloudasset.googleapis.com"])).values()) == {Status.PASS}
    assert set(_run(check, _inv(enabled_apis=["compute.googleapis.com"])).values()) == {Status.FAIL}
    assert set(_run(check, _inv(errors=[_denied("enabled_apis")])).values()) == {Status.ERROR}


def test_active_high_scc_findings_are_grouped_by_the_modules_threat_categories_with_the_runbook():
    from auditor.inventory.gcp import SccFindingCount
    from auditor.runbook import runbook_for

    check = load_checks().get("gcp.scc.no_active_high_findings")
    findings = [
        SccFindingCount(severity="HIGH", category="Exfiltration: BigQuery Data Extraction", count=2),
        SccFindingCount(severity="CRITICAL", category="Malware: Cryptomining Bad Domain", count=1),
        SccFindingCount(severity="HIGH", category="OPEN_FIREWALL", count=3),
        SccFindingCount(severity="MEDIUM", category="Exfiltration: BigQuery Data Exfiltration", count=9),
    ]
    [finding] = check.run(_inv(scc_active_findings=findings), "p-123456")
    assert finding.status is Status.FAIL
    assert finding.evidence["by_threat_category"] == {
        "data_exfiltration": 2,  # the MEDIUM one is not counted: only high and critical
        "instance_compromise": 1,
        "uncategorised": 3,
    }
    expected = [e.response for e in runbook_for("gcp.threats.data_exfiltration")]
    assert expected and finding.evidence["runbook_responses"]["data_exfiltration"] == expected
    assert expected[0] in finding.message
    [quiet] = check.run(_inv(scc_active_findings=findings[3:]), "p-123456")
    assert quiet.status is Status.PASS
