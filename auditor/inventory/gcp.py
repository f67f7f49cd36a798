"""The typed GCP inventory: what the collector saw in one project, and what it could not see.

Same contract as ``AwsInventory``: every dataset is ``list[...] | None`` (or ``Model | None``); ``None``
means the read failed and a ``CollectionError`` for that (region, dataset) is in ``errors``. Project-wide
and organization-level datasets use the region ``GLOBAL``; an aggregated list (subnetworks) whose scope for
one region was unreachable records its error under that region.

The organization-level Security Command Center data (enabled services, sources, the active findings
summarised by severity and category) sits on every project of that organization, in the ``scc_*``
fields; ``organization_id`` says which organization it belongs to ("" for a project outside an
organization, where those fields stay ``None`` with no error: there is nothing to read). The log sinks of
the project's ancestors (its folders and its organization) sit in ``ancestor_sinks``, by ancestor.

Snapshots written before the v2 SCC move carry ``scc_settings`` (v1 asset discovery, retired by Google in
2024) and alert policies' ``condition_filters``: they still load (the first is dropped, the second read
as conditions).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from auditor.inventory.common import InventoryBase
from auditor.model import CollectionError

GLOBAL = "global"

# Subnetwork purposes that carry no VM traffic of their own and cannot have VPC flow logs.
FLOW_LOGLESS_PURPOSES = frozenset(
    {
        "REGIONAL_MANAGED_PROXY",
        "GLOBAL_MANAGED_PROXY",
        "INTERNAL_HTTPS_LOAD_BALANCER",
        "PRIVATE_SERVICE_CONNECT",
        "PRIVATE_NAT",
        "PEER_MIGRATION",
    }
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Compute: VPC networks, subnetworks, firewalls ---------------------------------------------


class Network(_Model):
    name: str
    self_link: str = ""
    auto_create_subnetworks: bool | None = Field(
        default=None, description="None for a legacy network (no subnet mode)."
    )
    legacy: bool = Field(default=False, description="A legacy network (it has an IPv4Range, no subnets).")


class Subnetwork(_Model):
    name: str
    region: str
    network: str = Field(description="The network's name.")
    ip_cidr_range: str = ""
    purpose: str = Field(default="PRIVATE", description="PRIVATE, REGIONAL_MANAGED_PROXY, ...")
    flow_logs_enabled: bool = Field(description="logConfig.enable (false when logConfig is absent).")
    flow_logs_configured: bool = Field(default=False, description="The subnet carries a logConfig at all.")
    legacy_flow_logs_enabled: bool = Field(
        default=False, description="The legacy ``enableFlowLogs`` field of the subnetwork is true."
    )
    aggregation_interval: str = ""
    flow_sampling: float | None = None
    metadata: str = ""

    @property
    def can_have_flow_logs(self) -> bool:
        return self.purpose not in FLOW_LOGLESS_PURPOSES


FlowLogsTarget = Literal[
    "network", "subnet", "interconnect_attachment", "vpn_tunnel", "project", "organization"
]


class VpcFlowLogsConfig(_Model):
    """A Network Management API VPC Flow Logs configuration (``projects/P/locations/global``, or
    ``organizations/O/locations/global``: an organization's configuration logs every VPC network in it)."""

    name: str
    state: str = Field(default="ENABLED", description="ENABLED or DISABLED (absent means ENABLED).")
    target_kind: FlowLogsTarget = Field(
        description="What it logs: a network, subnet, ..., the project, or the organization (its own)."
    )
    target: str = Field(
        default="",
        description="The target's relative name, projects/P/regions/R/subnetworks/S ('': the project).",
    )
    aggregation_interval: str = ""
    flow_sampling: float | None = None
    metadata: str = ""

    @property
    def enabled(self) -> bool:
        return self.state == "ENABLED"

    @property
    def target_name(self) -> str:
        """The target's last path segment (the subnet's or network's name)."""
        return self.target.rstrip("/").rsplit("/", 1)[-1] if self.target else ""


class FirewallAllowed(_Model):
    protocol: str = Field(description="'tcp', 'udp', 'icmp', 'all' or a number.")
    ports: list[str] = Field(default_factory=list, description="Empty: every port.")


class Firewall(_Model):
    name: str
    network: str = Field(description="The network's name.")
    direction: Literal["INGRESS", "EGRESS"] | str = "INGRESS"
    disabled: bool = False
    priority: int = 1000
    source_ranges: list[str] = Field(default_factory=list)
    allowed: list[FirewallAllowed] = Field(default_factory=list)
    log_enabled: bool = False


# --- Compute: load balancing and Cloud Armor ---------------------------------------------------


class BackendService(_Model):
    name: str
    region: str = Field(default=GLOBAL, description="'global' or the region of a regional backend service.")
    load_balancing_scheme: str = ""
    protocol: str = ""
    logging_enabled: bool = Field(description="logConfig.enable (false when logConfig is absent).")
    logging_sample_rate: float | None = None
    security_policy: str = Field(default="", description="The attached Cloud Armor policy's name, if any.")
    edge_security_policy: str = ""

    @property
    def is_http(self) -> bool:
        """Served by an HTTP(S) load balancer (the kind CIS 2.17 and Cloud Armor are about)."""
        return self.protocol in ("HTTP", "HTTPS", "HTTP2")


class SecurityPolicy(_Model):
    name: str
    region: str = GLOBAL
    type: str = Field(default="CLOUD_ARMOR", description="CLOUD_ARMOR, CLOUD_ARMOR_EDGE, ...")
    log_level: str = Field(default="NORMAL", description="advancedOptionsConfig.logLevel: NORMAL or VERBOSE.")
    rule_count: int = 0


# --- Cloud DNS ---------------------------------------------------------------------------------


class DnsPolicy(_Model):
    name: str
    enable_logging: bool = False
    networks: list[str] = Field(default_factory=list, description="The names of the networks it applies to.")


class DnsKeySpec(_Model):
    key_type: str = Field(description="keySigning or zoneSigning.")
    algorithm: str = ""


class ManagedZone(_Model):
    name: str
    dns_name: str = ""
    visibility: str = "public"
    dnssec_state: str = Field(default="off", description="dnssecConfig.state: on, off or transfer.")
    dnssec_keys: list[DnsKeySpec] = Field(default_factory=list)


# --- Cloud Logging, Cloud Monitoring, audit configs --------------------------------------------


class LogExclusion(_Model):
    name: str
    filter: str = ""
    disabled: bool = False


class LogSink(_Model):
    name: str
    destination: str
    filter: str = ""
    disabled: bool = False
    include_children: bool = Field(
        default=False,
        description="An aggregated sink (organization or folder): it also exports the logs of every "
        "project (and folder) under it.",
    )
    exclusions: list[LogExclusion] = Field(default_factory=list)


class SinkBucket(_Model):
    """A Cloud Storage bucket a log sink exports to: its retention policy and Bucket Lock."""

    name: str
    retention_period_seconds: int | None = Field(default=None, description="None: no retention policy.")
    retention_locked: bool = False


class LogMetric(_Model):
    name: str
    filter: str = ""


AlertConditionKind = Literal["threshold", "absent", "matched_log", "mql", "promql"]


class AlertCondition(_Model):
    kind: AlertConditionKind = Field(
        description="threshold / absent (a metric filter), matched_log (a log filter), mql (Monitoring "
        "Query Language), promql (PromQL)."
    )
    text: str = Field(description="The condition's filter or query.")


class AlertPolicy(_Model):
    name: str
    display_name: str = ""
    enabled: bool = True
    conditions: list[AlertCondition] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _older_snapshot(cls, data: Any) -> Any:
        """A snapshot from before the typed conditions: its ``condition_filters`` (filters and queries
        together) are read as metric-filter conditions."""
        if isinstance(data, dict) and "condition_filters" in data:
            data = dict(data)
            texts = data.pop("condition_filters") or []
            data.setdefault("conditions", [{"kind": "threshold", "text": t} for t in texts])
        return data


class AuditLogConfig(_Model):
    log_type: Literal["ADMIN_READ", "DATA_WRITE", "DATA_READ"] | str
    exempted_members: list[str] = Field(default_factory=list)


class AuditConfig(_Model):
    service: str = Field(description="'allServices' or one service, e.g. 'storage.googleapis.com'.")
    log_configs: list[AuditLogConfig] = Field(default_factory=list)


# --- Security Command Center (organization level) ----------------------------------------------


class SccService(_Model):
    name: str = Field(description="The service id, e.g. 'security-health-analytics'.")
    effective_state: str = Field(description="ENABLED, DISABLED or INHERITED (from the parent).")
    intended_state: str = ""

    @property
    def enabled(self) -> bool:
        return self.effective_state == "ENABLED"


class SccSource(_Model):
    name: str
    display_name: str = ""


class SccFindingCount(_Model):
    """How many active findings of one severity and category are about this project."""

    severity: str = Field(description="CRITICAL, HIGH, MEDIUM, LOW or SEVERITY_UNSPECIFIED.")
    category: str
    count: int


class GcpInventory(InventoryBase):
    """One GCP project as collected: typed, JSON-serialisable, replayable."""

    provider: Literal["gcp"] = "gcp"
    project_id: str
    project_number: str = ""
    organization_id: str = ""
    display_name: str = ""
    collected_at: datetime
    regions: list[str] = Field(default_factory=list, description="Regions that hold collected resources.")
    networks: list[Network] | None = None
    subnetworks: list[Subnetwork] | None = None
    vpc_flow_logs_configs: list[VpcFlowLogsConfig] | None = Field(
        default=None, description="Network Management API VPC Flow Logs configurations of the project."
    )
    organization_vpc_flow_logs_configs: list[VpcFlowLogsConfig] | None = Field(
        default_factory=list,
        description="The VPC Flow Logs configurations of the project's organization (every VPC network of "
        "the organization); [] for a project outside an organization, None when they could not be read.",
    )
    firewalls: list[Firewall] | None = None
    backend_services: list[BackendService] | None = None
    security_policies: list[SecurityPolicy] | None = None
    dns_policies: list[DnsPolicy] | None = None
    managed_zones: list[ManagedZone] | None = None
    log_sinks: list[LogSink] | None = None
    ancestors: list[str] | None = Field(
        default_factory=list,
        description="The project's folders and organization, nearest first ('folders/F', 'organizations/O'); "
        "None: they could not be read (the error names the folder).",
    )
    ancestor_sinks: dict[str, list[LogSink] | None] | None = Field(
        default_factory=dict,
        description="The log sinks of each ancestor, by ancestor; None for one ancestor = its sinks could "
        "not be read (its error names it).",
    )
    sink_buckets: dict[str, SinkBucket | None] | None = Field(
        default=None,
        description="The Cloud Storage buckets the sinks export to, by name; None for a bucket = could not "
        "read it (its error names it); None for all = the sinks could not be read.",
    )
    log_metrics: list[LogMetric] | None = None
    alert_policies: list[AlertPolicy] | None = None
    audit_configs: list[AuditConfig] | None = None
    enabled_apis: list[str] | None = Field(
        default=None,
        description="The project's enabled APIs (Service Usage), e.g. 'cloudasset.googleapis.com'.",
    )
    scc_services: list[SccService] | None = None
    scc_sources: list[SccSource] | None = None
    scc_active_findings: list[SccFindingCount] | None = None

    @model_validator(mode="before")
    @classmethod
    def _older_snapshot(cls, data: Any) -> Any:
        """Snapshots from before the v2 SCC move carry ``scc_settings`` (v1 asset discovery): dropped."""
        if isinstance(data, dict) and "scc_settings" in data:
            data = {key: value for key, value in data.items() if key != "scc_settings"}
        return data

    @property
    def account(self) -> str:
        return self.project_id

    @property
    def account_name(self) -> str:
        return self.display_name

    def scope_regions(self) -> list[str]:
        return sorted(self.regions)

    def regional_errors(self, dataset: str) -> dict[str, list[CollectionError]]:
        """Errors of ``dataset`` recorded under a region (an unreachable scope of an aggregated list)."""
        found: dict[str, list[CollectionError]] = {}
        for error in self.errors:
            if error.dataset == dataset and error.region != GLOBAL:
                found.setdefault(error.region, []).append(error)
        return found

    def summary(self) -> dict[str, int]:
        """Resources collected per dataset (a dataset that could not be read is absent)."""
        counts: dict[str, int] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name not in ("regions", "errors", "api_calls") and isinstance(value, list | dict):
                counts[name] = len(value)
        return dict(sorted(counts.items()))
