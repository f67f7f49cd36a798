"""The ``gcp:`` part of an estate file: one organization (Security Command Center) and its projects.

::

    gcp:
      organization:
        id: "123456789012"
        scc:                         # Security Command Center v2 (sources are always there)
          services: {security-health-analytics: ENABLED, event-threat-detection: DISABLED}
          findings: [{category: OPEN_FIREWALL, severity: HIGH, project: shop-prod, count: 2}]
        log_sinks:                   # organization sinks; include_children: an aggregated sink
          - {name: org-all, destination: "storage.googleapis.com/org-logs", include_children: true}
      folders:                       # a tree under the organization: parent is a folder id, or none
        - {id: "2001", name: production}
        - id: "2002"
          name: eu
          parent: "2001"
          log_sinks:                 # exclusions: [{name, filter, disabled}]
            - name: eu-all
              destination: "bigquery.googleapis.com/projects/x/datasets/eu"
              include_children: true
              exclusions: [{name: no-audit, filter: 'logName:"cloudaudit.googleapis.com"'}]
      projects:
        - id: shop-prod
          folder: "2002"             # none: directly under the organization
          networks:
            - name: prod-vpc
              dns_logging: true          # a DNS server policy with logging bound to the network
              subnets:
                - {name: web, region: europe-west1, cidr: 10.0.0.0/24, flow_logs: true}
                - {name: old, region: europe-west1, cidr: 10.0.1.0/24, legacy_flow_logs: true}
          flow_logs_configs:         # Network Management API vpcFlowLogsConfigs
            - {name: prod-net, target: network, network: prod-vpc}
            - {name: db, target: subnet, subnet: db, region: europe-west1, state: DISABLED}
          alert_policies:            # condition: threshold (default), absent, mql, promql on the metric;
            - {name: fw, metric: fw-changes, condition: promql}   # matched_log with a log filter
            - {name: iam, condition: matched_log, filter: 'protoPayload.methodName="SetIamPolicy"'}

A field left out leaves the feature off. Errors name the file, the place and the line, like the rest of
the estate (``auditor.emulators.estate``).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["GcpEstate", "GcpFolderEstate", "GcpOrganizationEstate", "GcpProjectEstate"]

_PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
_REGION = re.compile(r"^[a-z]+-[a-z]+[0-9]+$")
_PORTS = re.compile(r"^(tcp|udp|icmp|all|[0-9]+)(:[0-9]+(-[0-9]+)?)?$")

SCC_SERVICES = (
    "security-health-analytics",
    "event-threat-detection",
    "container-threat-detection",
    "virtual-machine-threat-detection",
    "web-security-scanner",
)
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
SUBNET_PURPOSES = (
    "PRIVATE",
    "REGIONAL_MANAGED_PROXY",
    "GLOBAL_MANAGED_PROXY",
    "INTERNAL_HTTPS_LOAD_BALANCER",
    "PRIVATE_SERVICE_CONNECT",
    "PRIVATE_NAT",
)
DNSSEC_ALGORITHMS = ("rsasha1", "rsasha256", "rsasha512", "ecdsap256sha256", "ecdsap384sha384")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(f"{value!r} is not a valid GCP resource name (lowercase letters, digits, '-')")
    return value


class SubnetEstate(_Spec):
    name: str
    region: str
    cidr: str
    purpose: Literal[
        "PRIVATE",
        "REGIONAL_MANAGED_PROXY",
        "GLOBAL_MANAGED_PROXY",
        "INTERNAL_HTTPS_LOAD_BALANCER",
        "PRIVATE_SERVICE_CONNECT",
        "PRIVATE_NAT",
    ] = "PRIVATE"
    flow_logs: bool = False
    legacy_flow_logs: bool = Field(
        default=False, description="The legacy enableFlowLogs field set to true (and no logConfig)."
    )
    flow_sampling: float = Field(default=0.5, ge=0, le=1)

    _check_name = field_validator("name")(_name)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _REGION.match(value):
            raise ValueError(f"{value!r} is not a GCP region such as 'europe-west1'")
        return value

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            return str(ipaddress.IPv4Network(value, strict=True))
        except ValueError as error:
            raise ValueError(f"{value!r} is not an IPv4 CIDR block: {error}") from None


class NetworkEstate(_Spec):
    name: str
    mode: Literal["auto", "custom", "legacy"] = "custom"
    dns_logging: bool = Field(default=False, description="Bind a DNS server policy with logging on.")
    subnets: list[SubnetEstate] = Field(default_factory=list)

    _check_name = field_validator("name")(_name)

    @model_validator(mode="after")
    def _legacy_has_no_subnets(self) -> NetworkEstate:
        if self.mode == "legacy" and self.subnets:
            raise ValueError("a legacy network has no subnets")
        names = [s.name for s in self.subnets]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"subnet names repeated: {', '.join(repeated)}")
        return self


class FirewallEstate(_Spec):
    name: str
    network: str
    direction: Literal["INGRESS", "EGRESS"] = "INGRESS"
    source_ranges: list[str] = Field(default_factory=lambda: ["0.0.0.0/0"])
    allow: list[str] = Field(description="'tcp:22', 'tcp:80-443', 'udp', 'all', ...")
    priority: int = Field(default=1000, ge=0, le=65535)
    disabled: bool = False
    logging: bool = False

    _check_name = field_validator("name")(_name)

    @field_validator("allow")
    @classmethod
    def _allow(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _PORTS.match(value):
                raise ValueError(f"{value!r} is not PROTOCOL[:PORT[-PORT]] (e.g. 'tcp:22')")
        return values


class ManagedZoneEstate(_Spec):
    name: str
    dns_name: str
    visibility: Literal["public", "private"] = "public"
    dnssec: bool = False
    key_signing_algorithm: Literal[
        "rsasha1", "rsasha256", "rsasha512", "ecdsap256sha256", "ecdsap384sha384"
    ] = "rsasha256"
    zone_signing_algorithm: Literal[
        "rsasha1", "rsasha256", "rsasha512", "ecdsap256sha256", "ecdsap384sha384"
    ] = "rsasha256"

    _check_name = field_validator("name")(_name)

    @field_validator("dns_name")
    @classmethod
    def _dns_name(cls, value: str) -> str:
        if not value.endswith("."):
            raise ValueError(f"{value!r} must end with a dot, like 'example.com.'")
        return value


class SecurityPolicyEstate(_Spec):
    name: str
    log_level: Literal["NORMAL", "VERBOSE"] = "NORMAL"

    _check_name = field_validator("name")(_name)


class BackendServiceEstate(_Spec):
    name: str
    region: str = Field(default="global", description="'global' or a region for a regional backend service.")
    protocol: Literal["HTTP", "HTTPS", "HTTP2", "TCP", "SSL", "UDP", "GRPC"] = "HTTPS"
    load_balancing_scheme: str = "EXTERNAL_MANAGED"
    logging: bool = False
    sample_rate: float = Field(default=1.0, ge=0, le=1)
    security_policy: str | None = None

    _check_name = field_validator("name")(_name)


class LogExclusionEstate(_Spec):
    name: str
    filter: str
    disabled: bool = False


class LogSinkEstate(_Spec):
    name: str
    destination: str
    filter: str = ""
    disabled: bool = False
    include_children: bool = False
    exclusions: list[LogExclusionEstate] = Field(default_factory=list)


class FlowLogsConfigEstate(_Spec):
    """A Network Management API VPC Flow Logs configuration of the project."""

    name: str
    target: Literal["network", "subnet", "interconnect_attachment", "vpn_tunnel"]
    network: str | None = None
    subnet: str | None = None
    interconnect_attachment: str | None = None
    vpn_tunnel: str | None = None
    region: str | None = Field(default=None, description="For a subnet, attachment or tunnel target.")
    state: Literal["ENABLED", "DISABLED"] | None = Field(
        default=None, description="None: the field is absent (the API's default, ENABLED)."
    )

    _check_name = field_validator("name")(_name)

    @model_validator(mode="after")
    def _target_named(self) -> FlowLogsConfigEstate:
        if getattr(self, self.target) is None:
            raise ValueError(f"a {self.target} target needs {self.target}: NAME")
        if self.target != "network" and self.region is None:
            raise ValueError(f"a {self.target} target needs its region")
        return self


class BucketEstate(_Spec):
    name: str
    retention_days: int | None = Field(default=None, ge=1, le=36500)
    locked: bool = False

    @model_validator(mode="after")
    def _lock_needs_retention(self) -> BucketEstate:
        if self.locked and self.retention_days is None:
            raise ValueError("a locked bucket needs retention_days (Bucket Lock locks a retention policy)")
        return self


class LogMetricEstate(_Spec):
    name: str
    filter: str


class AlertPolicyEstate(_Spec):
    name: str
    metric: str | None = Field(default=None, description="The log-based metric it alerts on.")
    condition: Literal["threshold", "absent", "mql", "promql", "matched_log"] = Field(
        default="threshold",
        description="How the condition reads the metric: a metric filter (threshold, absent), MQL or "
        "PromQL; matched_log alerts on log entries matching ``filter`` (no metric).",
    )
    filter: str | None = Field(default=None, description="The log filter of a matched_log condition.")
    enabled: bool = True

    @model_validator(mode="after")
    def _condition_complete(self) -> AlertPolicyEstate:
        if self.condition == "matched_log":
            if self.filter is None or self.metric is not None:
                raise ValueError("a matched_log condition takes a filter, not a metric")
        elif self.metric is None or self.filter is not None:
            raise ValueError(f"a {self.condition} condition takes a metric, not a filter")
        return self


class AuditLogEstate(_Spec):
    service: str = "allServices"
    log_types: list[Literal["ADMIN_READ", "DATA_WRITE", "DATA_READ"]]
    exempted: list[str] = Field(default_factory=list)


class GcpProjectEstate(_Spec):
    id: str
    number: str = ""
    name: str = ""
    folder: str | None = Field(default=None, description="The folder it sits in; none: the organization.")
    state: Literal["ACTIVE", "DELETE_REQUESTED"] = "ACTIVE"
    networks: list[NetworkEstate] = Field(default_factory=list)
    firewalls: list[FirewallEstate] = Field(default_factory=list)
    managed_zones: list[ManagedZoneEstate] = Field(default_factory=list)
    security_policies: list[SecurityPolicyEstate] = Field(default_factory=list)
    backend_services: list[BackendServiceEstate] = Field(default_factory=list)
    log_sinks: list[LogSinkEstate] = Field(default_factory=list)
    flow_logs_configs: list[FlowLogsConfigEstate] = Field(default_factory=list)
    buckets: list[BucketEstate] = Field(default_factory=list)
    apis: list[str] = Field(
        default_factory=lambda: ["compute.googleapis.com", "dns.googleapis.com", "logging.googleapis.com"],
        description="The enabled APIs (Service Usage).",
    )
    log_metrics: list[LogMetricEstate] = Field(default_factory=list)
    alert_policies: list[AlertPolicyEstate] = Field(default_factory=list)
    audit_logs: list[AuditLogEstate] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _project_id(cls, value: str) -> str:
        if not _PROJECT_ID.match(value):
            raise ValueError(f"{value!r} is not a GCP project id (6-30 lowercase letters, digits, '-')")
        return value

    @model_validator(mode="after")
    def _references_resolve(self) -> GcpProjectEstate:
        networks = {n.name for n in self.networks}
        problems = [
            f"firewalls[{i}].network: no network {f.network!r} in the project"
            for i, f in enumerate(self.firewalls)
            if f.network not in networks
        ]
        policies = {p.name for p in self.security_policies}
        problems += [
            f"backend_services[{i}].security_policy: no security policy {b.security_policy!r} in the project"
            for i, b in enumerate(self.backend_services)
            if b.security_policy is not None and b.security_policy not in policies
        ]
        metrics = {m.name for m in self.log_metrics}
        problems += [
            f"alert_policies[{i}].metric: no log metric {a.metric!r} in the project"
            for i, a in enumerate(self.alert_policies)
            if a.metric is not None and a.metric not in metrics
        ]
        subnets = {s.name for n in self.networks for s in n.subnets}
        for i, config in enumerate(self.flow_logs_configs):
            if config.network is not None and config.network not in networks:
                problems.append(
                    f"flow_logs_configs[{i}].network: no network {config.network!r} in the project"
                )
            if config.subnet is not None and config.subnet not in subnets:
                problems.append(f"flow_logs_configs[{i}].subnet: no subnet {config.subnet!r} in the project")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class SccFindingEstate(_Spec):
    category: str
    severity: Literal["CRITICAL", "HIGH", "MEDIUM", "LOW"]
    project: str
    count: int = Field(default=1, ge=1, le=500)
    state: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"


class SccEstate(_Spec):
    services: dict[str, Literal["ENABLED", "DISABLED", "INHERITED"]] = Field(default_factory=dict)
    findings: list[SccFindingEstate] = Field(default_factory=list)

    @field_validator("services")
    @classmethod
    def _known_services(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(SCC_SERVICES))
        if unknown:
            raise ValueError(
                f"unknown SCC service(s) {', '.join(unknown)} (known: {', '.join(SCC_SERVICES)})"
            )
        return value


class OrganizationFlowLogsConfigEstate(_Spec):
    """A VPC Flow Logs configuration of the organization (Network Management API,
    ``organizations/O/locations/global``): it logs every VPC network of the organization."""

    name: str
    state: Literal["ENABLED", "DISABLED"] | None = Field(
        default=None, description="None: the field is absent (the API's default, ENABLED)."
    )

    _check_name = field_validator("name")(_name)


class GcpOrganizationEstate(_Spec):
    id: str = Field(pattern=r"^[0-9]{6,20}$")
    scc: SccEstate = Field(default_factory=SccEstate)
    log_sinks: list[LogSinkEstate] = Field(default_factory=list)
    flow_logs_configs: list[OrganizationFlowLogsConfigEstate] = Field(default_factory=list)


class GcpFolderEstate(_Spec):
    id: str = Field(pattern=r"^[0-9]{1,20}$")
    name: str = ""
    parent: str | None = Field(default=None, description="The parent folder's id; none: the organization.")
    state: Literal["ACTIVE", "DELETE_REQUESTED"] = "ACTIVE"
    log_sinks: list[LogSinkEstate] = Field(default_factory=list)


class GcpEstate(_Spec):
    organization: GcpOrganizationEstate | None = None
    folders: list[GcpFolderEstate] = Field(default_factory=list)
    projects: list[GcpProjectEstate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> GcpEstate:
        ids = [p.id for p in self.projects]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"project ids repeated: {', '.join(repeated)}")
        if self.organization is not None:
            unknown = sorted({f.project for f in self.organization.scc.findings} - set(ids))
            if unknown:
                raise ValueError(f"organization.scc.findings name unknown project(s): {', '.join(unknown)}")
        self._folders_form_a_tree()
        return self

    def _folders_form_a_tree(self) -> None:
        if self.folders and self.organization is None:
            raise ValueError("folders need an organization (gcp.organization) to sit in")
        parents = {f.id: f.parent for f in self.folders}
        problems = []
        if len(parents) < len(self.folders):
            ids = [f.id for f in self.folders]
            problems.append(f"folder ids repeated: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
        for i, folder in enumerate(self.folders):
            if folder.parent is not None and folder.parent not in parents:
                problems.append(f"folders[{i}].parent: no folder {folder.parent!r}")
                continue
            seen, current = {folder.id}, folder.parent
            while current is not None and current in parents:
                if current in seen:
                    problems.append(f"folders[{i}].parent: folder {folder.id} is its own ancestor")
                    break
                seen.add(current)
                current = parents[current]
        problems += [
            f"projects[{i}].folder: no folder {p.folder!r}"
            for i, p in enumerate(self.projects)
            if p.folder is not None and p.folder not in parents
        ]
        if problems:
            raise ValueError("; ".join(problems))

    def project_number(self, index: int) -> str:
        """The project's number: the estate's, or a stable one made from its position."""
        return self.projects[index].number or str(100000000000 + index + 1)
