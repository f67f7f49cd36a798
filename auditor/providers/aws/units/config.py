"""AWS Config: the configuration recorders, merged with their recording status by name."""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import ConfigRecorder
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "config"


def config_recorder(item: dict[str, Any], status: dict[str, Any]) -> ConfigRecorder:
    group = item.get("recordingGroup") or {}
    return ConfigRecorder(
        name=item["name"],
        all_supported=bool(group.get("allSupported")),
        include_global_resource_types=bool(group.get("includeGlobalResourceTypes")),
        recording_strategy=(group.get("recordingStrategy") or {}).get("useOnly", ""),
        recording=bool(status.get("recording")),
        last_status=status.get("lastStatus", ""),
    )


def config_recorders(config: ServiceReader) -> list[ConfigRecorder]:
    recorders = config.call("DescribeConfigurationRecorders").get("ConfigurationRecorders") or []
    statuses = config.call("DescribeConfigurationRecorderStatus").get("ConfigurationRecordersStatus") or []
    by_name = {s.get("name"): s for s in statuses}
    return [config_recorder(r, by_name.get(r.get("name"), {})) for r in recorders]


def collect(ctx: UnitContext) -> None:
    config = ctx.reader(SERVICE)
    ctx.fill("config_recorders", SERVICE, lambda: config_recorders(config))


UNIT = Unit(
    service=SERVICE,
    datasets=("config_recorders",),
    reads=(
        Read(SERVICE, "DescribeConfigurationRecorders", "config:DescribeConfigurationRecorders"),
        Read(SERVICE, "DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorderStatus"),
    ),
    collect=collect,
)
