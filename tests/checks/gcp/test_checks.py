"""GCP checks on hand-made inventories: PASS, FAIL, ERROR and NOT_APPLICABLE per check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from auditor.inventory.gcp import (
    AlertCondition,
    AlertPolicy,
    AuditConfig,
    AuditLogConfig,
    BackendService,
    DnsPolicy,
    Firewall,
    FirewallAllowed,
    GcpInventory,
    LogExclusion,
    LogMetric,
    LogSink,
    Network,
    SccService,
    SccSource,
    SecurityPolicy,
    SinkBucket,
    Subnetwork,
    VpcFlowLogsConfig,
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
        subnetworks=[_subnet("a", True), _subnet("b", False), _subnet("p", False, "REGIONAL_MANAGED_PROXY")],
        vpc_flow_logs_configs=[],
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
        ("gcp.scc.enabled", "scc_services"),
        ("gcp.scc.enabled", "scc_sources"),
        ("gcp.logging.sink_all_entries", "log_sinks"),
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
        log_sinks=[],
        scc_sources=[],
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
    condition = AlertCondition(kind="threshold", text='metric.type="logging.googleapis.com/user/fw"')
    alert = AlertPolicy(name="a", conditions=[condition])
    check = "gcp.monitoring.firewall_rule_changes_monitored"
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[alert])).values()) == {Status.PASS}
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[])).values()) == {Status.FAIL}
    off = alert.model_copy(update={"enabled": False})
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[off])).values()) == {Status.FAIL}


def test_scc_is_active_when_a_service_is_enabled_whatever_asset_discovery():
    on = [SccService(name="security-health-analytics", effective_state="ENABLED")]
    sources = [SccSource(name="organizations/42/sources/1", display_name="Security Health Analytics")]
    check = "gcp.scc.enabled"
    good = _inv(scc_services=on, scc_sources=sources)
    [finding] = load_checks().get(check).run(good, good.account)
    assert finding.status is Status.PASS
    assert finding.evidence["sources"] == ["Security Health Analytics"]
    off = [SccService(name="security-health-analytics", effective_state="DISABLED")]
    assert set(_run(check, good.model_copy(update={"scc_services": off})).values()) == {Status.FAIL}
    outside = good.model_copy(update={"organization_id": ""})
    assert set(_run(check, outside).values()) == {Status.MANUAL}
    assert "asset" not in load_checks().get(check).meta.remediation.cli  # retired by Google in 2024


def test_a_snapshot_from_before_the_v2_move_still_loads():
    old = {
        "project_id": "p-123456",
        "collected_at": "2026-01-01T00:00:00Z",
        "scc_settings": {"enable_asset_discovery": False, "inclusion_mode": ""},
        "alert_policies": [
            {"name": "a", "condition_filters": ['metric.type="logging.googleapis.com/user/m"']}
        ],
    }
    inv = GcpInventory.model_validate(old)
    assert inv.alert_policies[0].conditions == [
        AlertCondition(kind="threshold", text='metric.type="logging.googleapis.com/user/m"')
    ]
    assert "scc_settings" not in inv.model_dump()


def _config(name: str, kind: str, target: str, state: str = "ENABLED") -> VpcFlowLogsConfig:
    return VpcFlowLogsConfig(
        name=f"projects/p-123456/locations/global/vpcFlowLogsConfigs/{name}",
        state=state,
        target_kind=kind,
        target=target,
    )


SUBNET_A = "projects/p-123456/regions/europe-west1/subnetworks/a"


def test_a_vpc_flow_logs_config_or_the_legacy_field_flow_logs_a_subnet():
    check = "gcp.compute.subnet_flow_logs_enabled"
    legacy = _subnet("l", False).model_copy(update={"legacy_flow_logs_enabled": True})
    subnets = [_subnet("a", False), _subnet("b", False), legacy]
    by_subnet = _inv(subnetworks=subnets, vpc_flow_logs_configs=[_config("c", "subnet", SUBNET_A)])
    assert _run(check, by_subnet) == {"a": Status.PASS, "b": Status.FAIL, "l": Status.PASS}
    network = _config("n", "network", "projects/p-123456/global/networks/n")
    assert set(_run(check, by_subnet.model_copy(update={"vpc_flow_logs_configs": [network]})).values()) == {
        Status.PASS
    }
    project = _config("p", "project", "")
    assert set(_run(check, by_subnet.model_copy(update={"vpc_flow_logs_configs": [project]})).values()) == {
        Status.PASS
    }
    paused = [_config("c", "subnet", SUBNET_A, state="DISABLED")]
    [a] = [f for f in load_checks().get(check).run(by_subnet, "p") if f.resource_name == "a"]
    assert a.status is Status.PASS
    paused_inv = by_subnet.model_copy(update={"vpc_flow_logs_configs": paused})
    [a] = [f for f in load_checks().get(check).run(paused_inv, "p") if f.resource_name == "a"]
    assert a.status is Status.FAIL and "is DISABLED" in a.message
    other_network = _config("o", "network", "projects/p-123456/global/networks/other")
    assert _run(check, by_subnet.model_copy(update={"vpc_flow_logs_configs": [other_network]}))["a"] is (
        Status.FAIL
    )


def test_an_unreadable_flow_logs_config_list_errors_only_the_subnets_it_could_change():
    check = "gcp.compute.subnet_flow_logs_enabled"
    subnets = [_subnet("on", True), _subnet("off", False), _subnet("p", False, "REGIONAL_MANAGED_PROXY")]
    inv = _inv(subnetworks=subnets, vpc_flow_logs_configs=None, errors=[_denied("vpc_flow_logs_configs")])
    assert _run(check, inv) == {"on": Status.PASS, "off": Status.ERROR, "p": Status.NOT_APPLICABLE}


def test_an_organizations_flow_logs_config_logs_every_subnet_of_its_projects():
    check = "gcp.compute.subnet_flow_logs_enabled"
    subnets = [_subnet("a", False), _subnet("b", False)]
    everything = VpcFlowLogsConfig(
        name="organizations/42/locations/global/vpcFlowLogsConfigs/all", target_kind="organization"
    )
    inv = _inv(subnetworks=subnets, vpc_flow_logs_configs=[], organization_vpc_flow_logs_configs=[everything])
    findings = list(load_checks().get(check).run(inv, "p"))
    assert {f.status for f in findings} == {Status.PASS}
    assert all("on its organization" in f.message and f.evidence["organization"] == "42" for f in findings)
    paused = everything.model_copy(update={"state": "DISABLED"})
    assert set(
        _run(check, inv.model_copy(update={"organization_vpc_flow_logs_configs": [paused]})).values()
    ) == {Status.FAIL}


def test_unreadable_organization_configs_error_only_the_subnets_they_could_change():
    check = "gcp.compute.subnet_flow_logs_enabled"
    subnets = [_subnet("on", True), _subnet("off", False), _subnet("c", False)]
    inv = _inv(
        subnetworks=subnets,
        vpc_flow_logs_configs=[
            _config("c", "subnet", "projects/p-123456/regions/europe-west1/subnetworks/c")
        ],
        organization_vpc_flow_logs_configs=None,
        errors=[_denied("organization_vpc_flow_logs_configs")],
    )
    assert _run(check, inv) == {"on": Status.PASS, "off": Status.ERROR, "c": Status.PASS}


def test_interconnect_and_vpn_configs_are_reported_in_the_evidence():
    check = "gcp.compute.subnet_flow_logs_enabled"
    tunnel = _config("t", "vpn_tunnel", "projects/p-123456/regions/europe-west1/vpnTunnels/t1")
    inv = _inv(subnetworks=[_subnet("a", False)], vpc_flow_logs_configs=[tunnel])
    [finding] = load_checks().get(check).run(inv, "p")
    assert finding.status is Status.FAIL
    assert finding.evidence["attachment_and_tunnel_configs"] == [
        "t: vpn_tunnel projects/p-123456/regions/europe-west1/vpnTunnels/t1 (ENABLED)"
    ]


ORG = "organizations/42"
FOLDER = "folders/7"


def _sink(name: str, **values) -> LogSink:
    return LogSink(name=name, destination=f"storage.googleapis.com/{name}", **values)


def _sink_status(inv: GcpInventory) -> tuple[Status, str]:
    [finding] = load_checks().get("gcp.logging.sink_all_entries").run(inv, inv.account)
    return finding.status, finding.message


def test_an_aggregated_organization_or_folder_sink_counts_for_the_project():
    ancestors = [FOLDER, ORG]
    aggregated = _sink("org-all", include_children=True)
    inv = _inv(log_sinks=[], ancestors=ancestors, ancestor_sinks={FOLDER: [], ORG: [aggregated]})
    status, message = _sink_status(inv)
    assert status is Status.PASS and "organization 42 (aggregated)" in message
    folder = inv.model_copy(update={"ancestor_sinks": {FOLDER: [_sink("f", include_children=True)], ORG: []}})
    status, message = _sink_status(folder)
    assert status is Status.PASS and "folder 7" in message
    own = inv.model_copy(update={"log_sinks": [_sink("mine")], "ancestor_sinks": {FOLDER: [], ORG: []}})
    assert _sink_status(own)[0] is Status.PASS


def test_a_non_aggregated_organization_sink_exports_only_the_organizations_own_logs():
    inv = _inv(log_sinks=[], ancestors=[ORG], ancestor_sinks={ORG: [_sink("org-own")]})
    status, _ = _sink_status(inv)
    assert status is Status.FAIL


def test_a_sink_whose_exclusion_or_filter_drops_audit_logs_does_not_count():
    audit = 'logName:"cloudaudit.googleapis.com"'
    excluded = _sink("x", include_children=True, exclusions=[LogExclusion(name="skip-audit", filter=audit)])
    inv = _inv(log_sinks=[], ancestors=[ORG], ancestor_sinks={ORG: [excluded]})
    status, message = _sink_status(inv)
    assert status is Status.FAIL and "skip-audit drops audit logs" in message
    off = excluded.model_copy(
        update={"exclusions": [LogExclusion(name="skip-audit", filter=audit, disabled=True)]}
    )
    assert _sink_status(inv.model_copy(update={"ancestor_sinks": {ORG: [off]}}))[0] is Status.PASS
    maybe = _sink("n", exclusions=[LogExclusion(name="debug", filter="severity=DEBUG")])
    status, message = _sink_status(_inv(log_sinks=[maybe], ancestors=[]))
    assert status is Status.FAIL and "debug may drop audit logs" in message
    sparing = f"NOT {audit} AND severity=DEBUG"  # whatever it drops, no audit entry
    spared = _sink("s", exclusions=[LogExclusion(name="debug", filter=sparing)])
    assert _sink_status(_inv(log_sinks=[spared], ancestors=[]))[0] is Status.PASS
    either = _sink("e", exclusions=[LogExclusion(name="debug", filter=f"NOT {audit} OR severity=DEBUG")])
    assert _sink_status(_inv(log_sinks=[either], ancestors=[]))[0] is Status.FAIL
    filtered = _sink("f", filter=f"NOT {audit}")
    status, message = _sink_status(_inv(log_sinks=[filtered], ancestors=[]))
    assert status is Status.FAIL and "drops audit logs" in message


def test_an_unreadable_ancestor_gives_error_unless_a_seen_sink_covers_the_project():
    denied = _denied("ancestor_sinks").model_copy(update={"resource": FOLDER})
    inv = _inv(log_sinks=[], ancestors=[FOLDER, ORG], ancestor_sinks={FOLDER: None, ORG: []}, errors=[denied])
    assert _sink_status(inv)[0] is Status.ERROR
    covered = inv.model_copy(
        update={"ancestor_sinks": {FOLDER: None, ORG: [_sink("o", include_children=True)]}}
    )
    assert _sink_status(covered)[0] is Status.PASS
    unknown = _inv(log_sinks=[], ancestors=None, ancestor_sinks=None, errors=[_denied("ancestors")])
    assert _sink_status(unknown)[0] is Status.ERROR


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("threshold", 'metric.type="logging.googleapis.com/user/fw" AND resource.type="global"'),
        ("absent", "metric.type = 'logging.googleapis.com/user/fw'"),
        ("mql", "fetch global | metric 'logging.googleapis.com/user/fw' | every 1m | condition val() > 0"),
        ("promql", "sum(rate(logging_googleapis_com:user_fw[5m])) > 0"),
        ("promql", 'rate({"logging.googleapis.com/user/fw"}[5m]) > 0'),
        ("promql", 'rate({__name__="logging.googleapis.com/user/fw", monitored_resource="global"}[5m])'),
    ],
)
def test_an_alert_in_any_condition_language_counts(kind, text):
    metric = LogMetric(name="projects/p/metrics/fw", filter=FIREWALL_FILTER)
    alert = AlertPolicy(name="a", conditions=[AlertCondition(kind=kind, text=text)])
    check = "gcp.monitoring.firewall_rule_changes_monitored"
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[alert])).values()) == {Status.PASS}
    off = alert.model_copy(update={"enabled": False})
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[off])).values()) == {Status.FAIL}


@pytest.mark.parametrize(
    "text",
    [
        'metric.type="logging.googleapis.com/user/fw2"',
        "fetch global | metric 'logging.googleapis.com/user/fw-old'",
        "sum(rate(logging_googleapis_com:user_fw_old[5m])) > 0",
    ],
)
def test_an_alert_on_another_metric_whose_name_starts_the_same_does_not_count(text):
    metric = LogMetric(name="projects/p/metrics/fw", filter=FIREWALL_FILTER)
    alert = AlertPolicy(name="a", conditions=[AlertCondition(kind="threshold", text=text)])
    check = "gcp.monitoring.firewall_rule_changes_monitored"
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[alert])).values()) == {Status.FAIL}


def test_a_promql_metric_name_maps_dashes_to_underscores():
    metric = LogMetric(name="projects/p/metrics/firewall-changes", filter=FIREWALL_FILTER)
    query = "sum(rate(logging_googleapis_com:user_firewall_changes[5m])) > 0"
    alert = AlertPolicy(name="a", conditions=[AlertCondition(kind="promql", text=query)])
    check = "gcp.monitoring.firewall_rule_changes_monitored"
    assert set(_run(check, _inv(log_metrics=[metric], alert_policies=[alert])).values()) == {Status.PASS}


def test_a_log_match_alert_with_the_cis_filter_counts_without_a_metric():
    alert = AlertPolicy(name="a", conditions=[AlertCondition(kind="matched_log", text=FIREWALL_FILTER)])
    check = "gcp.monitoring.firewall_rule_changes_monitored"
    assert set(_run(check, _inv(log_metrics=[], alert_policies=[alert])).values()) == {Status.PASS}
    other = AlertPolicy(
        name="b", conditions=[AlertCondition(kind="matched_log", text='resource.type="gce_route"')]
    )
    assert set(_run(check, _inv(log_metrics=[], alert_policies=[other])).values()) == {Status.FAIL}
    off = alert.model_copy(update={"enabled": False})
    assert set(_run(check, _inv(log_metrics=[], alert_policies=[off])).values()) == {Status.FAIL}


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
