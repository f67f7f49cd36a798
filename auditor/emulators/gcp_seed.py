"""Seed the GCP emulators from an estate's ``gcp:`` part: ``gcp_state(spec)`` gives what they serve.

Resources are written as the APIs return them (Compute and DNS JSON, IAM policies with auditConfigs, SCC
management services, and the SCC / Logging / Monitoring records the gRPC emulator turns into messages).
Features the estate leaves off are absent, as on GCP: a subnet without flow logs has no ``logConfig``
unless it was switched off explicitly, a backend service without logging has no ``logConfig``.
"""

from __future__ import annotations

from auditor.emulators.estate_gcp import SCC_SERVICES, GcpEstate, GcpProjectEstate
from auditor.emulators.gcp_state import (
    GcpEmulatorState,
    GcpFolderState,
    GcpOrganizationState,
    GcpProjectState,
    Json,
)

COMPUTE = "https://www.googleapis.com/compute/v1"
BASE_REGIONS = ("us-central1", "europe-west1", "asia-east1")
RESOURCE_MANAGER = "//cloudresourcemanager.googleapis.com"
SOURCE_DISPLAY_NAMES = ("Security Health Analytics", "Event Threat Detection")


def gcp_state(spec: GcpEstate) -> GcpEmulatorState:
    """Everything the emulators serve for this estate."""
    organization = spec.organization
    state = GcpEmulatorState()
    if organization is not None:
        state.organization = _organization(spec)
    root = f"organizations/{organization.id}" if organization is not None else ""
    for folder in spec.folders:
        state.folders[folder.id] = GcpFolderState(
            folder_id=folder.id,
            display_name=folder.name or folder.id,
            parent=f"folders/{folder.parent}" if folder.parent else root,
            state=folder.state,
        )
    for index, project in enumerate(spec.projects):
        parent = f"folders/{project.folder}" if project.folder else root
        state.projects[project.id] = _project(project, spec.project_number(index), parent)
        state.projects[project.id].state = project.state
        for bucket in project.buckets:
            body: Json = {
                "kind": "storage#bucket",
                "name": bucket.name,
                "projectNumber": spec.project_number(index),
            }
            if bucket.retention_days is not None:
                body["retentionPolicy"] = {
                    "retentionPeriod": str(bucket.retention_days * 86400),
                    "effectiveTime": "2026-01-01T00:00:00Z",
                    **({"isLocked": True} if bucket.locked else {}),
                }
            state.buckets[bucket.name] = body
    return state


def _organization(spec: GcpEstate) -> GcpOrganizationState:
    assert spec.organization is not None
    org = spec.organization
    name = f"organizations/{org.id}"
    services = [
        {
            "name": f"{name}/locations/global/securityCenterServices/{service}",
            "intendedEnablementState": org.scc.services.get(service, "DISABLED"),
            "effectiveEnablementState": org.scc.services.get(service, "DISABLED"),
        }
        for service in SCC_SERVICES
    ]
    sources = [
        {"name": f"{name}/sources/{1000 + i}", "displayName": display}
        for i, display in enumerate(SOURCE_DISPLAY_NAMES)
    ]
    numbers = {p.id: spec.project_number(i) for i, p in enumerate(spec.projects)}
    findings: list[Json] = []
    for i, finding in enumerate(org.scc.findings):
        for n in range(finding.count):
            findings.append(
                {
                    "name": f"{sources[0]['name']}/findings/f{i:03d}{n:03d}",
                    "parent": sources[0]["name"],
                    "category": finding.category,
                    "severity": finding.severity,
                    "state": finding.state,
                    "resourceName": f"{RESOURCE_MANAGER}/projects/{numbers[finding.project]}",
                    "projectDisplayName": finding.project,
                }
            )
    return GcpOrganizationState(
        organization_id=org.id,
        settings={
            "name": f"{name}/organizationSettings",
            "enableAssetDiscovery": org.scc.asset_discovery,
            "inclusionMode": "EXCLUDE" if org.scc.asset_discovery else "",
        },
        services=services,
        sources=sources,
        findings=findings,
    )


def _project(spec: GcpProjectEstate, number: str, parent: str) -> GcpProjectState:
    project = spec.id
    base = f"{COMPUTE}/projects/{project}"
    state = GcpProjectState(
        project_id=project, number=number, display_name=spec.name or project, parent=parent
    )
    used_regions = {s.region for n in spec.networks for s in n.subnets}
    used_regions |= {b.region for b in spec.backend_services if b.region != "global"}
    state.regions = sorted(set(BASE_REGIONS) | used_regions)
    for network in spec.networks:
        link = f"{base}/global/networks/{network.name}"
        body: Json = {"kind": "compute#network", "name": network.name, "selfLink": link}
        if network.mode == "legacy":
            body["IPv4Range"] = "10.240.0.0/16"
        else:
            body["autoCreateSubnetworks"] = network.mode == "auto"
        state.networks.append(body)
        for subnet in network.subnets:
            item: Json = {
                "kind": "compute#subnetwork",
                "name": subnet.name,
                "network": link,
                "region": f"{base}/regions/{subnet.region}",
                "ipCidrRange": subnet.cidr,
                "purpose": subnet.purpose,
                "selfLink": f"{base}/regions/{subnet.region}/subnetworks/{subnet.name}",
            }
            if subnet.flow_logs:
                item["logConfig"] = {
                    "enable": True,
                    "aggregationInterval": "INTERVAL_5_SEC",
                    "flowSampling": subnet.flow_sampling,
                    "metadata": "INCLUDE_ALL_METADATA",
                }
            state.subnetworks.setdefault(subnet.region, []).append(item)
        if network.dns_logging:
            state.dns_policies.append(
                {
                    "kind": "dns#policy",
                    "id": str(len(state.dns_policies) + 1),
                    "name": f"{network.name}-dns-logging",
                    "enableLogging": True,
                    "networks": [{"kind": "dns#policyNetwork", "networkUrl": link}],
                }
            )
    for firewall in spec.firewalls:
        allowed = []
        for rule in firewall.allow:
            protocol, _, ports = rule.partition(":")
            allowed.append({"IPProtocol": protocol, **({"ports": [ports]} if ports else {})})
        state.firewalls.append(
            {
                "kind": "compute#firewall",
                "name": firewall.name,
                "network": f"{base}/global/networks/{firewall.network}",
                "direction": firewall.direction,
                "priority": firewall.priority,
                "sourceRanges": firewall.source_ranges,
                "allowed": allowed,
                "disabled": firewall.disabled,
                "logConfig": {"enable": firewall.logging},
            }
        )
    for zone in spec.managed_zones:
        body = {
            "kind": "dns#managedZone",
            "name": zone.name,
            "dnsName": zone.dns_name,
            "visibility": zone.visibility,
        }
        if zone.dnssec:
            body["dnssecConfig"] = {
                "state": "on",
                "defaultKeySpecs": [
                    {"keyType": "keySigning", "algorithm": zone.key_signing_algorithm, "keyLength": 2048},
                    {"keyType": "zoneSigning", "algorithm": zone.zone_signing_algorithm, "keyLength": 1024},
                ],
            }
        state.managed_zones.append(body)
    for policy in spec.security_policies:
        state.security_policies.setdefault("global", []).append(
            {
                "kind": "compute#securityPolicy",
                "name": policy.name,
                "type": "CLOUD_ARMOR",
                "selfLink": f"{base}/global/securityPolicies/{policy.name}",
                "advancedOptionsConfig": {"logLevel": policy.log_level},
                "rules": [
                    {"priority": 2147483647, "action": "allow", "match": {"versionedExpr": "SRC_IPS_V1"}}
                ],
            }
        )
    for backend in spec.backend_services:
        scope = "global" if backend.region == "global" else f"regions/{backend.region}"
        item = {
            "kind": "compute#backendService",
            "name": backend.name,
            "protocol": backend.protocol,
            "loadBalancingScheme": backend.load_balancing_scheme,
            "selfLink": f"{base}/{scope}/backendServices/{backend.name}",
        }
        if backend.region != "global":
            item["region"] = f"{base}/regions/{backend.region}"
        if backend.logging:
            item["logConfig"] = {"enable": True, "sampleRate": backend.sample_rate}
        if backend.security_policy:
            item["securityPolicy"] = f"{base}/global/securityPolicies/{backend.security_policy}"
        state.backend_services.setdefault(scope, []).append(item)
    state.iam_policy = {
        "version": 3,
        "etag": "BwYdemo=",
        "bindings": [{"role": "roles/owner", "members": [f"user:owner@{project}.example.com"]}],
        "auditConfigs": [
            {
                "service": audit.service,
                "auditLogConfigs": [
                    {"logType": log_type, **({"exemptedMembers": audit.exempted} if audit.exempted else {})}
                    for log_type in audit.log_types
                ],
            }
            for audit in spec.audit_logs
        ],
    }
    state.log_sinks = [
        {"name": s.name, "destination": s.destination, "filter": s.filter, "disabled": s.disabled}
        for s in spec.log_sinks
    ]
    state.log_metrics = [{"name": m.name, "filter": m.filter} for m in spec.log_metrics]
    state.services = [
        {"name": f"projects/{number}/services/{api}", "config": {"name": api}, "state": "ENABLED"}
        for api in spec.apis
    ]
    state.alert_policies = [
        {
            "name": f"projects/{project}/alertPolicies/{1000 + i}",
            "displayName": a.name,
            "enabled": a.enabled,
            "filter": f'metric.type="logging.googleapis.com/user/{a.metric}" resource.type="global"',
        }
        for i, a in enumerate(spec.alert_policies)
    ]
    return state
