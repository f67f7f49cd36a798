"""What the GCP emulators serve: resources as the APIs return them (REST JSON, camelCase).

The seeder (``auditor.emulators.gcp_seed``) fills it from an estate; the REST emulator serves the Compute,
DNS, Resource Manager, Service Usage, Cloud Storage, Network Management and SCC management parts as JSON,
shaped as their discovery documents (or, for SCC management, its proto) define them. The Security Command
Center v2, Logging and Monitoring parts are the proto3 JSON form of their messages (``LogSink``,
``AlertPolicy``, ``Source``, ``ListFindingsResult``): the gRPC emulator parses them strictly
(``json_format.ParseDict``, unknown fields refused) into the installed client's message classes.
tests/contracts/gcp/ holds every served shape to those specifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


@dataclass
class GcpProjectState:
    project_id: str
    number: str
    display_name: str = ""
    parent: str = ""
    state: str = "ACTIVE"
    networks: list[Json] = field(default_factory=list)
    subnetworks: dict[str, list[Json]] = field(default_factory=dict, metadata={"doc": "by region"})
    firewalls: list[Json] = field(default_factory=list)
    backend_services: dict[str, list[Json]] = field(default_factory=dict, metadata={"doc": "by scope"})
    security_policies: dict[str, list[Json]] = field(default_factory=dict, metadata={"doc": "by scope"})
    dns_policies: list[Json] = field(default_factory=list)
    managed_zones: list[Json] = field(default_factory=list)
    iam_policy: Json = field(default_factory=dict)
    log_sinks: list[Json] = field(default_factory=list, metadata={"doc": "google.logging.v2.LogSink JSON"})
    log_metrics: list[Json] = field(default_factory=list)
    services: list[Json] = field(default_factory=list, metadata={"doc": "Service Usage: enabled APIs"})
    alert_policies: list[Json] = field(default_factory=list, metadata={"doc": "AlertPolicy JSON"})
    vpc_flow_logs_configs: list[Json] = field(default_factory=list, metadata={"doc": "networkmanagement v1"})
    regions: list[str] = field(default_factory=list, metadata={"doc": "every region the project can use"})


@dataclass
class GcpFolderState:
    folder_id: str
    display_name: str = ""
    parent: str = ""
    """organizations/ID or folders/ID."""
    state: str = "ACTIVE"
    log_sinks: list[Json] = field(default_factory=list, metadata={"doc": "google.logging.v2.LogSink JSON"})


@dataclass
class GcpOrganizationState:
    organization_id: str
    services: list[Json] = field(default_factory=list, metadata={"doc": "SecurityCenterService JSON"})
    sources: list[Json] = field(default_factory=list, metadata={"doc": "securitycenter.v2.Source JSON"})
    findings: list[Json] = field(
        default_factory=list, metadata={"doc": "securitycenter.v2 ListFindingsResult JSON"}
    )
    log_sinks: list[Json] = field(default_factory=list, metadata={"doc": "google.logging.v2.LogSink JSON"})
    vpc_flow_logs_configs: list[Json] = field(default_factory=list, metadata={"doc": "networkmanagement v1"})


@dataclass
class GcpEmulatorState:
    projects: dict[str, GcpProjectState] = field(default_factory=dict)
    buckets: dict[str, Json] = field(default_factory=dict, metadata={"doc": "Cloud Storage buckets by name"})
    organization: GcpOrganizationState | None = None
    folders: dict[str, GcpFolderState] = field(default_factory=dict, metadata={"doc": "by folder id"})

    def project(self, project_id: str) -> GcpProjectState | None:
        return self.projects.get(project_id)
