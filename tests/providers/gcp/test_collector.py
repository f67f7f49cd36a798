"""collect_gcp against the local REST and gRPC emulators: the real Google clients, over loopback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.emulators.estate import parse_estate
from auditor.emulators.gcp_emulator import GcpEmulator
from auditor.engine import build_scan_result
from auditor.model import Status
from auditor.providers.gcp import GcpEndpoints, GcpScanOptions, collect_gcp
from auditor.providers.gcp.readonly import ReadOnlyGuard, ReadOnlyInterceptor, ReadOnlyViolation
from checks.gcp.monitoring import WATCHED

ESTATE = """
gcp:
  organization:
    id: "123456789"
    scc:
      services: {security-health-analytics: ENABLED, event-threat-detection: ENABLED}
      findings:
        - {category: OPEN_FIREWALL, severity: HIGH, project: shop-prod, count: 3}
        - {category: PUBLIC_IP_ADDRESS, severity: MEDIUM, project: shop-prod}
    log_sinks:
      - {name: org-all, destination: "storage.googleapis.com/org", include_children: true}
      - {name: org-own, destination: "storage.googleapis.com/org-own"}
    flow_logs_configs:  # the organization's own: every VPC network of it (paused here)
      - {name: org-wide, state: DISABLED}
  folders:
    - id: "77"
      log_sinks:
        - name: f-all
          destination: "pubsub.googleapis.com/projects/x/topics/t"
          include_children: true
          exclusions: [{name: no-audit, filter: 'logName:"cloudaudit.googleapis.com"'}]
  projects:
    - id: shop-prod
      folder: "77"
      networks:
        - name: prod
          dns_logging: true
          subnets:
            - {name: a, region: europe-west1, cidr: 10.0.0.0/24, flow_logs: true}
            - {name: b, region: europe-west1, cidr: 10.0.1.0/24}
            - {name: c, region: us-east4, cidr: 10.0.2.0/24, purpose: REGIONAL_MANAGED_PROXY}
            - {name: d, region: us-east4, cidr: 10.0.3.0/24, flow_logs: true}
            - {name: e, region: us-east4, cidr: 10.0.4.0/24, legacy_flow_logs: true}
        - {name: old, mode: legacy}
      flow_logs_configs:
        - {name: c1, target: subnet, subnet: b, region: europe-west1}
        - {name: c2, target: network, network: prod, state: DISABLED}
        - {name: c3, target: vpn_tunnel, vpn_tunnel: t, region: us-east4}
      firewalls: [{name: ssh, network: prod, allow: ["tcp:22"]}]
      managed_zones: [{name: z, dns_name: shop.example.com., dnssec: true, key_signing_algorithm: rsasha1}]
      audit_logs: [{log_types: [DATA_READ, ADMIN_READ, DATA_WRITE]}]
      security_policies: [{name: armor}]
      backend_services:
        - {name: web, logging: true, security_policy: armor}
        - {name: api, region: europe-west1}
      log_sinks:
        - {name: all, destination: "storage.googleapis.com/logs"}
        - {name: other, destination: "storage.googleapis.com/elsewhere", filter: "severity>=ERROR"}
        - {name: bq, destination: "bigquery.googleapis.com/projects/shop-prod/datasets/logs"}
      buckets: [{name: logs, retention_days: 400, locked: true}, {name: elsewhere}]
      apis: [compute.googleapis.com, cloudasset.googleapis.com, logging.googleapis.com]
      log_metrics:
        - {name: fw, filter: 'FIREWALL_FILTER'}
        - {name: m2, filter: x}
        - {name: m3, filter: y}
      alert_policies:
        - {name: fw-alert, metric: fw}
        - {name: a2, metric: m2, condition: mql}
        - {name: a3, metric: m3, condition: promql}
        - {name: a4, condition: matched_log, filter: 'resource.type="gce_route"'}
    - id: shop-dev
"""


ESTATE = ESTATE.replace("FIREWALL_FILTER", next(c.filter for c in WATCHED if c.key == "firewall_rule"))


@pytest.fixture(scope="module")
def emulator():
    spec = parse_estate(ESTATE, "test.yaml").gcp
    with GcpEmulator.from_estate(spec, page_size=2) as running:  # small pages: every list pages
        yield running


@pytest.fixture
def gcp(emulator):
    emulator.faults.clear()
    emulator.faults.reset_requests()
    return emulator


def _evaluate(inventories):
    now = datetime.now(UTC)
    return build_scan_result(inventories, started_at=now, finished_at=now, source="live", benchmarks=[])


def _collect(gcp: GcpEmulator, **options) -> dict[str, object]:
    endpoints = gcp.endpoints()
    scan = GcpScanOptions(
        endpoints=endpoints, anonymous=True, retry_initial=0.01, retry_deadline=3, num_retries=1, **options
    )
    return {inv.project_id: inv for inv in collect_gcp(scan)}


def test_every_service_is_collected_across_pages(gcp):
    inventories = _collect(gcp)
    assert sorted(inventories) == ["shop-dev", "shop-prod"]
    prod = inventories["shop-prod"]
    assert prod.errors == []
    assert {
        s.name: (s.flow_logs_enabled, s.legacy_flow_logs_enabled, s.purpose) for s in prod.subnetworks
    } == {
        "a": (True, False, "PRIVATE"),
        "b": (False, False, "PRIVATE"),
        "c": (False, False, "REGIONAL_MANAGED_PROXY"),
        "d": (True, False, "PRIVATE"),
        "e": (False, True, "PRIVATE"),
    }
    assert [
        (c.name.rsplit("/", 1)[1], c.target_kind, c.target, c.state) for c in prod.vpc_flow_logs_configs
    ] == [
        ("c1", "subnet", "projects/shop-prod/regions/europe-west1/subnetworks/b", "ENABLED"),  # state absent
        ("c2", "network", "projects/shop-prod/global/networks/prod", "DISABLED"),
        ("c3", "vpn_tunnel", "projects/shop-prod/regions/us-east4/vpnTunnels/t", "ENABLED"),
    ]
    assert [(c.name, c.target_kind, c.state) for c in prod.organization_vpc_flow_logs_configs] == [
        ("organizations/123456789/locations/global/vpcFlowLogsConfigs/org-wide", "organization", "DISABLED")
    ]
    dev = inventories["shop-dev"]
    assert dev.organization_vpc_flow_logs_configs == prod.organization_vpc_flow_logs_configs
    assert prod.ancestors == ["folders/77", "organizations/123456789"]
    assert inventories["shop-dev"].ancestors == ["organizations/123456789"]
    org_sinks = {s.name: s.include_children for s in prod.ancestor_sinks["organizations/123456789"]}
    assert org_sinks == {"org-all": True, "org-own": False}
    [folder_sink] = prod.ancestor_sinks["folders/77"]
    assert folder_sink.include_children and [e.name for e in folder_sink.exclusions] == ["no-audit"]
    assert {n.name: n.legacy for n in prod.networks} == {"prod": False, "old": True}
    assert prod.firewalls[0].allowed[0].ports == ["22"]
    assert {b.name: (b.logging_enabled, b.security_policy, b.region) for b in prod.backend_services} == {
        "web": (True, "armor", "global"),
        "api": (False, "", "europe-west1"),
    }
    assert [p.name for p in prod.security_policies] == ["armor"]
    assert prod.dns_policies[0].networks == ["prod"] and prod.dns_policies[0].enable_logging
    assert prod.managed_zones[0].dnssec_keys[0].algorithm == "rsasha1"
    assert [c.log_type for c in prod.audit_configs[0].log_configs] == [
        "DATA_READ",
        "ADMIN_READ",
        "DATA_WRITE",
    ]
    assert [s.name for s in prod.log_sinks] == ["all", "other", "bq"]
    assert {n: (b.retention_period_seconds, b.retention_locked) for n, b in prod.sink_buckets.items()} == {
        "logs": (400 * 86400, True),
        "elsewhere": (None, False),
    }
    assert prod.enabled_apis == [
        "cloudasset.googleapis.com",
        "compute.googleapis.com",
        "logging.googleapis.com",
    ]
    assert inventories["shop-dev"].sink_buckets == {}
    assert [m.name for m in prod.log_metrics] == ["fw", "m2", "m3"]
    assert [[c.kind for c in p.conditions] for p in prod.alert_policies] == [
        ["threshold"],
        ["mql"],
        ["promql"],
        ["matched_log"],
    ]
    assert "logging.googleapis.com/user/fw" in prod.alert_policies[0].conditions[0].text
    assert "logging.googleapis.com/user/m2" in prod.alert_policies[1].conditions[0].text
    assert "logging_googleapis_com:user_m3" in prod.alert_policies[2].conditions[0].text
    assert prod.alert_policies[3].conditions[0].text == 'resource.type="gce_route"'
    assert [s.display_name for s in prod.scc_sources] == [
        "Security Health Analytics",
        "Event Threat Detection",
    ]
    assert {s.name for s in prod.scc_services if s.enabled} == {
        "security-health-analytics",
        "event-threat-detection",
    }
    assert {(f.severity, f.category): f.count for f in prod.scc_active_findings} == {
        ("HIGH", "OPEN_FIREWALL"): 3,
        ("MEDIUM", "PUBLIC_IP_ADDRESS"): 1,
    }
    assert inventories["shop-dev"].scc_active_findings == []
    # paging: page size 2, so lists of 3+ took two pages
    assert prod.api_calls["logging:list_log_metrics"] == 2
    assert prod.api_calls["monitoring:list_alert_policies"] == 2
    assert prod.api_calls["compute:subnetworks.aggregated_list"] == 3
    assert prod.api_calls["networkmanagement:vpcFlowLogsConfigs.list"] == 2
    # the organization's and the folder's sinks are read once per scan, counted on the first project
    # that sits under them: shop-dev (alphabetically first) for the organization, shop-prod for the folder
    sink_pages = {p: i.api_calls["logging:list_sinks"] for p, i in inventories.items()}
    assert sink_pages == {"shop-dev": 1 + 1, "shop-prod": 2 + 1}


def test_only_read_requests_reach_the_emulators(gcp):
    _collect(gcp)
    requests = gcp.faults.requests()
    assert {r.protocol for r in requests} == {"rest", "grpc"}
    assert requests and all(r.is_read for r in requests), [r for r in requests if not r.is_read]


def test_the_guard_refuses_writes_before_sending():
    guard = ReadOnlyGuard([("compute", "firewalls.list")])
    guard.check("compute", "firewalls.list")
    for service, method in (("compute", "firewalls.insert"), ("compute", "firewalls.get")):
        with pytest.raises(ReadOnlyViolation):
            guard.check(service, method)


def test_the_grpc_interceptor_refuses_a_write(gcp):
    import grpc
    from google.cloud import securitycenter_v2
    from google.cloud.securitycenter_v2.services.security_center.transports import SecurityCenterGrpcTransport

    channel = grpc.intercept_channel(grpc.insecure_channel(gcp.grpc_endpoint), ReadOnlyInterceptor())
    client = securitycenter_v2.SecurityCenterClient(transport=SecurityCenterGrpcTransport(channel=channel))
    with pytest.raises(ReadOnlyViolation):
        client.update_source(source={"name": "organizations/123456789/sources/1000", "display_name": "x"})
    with pytest.raises(ReadOnlyViolation):
        client.set_finding_state(name="organizations/123456789/sources/1000/findings/f", state="INACTIVE")
    assert gcp.faults.requests() == []


@pytest.mark.parametrize(
    ("operation", "dataset", "checks"),
    [
        ("compute.subnetworks.aggregatedList", "subnetworks", {"gcp.compute.subnet_flow_logs_enabled"}),
        ("dns.policies.list", "dns_policies", {"gcp.dns.policy_logging_enabled"}),
        ("logging.ListSinks", "log_sinks", {"gcp.logging.sink_all_entries"}),
        ("scc.ListSources", "scc_sources", {"gcp.scc.enabled"}),
        (
            "networkmanagement.vpcFlowLogsConfigs.list",
            "vpc_flow_logs_configs",
            {"gcp.compute.subnet_flow_logs_enabled"},
        ),
        (  # every shop-prod subnet is flow-logged by its own fields or a project config: no verdict moves
            # (tests/checks/gcp: a subnet only the organization's config could cover is ERROR)
            "networkmanagement.organizations.vpcFlowLogsConfigs.list",
            "organization_vpc_flow_logs_configs",
            set(),
        ),
        (
            "resourcemanager.projects.getIamPolicy",
            "audit_configs",
            {"gcp.logging.data_access_audit_logs_enabled"},
        ),
    ],
)
def test_permission_denied_gives_error_for_that_services_controls_only(gcp, operation, dataset, checks):
    baseline = _evaluate(list(_collect(gcp, projects=("shop-prod",)).values()))
    gcp.faults.inject(operation, "denied")
    [prod] = _collect(gcp, projects=("shop-prod",)).values()
    gcp.faults.clear()
    assert getattr(prod, dataset) is None
    # ListSinks is also how the folder's and the organization's sinks are read: denied there too
    datasets = {dataset, "ancestor_sinks"} if operation == "logging.ListSinks" else {dataset}
    assert {(e.dataset, e.kind) for e in prod.errors} == {(d, "denied") for d in datasets}
    result = _evaluate([prod])
    errored = {f.check_id for f in result.findings if f.status is Status.ERROR}
    assert checks <= errored
    unchanged = {
        (f.check_id, f.resource_id, f.status) for f in baseline.findings if f.check_id not in errored
    }
    assert unchanged == {
        (f.check_id, f.resource_id, f.status) for f in result.findings if f.check_id not in errored
    }


@pytest.mark.parametrize(
    "operation",
    [
        "compute.networks.list",
        "logging.ListLogMetrics",
        "scc.ListFindings",
        "securitycentermanagement.securityCenterServices.list",
    ],
)
def test_unavailable_is_retried_then_succeeds(gcp, operation):
    gcp.faults.inject(operation, "unavailable", times=2)
    [prod] = _collect(gcp, projects=("shop-prod",)).values()
    assert prod.errors == []
    assert sum(1 for r in gcp.faults.requests() if r.operation.endswith(operation.rsplit(".", 1)[1])) >= 3


def test_unavailable_past_the_deadline_is_an_error(gcp):
    gcp.faults.inject("compute.firewalls.list", "unavailable")
    endpoints = gcp.endpoints()
    options = GcpScanOptions(
        projects=("shop-prod",), endpoints=endpoints, anonymous=True, retry_initial=0.01, retry_deadline=0.2
    )
    [prod] = collect_gcp(options)
    assert prod.firewalls is None
    assert [e.kind for e in prod.errors] == ["endpoint"]


@pytest.mark.parametrize(
    ("operation", "dataset"),
    [
        ("compute.firewalls.list", "firewalls"),
        ("dns.managedZones.list", "managed_zones"),
        ("scc.ListSources", "scc_sources"),
    ],
)
def test_a_malformed_answer_is_recorded_not_swallowed(gcp, operation, dataset):
    gcp.faults.inject(operation, "malformed")
    [prod] = _collect(gcp, projects=("shop-prod",)).values()
    assert getattr(prod, dataset) is None
    assert [e.dataset for e in prod.errors] == [dataset]


def test_organization_scope_lists_its_projects(gcp):
    assert sorted(_collect(gcp, organization="123456789")) == ["shop-dev", "shop-prod"]


def test_progress_reports_every_unit(gcp):
    events = []
    endpoints = gcp.endpoints()
    collect_gcp(
        GcpScanOptions(endpoints=endpoints, anonymous=True, retry_initial=0.01), progress=events.append
    )
    from auditor.providers.gcp.units import ANCESTOR_UNITS, ORGANIZATION_UNITS, PROJECT_UNITS

    # every project unit of the 2 projects, the SCC unit of the organization, the sinks of its 2 ancestors
    # (the folder of shop-prod and the organization)
    expected = len(PROJECT_UNITS) * 2 + len(ORGANIZATION_UNITS) + len(ANCESTOR_UNITS) * 2
    assert events[-1].done == events[-1].total == expected
    assert {e.provider for e in events} == {"gcp"}
    assert {e.region for e in events} == {"shop-prod", "shop-dev", "organizations/123456789", "folders/77"}


def test_estate_errors_name_the_place(tmp_path: Path):
    from auditor.emulators.estate import EstateError, load_estate

    path = tmp_path / "bad.yaml"
    path.write_text(
        "gcp:\n  projects:\n    - id: shop-prod\n      networks:\n        - name: n\n"
        "          subnets: [{name: s, region: europe-west1, cidr: 10.0.0.1/24}]\n"
    )
    with pytest.raises(EstateError) as caught:
        load_estate(path)
    assert "bad.yaml: gcp.projects[0].networks[0].subnets[0].cidr" in str(caught.value)
    assert "line 6" in str(caught.value)


def test_the_rest_clients_refuse_a_write_on_the_wire(gcp):
    from auditor.providers.gcp.clients import GcpClients, credentials_for

    endpoints = gcp.endpoints()
    options = GcpScanOptions(endpoints=endpoints, anonymous=True)
    clients = GcpClients(options, credentials_for(options))
    with pytest.raises(ReadOnlyViolation):
        clients.compute("firewalls").delete(project="shop-prod", firewall="ssh")
    with pytest.raises(ReadOnlyViolation):
        clients.discovery("dns").policies().delete(project="shop-prod", policy="p").execute()
    assert gcp.faults.requests() == []
    assert list(clients.compute("firewalls").list(project="shop-prod"))  # reads still pass


def test_a_denied_sink_bucket_is_an_error_for_that_bucket_only(gcp):
    gcp.faults.inject("storage.buckets.get", "denied", times=1)
    [prod] = _collect(gcp, projects=("shop-prod",)).values()
    assert prod.log_sinks is not None and prod.log_metrics is not None
    [error] = prod.errors
    assert (error.dataset, error.kind, error.service) == ("sink_buckets", "denied", "storage")
    assert [name for name, bucket in prod.sink_buckets.items() if bucket is None] == [error.resource]
    findings = _evaluate([prod]).findings
    statuses = {
        f.resource_name: f.status
        for f in findings
        if f.check_id == "gcp.logging.sink_bucket_retention_locked"
    }
    assert statuses[error.resource] is Status.ERROR
    assert set(statuses.values()) - {Status.ERROR}  # the other bucket is still judged


def test_a_bare_grpc_target_is_tls_and_a_service_override_takes_precedence(gcp):
    """A private endpoint's ``host:port`` gets a TLS channel: against the plaintext emulator the TLS
    handshake fails, so every gRPC read is an ERROR (never PASS) while the REST reads still succeed; a
    per-service override (``logging=http://...``) sends that one service back to plaintext."""
    plain = gcp.endpoints()
    tls = GcpEndpoints(rest=plain.rest, grpc=gcp.grpc_endpoint, services=(("logging", str(plain.grpc)),))
    options = GcpScanOptions(
        projects=("shop-prod",), endpoints=tls, anonymous=True, retry_initial=0.01, retry_deadline=0.3
    )
    [prod] = collect_gcp(options)
    failed = {e.service for e in prod.errors}
    assert failed == {"monitoring", "securitycenter"}, prod.errors  # the gRPC services left on TLS
    assert prod.alert_policies is None and prod.scc_sources is None and prod.scc_active_findings is None
    assert {e.kind for e in prod.errors} == {"endpoint"}
    assert prod.log_sinks is not None and prod.log_metrics is not None  # the override: plaintext, read
    assert prod.subnetworks is not None and prod.scc_services is not None  # REST: read


def test_rest_clients_take_the_base_url_or_their_services_override():
    from google.auth.credentials import AnonymousCredentials

    from auditor.providers.gcp.clients import GcpClients

    endpoints = GcpEndpoints(
        rest="https://www-psc.p.googleapis.com", services=(("dns", "https://dns-psc.p.googleapis.com"),)
    )
    clients = GcpClients(GcpScanOptions(endpoints=endpoints, anonymous=True), AnonymousCredentials())
    assert clients.compute("networks").transport._host == "https://www-psc.p.googleapis.com"
    assert clients.discovery("dns")._baseUrl == "https://dns-psc.p.googleapis.com/"
    assert clients.discovery("storage")._baseUrl == "https://www-psc.p.googleapis.com/storage/v1/"
