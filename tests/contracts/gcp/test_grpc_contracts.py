"""Every gRPC answer the GCP emulator serves, held to the proto messages of the installed clients.

- The methods: each (path, request message, response message) the emulator registers is exactly what the
  installed gapic transport sends and expects for the method the collector calls (read from the
  transport's own stub: a recording channel captures the path and the serializers it is built with), and
  a scan calls every one of them and no other.
- The messages: the emulator's answers are the proto3 JSON of their messages (``gcp_state``), and every one
  it holds for the bundled estates and the REST contract estate parses strictly into the installed
  message class (``json_format.ParseDict``, unknown fields refused). The same JSON is the REST form of
  the Logging and Monitoring messages: it is validated strictly against logging.v2 / monitoring.v3
  discovery schemas too.
- The emulator refuses to serve a seed its proto does not define (INTERNAL), so a drift cannot hide
  behind a lenient parser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest
from google.cloud import logging_v2, monitoring_v3, securitycenter_v2
from google.cloud.logging_v2.services.config_service_v2.transports import ConfigServiceV2GrpcTransport
from google.cloud.logging_v2.services.metrics_service_v2.transports import MetricsServiceV2GrpcTransport
from google.cloud.monitoring_v3.services.alert_policy_service.transports import (
    AlertPolicyServiceGrpcTransport,
)
from google.cloud.securitycenter_v2.services.security_center.transports import SecurityCenterGrpcTransport
from google.protobuf import json_format

from auditor.emulators.estate import bundled_estate, load_estate, parse_estate
from auditor.emulators.gcp_emulator import GcpEmulator
from auditor.emulators.gcp_grpc import SERVED
from auditor.emulators.gcp_seed import gcp_state
from auditor.emulators.gcp_state import GcpEmulatorState
from auditor.providers.gcp import GcpScanOptions, collect_gcp
from tests.contracts.gcp.discovery_schema import validate
from tests.contracts.gcp.specs import schemas
from tests.contracts.gcp.test_rest_contracts import CONTRACT_ESTATE

CALLED = (  # the transport and the stub property of every gRPC method the collector calls
    (SecurityCenterGrpcTransport, "list_sources"),
    (SecurityCenterGrpcTransport, "list_findings"),
    (ConfigServiceV2GrpcTransport, "list_sinks"),
    (MetricsServiceV2GrpcTransport, "list_log_metrics"),
    (AlertPolicyServiceGrpcTransport, "list_alert_policies"),
)


class _RecordingChannel(grpc.Channel):
    """Records the stubs a transport builds (path, serializer, deserializer); sends nothing."""

    def __init__(self) -> None:
        self.stubs: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {}

    def unary_unary(
        self, method: str, request_serializer: Any = None, response_deserializer: Any = None, **_: Any
    ) -> Any:
        self.stubs[method] = (request_serializer, response_deserializer)
        return None

    unary_stream = stream_unary = stream_stream = unary_unary

    def subscribe(self, callback: Any, try_to_connect: bool = False) -> None:
        return None

    def unsubscribe(self, callback: Any) -> None:
        return None

    def close(self) -> None:
        return None


def _client_stubs() -> set[tuple[str, type, type]]:
    found = set()
    for transport_class, stub in CALLED:
        channel = _RecordingChannel()
        transport = transport_class(channel=channel)
        transport._logged_channel = channel  # the stub property builds on this channel
        transport._stubs.clear()
        getattr(transport, stub)
        [(path, (serialize, deserialize))] = channel.stubs.items()
        found.add((path, serialize.__self__, deserialize.__self__))
    return found


def test_the_emulator_serves_exactly_the_methods_and_messages_the_clients_call():
    assert {(path, request, response) for path, request, response in SERVED} == _client_stubs()


def test_a_scan_calls_every_served_grpc_method_and_no_other():
    spec = parse_estate(CONTRACT_ESTATE).gcp
    with GcpEmulator.from_estate(spec) as gcp:
        collect_gcp(GcpScanOptions(organization="555000111", endpoints=gcp.endpoints(), anonymous=True))
        called = {
            "/" + r.operation.rsplit(".", 1)[0] + "/" + r.operation.rsplit(".", 1)[1]
            for r in gcp.faults.requests()
            if r.protocol == "grpc"
        }
    assert called == {path for path, _request, _response in SERVED}


def _states() -> list[GcpEmulatorState]:
    specs = [load_estate(bundled_estate(name)).gcp for name in ("demo", "demo-remediated")]
    return [gcp_state(spec) for spec in (*specs, parse_estate(CONTRACT_ESTATE).gcp) if spec is not None]


def _records(state: GcpEmulatorState) -> list[tuple[str, type, str, dict[str, Any]]]:
    """(where, proto-plus class, discovery schema or "", JSON) of every gRPC-served record."""
    records: list[tuple[str, type, str, dict[str, Any]]] = []
    org = state.organization
    if org is not None:
        records += [("source", securitycenter_v2.Source, "", s) for s in org.sources]
        records += [
            ("finding", securitycenter_v2.ListFindingsResponse.ListFindingsResult, "", f)
            for f in org.findings
        ]
        records += [("org sink", logging_v2.types.LogSink, "LogSink", s) for s in org.log_sinks]
    for folder in state.folders.values():
        records += [("folder sink", logging_v2.types.LogSink, "LogSink", s) for s in folder.log_sinks]
    for project in state.projects.values():
        records += [("sink", logging_v2.types.LogSink, "LogSink", s) for s in project.log_sinks]
        records += [("metric", logging_v2.types.LogMetric, "LogMetric", m) for m in project.log_metrics]
        records += [("alert", monitoring_v3.AlertPolicy, "AlertPolicy", a) for a in project.alert_policies]
    return records


@pytest.mark.parametrize("state", _states(), ids=["demo", "remediated", "contract"])
def test_every_grpc_served_record_parses_strictly_into_its_proto_message(state):
    records = _records(state)
    assert {kind for kind, *_ in records} >= {"source", "finding", "sink", "metric", "alert"}
    for _kind, message, _schema, body in records:
        json_format.ParseDict(body, message.pb()(), ignore_unknown_fields=False)  # raises on any drift


@pytest.mark.parametrize("state", _states(), ids=["demo", "remediated", "contract"])
def test_logging_and_monitoring_records_are_their_rest_shapes_too(state):
    problems = []
    for kind, _message, schema, body in _records(state):
        if schema:
            api = "monitoring.v3" if schema == "AlertPolicy" else "logging.v2"
            problems += [
                f"{kind} {body.get('name')}: {p}" for p in validate(body, {"$ref": schema}, schemas(api))
            ]
    assert not problems, "\n".join(problems)


def test_the_emulator_refuses_to_serve_a_record_its_proto_does_not_define():
    spec = parse_estate(CONTRACT_ESTATE).gcp
    with GcpEmulator.from_estate(spec) as gcp:
        gcp.state.projects["contract-prod"].log_sinks[0]["includeChilds"] = True  # a misspelt field
        options = GcpScanOptions(
            projects=("contract-prod",), endpoints=gcp.endpoints(), anonymous=True, retry_deadline=1
        )
        [inventory] = collect_gcp(options)
    assert inventory.log_sinks is None
    [error] = [e for e in inventory.errors if e.dataset == "log_sinks"]
    assert error.code == "INTERNAL" and "includeChilds" in error.message
