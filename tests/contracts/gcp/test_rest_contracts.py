"""Every REST answer the GCP emulator serves to the collector, held to the published specification.

The collector scans the emulators seeded from the bundled demo estates and from ``CONTRACT_ESTATE`` (every
feature an estate can describe), in every scope (named projects, an organization, a folder, all visible
projects) with two items a page, so every operation and every page it calls is served. Each REST request
the emulator received is then matched to its discovery method by HTTP method and path template (a request
no vendored method describes fails), fetched again and its body validated strictly against the method's
response schema (``discovery_schema``): a field the discovery document does not declare, a wrong type, an
enum value it does not list, an int64 sent as a number all fail. SCC management has no discovery document
in google-api-python-client: its answers are parsed strictly into the installed gapic client's proto
message (the REST transport's own JSON mapping), unknown fields refused.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from google.cloud import securitycentermanagement_v1
from google.protobuf import json_format

from auditor.emulators.estate import bundled_estate, load_estate, parse_estate
from auditor.emulators.gcp_emulator import GcpEmulator
from auditor.providers.gcp import GcpScanOptions, collect_gcp
from tests.contracts.gcp.specs import method_for, methods

CONTRACT_ESTATE = """
gcp:
  organization:
    id: "555000111"
    scc:
      services: {security-health-analytics: ENABLED, web-security-scanner: INHERITED}
      findings:
        - {category: OPEN_FIREWALL, severity: HIGH, project: contract-prod, count: 3}
        - {category: "Malware: Bad Domain", severity: CRITICAL, project: contract-dev, state: INACTIVE}
    log_sinks: [{name: org, destination: "storage.googleapis.com/org-b", include_children: true}]
  folders:
    - {id: "61", name: apps}
    - {id: "62", name: eu, parent: "61", log_sinks: [{name: eu, destination: "storage.googleapis.com/eu"}]}
    - {id: "63", name: gone, state: DELETE_REQUESTED}
  projects:
    - id: contract-prod
      folder: "62"
      networks:
        - name: prod
          dns_logging: true
          subnets:
            - {name: a, region: europe-west1, cidr: 10.0.0.0/24, flow_logs: true, flow_sampling: 1}
            - {name: b, region: europe-west1, cidr: 10.0.1.0/24, legacy_flow_logs: true}
            - {name: c, region: us-east4, cidr: 10.0.2.0/24, purpose: REGIONAL_MANAGED_PROXY}
            - {name: d, region: us-east4, cidr: 10.0.3.0/24, purpose: PRIVATE_SERVICE_CONNECT}
            - {name: e, region: us-east4, cidr: 10.0.4.0/24, purpose: GLOBAL_MANAGED_PROXY}
        - {name: auto, mode: auto}
        - {name: old, mode: legacy}
      flow_logs_configs:
        - {name: net, target: network, network: prod}
        - {name: sub, target: subnet, subnet: a, region: europe-west1, state: DISABLED}
        - {name: vpn, target: vpn_tunnel, vpn_tunnel: t1, region: us-east4, state: ENABLED}
        - {name: ic, target: interconnect_attachment, interconnect_attachment: ic1, region: us-east4}
      firewalls:
        - {name: ssh, network: prod, allow: ["tcp:22", "udp", "icmp"], logging: true}
        - {name: out, network: auto, direction: EGRESS, allow: ["all"], disabled: true, priority: 10}
      managed_zones:
        - {name: pub, dns_name: contract.example.com., dnssec: true, key_signing_algorithm: ecdsap256sha256}
        - {name: priv, dns_name: internal.example., visibility: private}
      security_policies: [{name: armor, log_level: VERBOSE}, {name: plain}]
      backend_services:
        - {name: web, logging: true, sample_rate: 0.5, security_policy: armor}
        - {name: api, region: europe-west1, protocol: HTTP2, load_balancing_scheme: INTERNAL_MANAGED}
        - {name: tcp, protocol: TCP, load_balancing_scheme: EXTERNAL}
      log_sinks:
        - {name: all, destination: "storage.googleapis.com/locked"}
        - name: filtered
          destination: "storage.googleapis.com/plain"
          filter: "severity>=ERROR"
          disabled: true
          exclusions: [{name: x, filter: 'logName:"cloudaudit.googleapis.com"', disabled: true}]
      buckets:
        - {name: locked, retention_days: 400, locked: true}
        - {name: open, retention_days: 7}
        - {name: plain}
      apis: [compute.googleapis.com, cloudasset.googleapis.com]
      log_metrics: [{name: m1, filter: 'resource.type="gce_route"'}, {name: m2, filter: x}]
      alert_policies:
        - {name: t, metric: m1}
        - {name: ab, metric: m1, condition: absent, enabled: false}
        - {name: q, metric: m2, condition: mql}
        - {name: p, metric: m2, condition: promql}
        - {name: l, condition: matched_log, filter: 'resource.type="gce_route"'}
      audit_logs:
        - {log_types: [ADMIN_READ, DATA_READ, DATA_WRITE], exempted: ["user:x@example.com"]}
        - {service: storage.googleapis.com, log_types: [DATA_READ]}
    - {id: contract-dev, folder: "61"}
    - {id: contract-root}
    - {id: contract-gone, state: DELETE_REQUESTED}
"""
SCC_MANAGEMENT = "securitycentermanagement.securityCenterServices.list"


@dataclass(frozen=True)
class Served:
    """One REST answer the collector was given: the request and the body as the emulator sent it."""

    method: str
    path: str
    """With its query string."""
    operation: str
    body: object


def _fetch(endpoint: str, method: str, path: str) -> object:
    request = urllib.request.Request(endpoint + path, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def _served(estate: str) -> list[Served]:
    spec = load_estate(bundled_estate(estate)).gcp if estate.startswith("demo") else parse_estate(estate).gcp
    assert spec is not None and spec.organization is not None
    with GcpEmulator.from_estate(spec, page_size=2) as gcp:
        scopes = [
            {"organization": spec.organization.id},
            {"projects": tuple(p.id for p in spec.projects if p.state == "ACTIVE")},
            {"folder": spec.folders[0].id} if spec.folders else {},
            {},
        ]
        for scope in scopes:
            options = GcpScanOptions(
                endpoints=gcp.endpoints(), anonymous=True, retry_initial=0.01, num_retries=1, **scope
            )
            for inventory in collect_gcp(options):
                assert inventory.errors == [], inventory.errors  # a refused shape would show up here
        received = {(r.method, r.path, r.operation) for r in gcp.faults.requests() if r.protocol == "rest"}
        return [Served(m, p, o, _fetch(gcp.rest_endpoint, m, p)) for m, p, o in sorted(received)]


@pytest.fixture(
    scope="module",
    params=["demo", "demo-remediated", CONTRACT_ESTATE],
    ids=["demo", "remediated", "contract"],
)
def served(request: pytest.FixtureRequest) -> Iterator[list[Served]]:
    yield _served(request.param)


def test_every_rest_answer_is_a_documented_response_of_its_method(served):
    problems = []
    for answer in served:
        path = answer.path.split("?", 1)[0]
        if answer.operation == SCC_MANAGEMENT:
            continue  # no discovery document: the next test holds it to its proto
        method = method_for(answer.method, path)
        if method is None:
            problems.append(f"{answer.method} {path}: no vendored discovery method describes this request")
            continue
        problems += [f"{method.id} {answer.path}: {p}" for p in method.check(answer.body)]
    assert not problems, "\n".join(problems)


def test_scc_management_answers_parse_strictly_into_the_gapic_proto(served):
    answers = [a for a in served if a.operation == SCC_MANAGEMENT]
    assert answers
    message = securitycentermanagement_v1.ListSecurityCenterServicesResponse.pb()
    for answer in answers:
        json_format.ParseDict(answer.body, message(), ignore_unknown_fields=False)  # raises on drift


def test_every_vendored_rest_method_is_called_and_nothing_else(served):
    """The fragments hold exactly what the collector calls: no method vendored for nothing, no call
    outside them (the gRPC-served APIs' REST methods are checked in test_grpc_contracts)."""
    called = {m.id for a in served if (m := method_for(a.method, a.path.split("?", 1)[0])) is not None}
    rest = {m.id for m in methods() if m.api not in ("logging.v2", "monitoring.v3")}
    assert called == rest
    assert all(a.operation == SCC_MANAGEMENT or method_for(a.method, a.path.split("?", 1)[0]) for a in served)


def test_the_answers_page(served):
    """Two items a page: the lists that hold more were read page by page, every page validated."""
    assert any("pageToken=" in a.path for a in served)
