"""Seed the GCP emulators from an estate's ``gcp:`` part: ``gcp_state(spec)`` gives what they serve.

Resources are written as the APIs return them (Compute, DNS, Network Management JSON as their discovery
documents define it, IAM policies with auditConfigs, SCC management services, and the proto3 JSON of the
SCC v2 / Logging / Monitoring messages the gRPC emulator parses strictly).
Features the estate leaves off are absent, as on GCP: a subnet without flow logs has no ``logConfig``
unless it was switched off explicitly, a backend service without logging has no ``logConfig``.
"""

from __future__ import annotations

from auditor.emulators.estate_gcp import (
    SCC_SERVICES,
    AlertPolicyEstate,
    GcpEstate,
    GcpProjectEstate,
    LogSinkEstate,
    OrganizationFlowLogsConfigEstate,
)
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
LOGGING_AGENT = "gcp-sa-logging.iam.gserviceaccount.com"
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
            log_sinks=[_sink(sink, f"folders/{folder.id}") for sink in folder.log_sinks],
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


def _sink(spec: LogSinkEstate, parent: str) -> Json:
    """A google.logging.v2.LogSink in proto3 JSON (defaults omitted, as the API's JSON does)."""
    sink: Json = {
        "name": spec.name,
        "destination": spec.destination,
        "writerIdentity": f"serviceAccount:service-{parent.split('/')[-1]}@{LOGGING_AGENT}",
    }
    if spec.filter:
        sink["filter"] = spec.filter
    if spec.disabled:
        sink["disabled"] = True
    if spec.include_children:
        sink["includeChildren"] = True
    if spec.exclusions:
        sink["exclusions"] = [
            {"name": e.name, "filter": e.filter, **({"disabled": True} if e.disabled else {})}
            for e in spec.exclusions
        ]
    return sink


def _organization_flow_logs_config(organization: str, config: OrganizationFlowLogsConfigEstate) -> Json:
    """An organization's configuration as the API lists it: no target (every VPC network of the
    organization), cross-project metadata included."""
    body: Json = {
        "name": f"{organization}/locations/global/vpcFlowLogsConfigs/{config.name}",
        "aggregationInterval": "INTERVAL_5_SEC",
        "flowSampling": 0.5,
        "metadata": "INCLUDE_ALL_METADATA",
        "crossProjectMetadata": "CROSS_PROJECT_METADATA_ENABLED",
        "createTime": "2026-11-01T09:00:00.000000Z",
        "updateTime": "2026-11-01T09:00:00.000000Z",
    }
    if config.state is not None:
        body["state"] = config.state
    return body


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
        {"name": f"{name}/sources/{1000 + i}", "displayName": display, "canonicalName": ""}
        for i, display in enumerate(SOURCE_DISPLAY_NAMES)
    ]
    for source in sources:
        source["canonicalName"] = source["name"]
    numbers = {p.id: spec.project_number(i) for i, p in enumerate(spec.projects)}
    parents = {p.id: (f"folders/{p.folder}" if p.folder else name) for p in spec.projects}
    findings: list[Json] = []
    source = f"{sources[0]['name']}/locations/global"
    for i, finding in enumerate(org.scc.findings):
        project = f"{RESOURCE_MANAGER}/projects/{numbers[finding.project]}"
        for n in range(finding.count):
            findings.append(
                {
                    "finding": {
                        "name": f"{source}/findings/f{i:03d}{n:03d}",
                        "canonicalName": f"projects/{numbers[finding.project]}/sources/1000/locations/global"
                        f"/findings/f{i:03d}{n:03d}",
                        "parent": source,
                        "resourceName": project,
                        "state": finding.state,
                        "category": finding.category,
                        "severity": finding.severity,
                        "findingClass": "THREAT" if ":" in finding.category else "MISCONFIGURATION",
                        "eventTime": "2026-11-30T08:00:00Z",
                        "createTime": "2026-11-30T08:00:05Z",
                    },
                    "resource": {
                        "name": project,
                        "displayName": finding.project,
                        "type": "google.cloud.resourcemanager.Project",
                        "cloudProvider": "GOOGLE_CLOUD_PLATFORM",
                        "service": "cloudresourcemanager",
                        "gcpMetadata": {
                            "project": project,
                            "projectDisplayName": finding.project,
                            "parent": f"{RESOURCE_MANAGER}/{parents[finding.project]}",
                            "organization": name,
                        },
                    },
                }
            )
    return GcpOrganizationState(
        organization_id=org.id,
        services=services,
        sources=sources,
        findings=findings,
        log_sinks=[_sink(sink, name) for sink in org.log_sinks],
        vpc_flow_logs_configs=[
            _organization_flow_logs_config(name, config) for config in org.flow_logs_configs
        ],
    )


def _alert_policy(project: str, index: int, spec: AlertPolicyEstate) -> Json:
    """A google.monitoring.v3.AlertPolicy in proto3 JSON, with one condition of the estate's kind."""
    metric = f"logging.googleapis.com/user/{spec.metric}"
    condition: Json = {"displayName": spec.name}
    if spec.condition == "threshold":
        condition["conditionThreshold"] = {
            "filter": f'metric.type="{metric}" resource.type="global"',
            "comparison": "COMPARISON_GT",
            "thresholdValue": 0,
            "duration": "0s",
        }
    elif spec.condition == "absent":
        condition["conditionAbsent"] = {"filter": f'metric.type="{metric}"', "duration": "3600s"}
    elif spec.condition == "mql":
        condition["conditionMonitoringQueryLanguage"] = {
            "query": f"fetch global | metric '{metric}' | align rate(1m) | every 1m | condition val() > 0",
            "duration": "0s",
        }
    elif spec.condition == "promql":
        promql = "logging_googleapis_com:user_" + "".join(
            c if c.isalnum() or c == "_" else "_" for c in str(spec.metric)
        )
        condition["conditionPrometheusQueryLanguage"] = {
            "query": f"sum(rate({promql}[5m])) > 0",
            "duration": "0s",
            "evaluationInterval": "60s",
        }
    else:
        condition["conditionMatchedLog"] = {"filter": str(spec.filter)}
    policy: Json = {
        "name": f"projects/{project}/alertPolicies/{1000 + index}",
        "displayName": spec.name,
        "combiner": "OR",
        "conditions": [condition],
        "enabled": spec.enabled,
    }
    if spec.condition == "matched_log":
        policy["alertStrategy"] = {"notificationRateLimit": {"period": "300s"}}
    return policy


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
            if subnet.legacy_flow_logs:
                item["enableFlowLogs"] = True
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
    state.log_sinks = [_sink(s, f"projects/{project}") for s in spec.log_sinks]
    state.log_metrics = [
        {
            "name": m.name,
            "filter": m.filter,
            "metricDescriptor": {"metricKind": "DELTA", "valueType": "INT64"},
        }
        for m in spec.log_metrics
    ]
    state.services = [
        {"name": f"projects/{number}/services/{api}", "config": {"name": api}, "state": "ENABLED"}
        for api in spec.apis
    ]
    state.alert_policies = [_alert_policy(project, i, a) for i, a in enumerate(spec.alert_policies)]
    state.vpc_flow_logs_configs = []
    for config in spec.flow_logs_configs:
        body = {
            "name": f"projects/{project}/locations/global/vpcFlowLogsConfigs/{config.name}",
            "aggregationInterval": "INTERVAL_5_SEC",
            "flowSampling": 0.5,
            "metadata": "INCLUDE_ALL_METADATA",
            "targetResourceState": "TARGET_RESOURCE_EXISTS",
            "createTime": "2026-11-01T09:00:00.000000Z",
            "updateTime": "2026-11-01T09:00:00.000000Z",
        }
        if config.state is not None:
            body["state"] = config.state
        if config.target == "network":
            body["network"] = f"projects/{project}/global/networks/{config.network}"
        else:
            collection = {
                "subnet": "subnetworks",
                "interconnect_attachment": "interconnectAttachments",
                "vpn_tunnel": "vpnTunnels",
            }[config.target]
            field = {"subnet": "subnet", "interconnect_attachment": "interconnectAttachment"}.get(
                config.target, "vpnTunnel"
            )
            body[field] = (
                f"projects/{project}/regions/{config.region}/{collection}/{getattr(config, config.target)}"
            )
        state.vpc_flow_logs_configs.append(body)
    return state
