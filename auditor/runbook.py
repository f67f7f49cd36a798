"""The module 4 network security runbook as data, loaded from ``checks/runbook.yaml``.

Each row names a scenario, how it is detected and the response, plus the check ids whose logs are that
detection source. ``runbook_for(check_id)`` gives the rows a check supports (the detail pane shows them).
Pure: reads a packaged file, nothing else.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

RUNBOOK_PACKAGE = "checks"
RUNBOOK_FILE = "runbook.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RunbookEntry(_Model):
    scenario: str = Field(description="The scenario as the module prints it: 'Port scan detected'.")
    detection: str = Field(description="The detection source: 'GuardDuty/Flow logs'.")
    response: str = Field(description="The response: 'Block source IP via NACL'.")
    checks: tuple[str, ...] = Field(min_length=1, description="Checks whose logs are the detection.")
    detections: tuple[str, ...] = Field(
        default=(),
        description="Detections that raise this scenario, without the provider: 'flows.port_scan' "
        "(flow-log rules, auditor.flows) or 'threats.reconnaissance' (active threat findings).",
    )

    @model_validator(mode="after")
    def _unique_checks(self) -> RunbookEntry:
        if len(set(self.checks)) != len(self.checks):
            raise ValueError(f"runbook row {self.scenario!r} names a check twice")
        return self

    def describe(self) -> str:
        return f"If {self.scenario} (detected by {self.detection}): {self.response}"


class Runbook(_Model):
    module_section: str
    entries: tuple[RunbookEntry, ...] = Field(min_length=1)


@cache
def load_runbook() -> Runbook:
    text = resources.files(RUNBOOK_PACKAGE).joinpath(RUNBOOK_FILE).read_text(encoding="utf-8")
    return Runbook.model_validate(yaml.safe_load(text))


def runbook_for(check_id: str) -> list[RunbookEntry]:
    """The runbook rows whose detection source the check covers, or that a detection such as
    ``aws.flows.port_scan`` raises, in runbook order ([] when none)."""
    detection = check_id.split(".", 1)[-1]
    return [e for e in load_runbook().entries if check_id in e.checks or detection in e.detections]
