"""Flow-log fixtures: the generated attack scenario written in each supported format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from auditor.flows import generate
from auditor.flows.generate import Scenario
from auditor.flows.record import FlowRecord

DEFAULT_V2 = generate.MODULE_LOG_FORMAT[:14]


def _aws_module_format(records: list[FlowRecord], directory: Path) -> list[Path]:
    return [generate.write_aws_text(records[i::3], directory / f"part{i}.log.gz") for i in range(3)]


def _aws_default_v2_plain(records: list[FlowRecord], directory: Path) -> list[Path]:
    return [generate.write_aws_text(records, directory / "flows.log", DEFAULT_V2)]


def _aws_parquet(records: list[FlowRecord], directory: Path) -> list[Path]:
    return [generate.write_aws_parquet(records[i::2], directory / f"part{i}.parquet") for i in range(2)]


WRITERS: dict[str, tuple[str, Callable[[list[FlowRecord], Path], list[Path]]]] = {
    "aws-module-format-gzip": ("aws", _aws_module_format),
    "aws-default-v2-plain": ("aws", _aws_default_v2_plain),
    "aws-parquet": ("aws", _aws_parquet),
    "azure-nsg-v2": ("azure", lambda records, d: [generate.write_azure_nsg(records, d / "PT1H.json")]),
    "azure-vnet": ("azure", lambda records, d: [generate.write_azure_vnet(records, d / "PT1H.json")]),
    "gcp-cloud-logging-jsonl": (
        "gcp",
        lambda records, d: [generate.write_gcp_jsonl(records, d / "flows.json")],
    ),
}


@pytest.fixture(scope="module")
def scenario_sets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Scenario, Path]]:
    """Each format's directory holding the same scenario (written once per test module)."""
    out = {}
    for name, (provider, write) in WRITERS.items():
        scenario, records = generate.attack_scenario(provider=provider)
        directory = tmp_path_factory.mktemp(name)
        write(records, directory)
        out[name] = (scenario, directory)
    return out
