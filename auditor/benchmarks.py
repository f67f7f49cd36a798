"""Benchmark catalogs as data: CIS versions and the module baseline, loaded from ``checks/benchmarks/``.

One YAML file per benchmark version. Every control of the benchmark is listed, in scope or not, with
what decides it: ``checks`` (check ids, each written once and mapped from every version that needs
it), ``manual`` (a person must judge; checks may still attach evidence), ``pending`` (in scope, but the
checks that will decide it do not exist yet, so it is not assessed), or ``out_of_scope`` (the tool does not
assess it, and says why). The scoring (``auditor.scoring``) reads only this model and the findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

CATALOG_PACKAGE = "checks.benchmarks"


class BenchmarkError(Exception):
    """A catalog file that cannot be read; the message names the file and the place."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Control(_Model):
    id: str = Field(description="The control number as the benchmark prints it: '4.7', '6.1.2', 'AWS-NET-1'.")
    title: str
    section: str = Field(description="The section id this control belongs to, e.g. '4'.")
    subsection: str = ""
    level: Literal[1, 2] = Field(description="CIS profile level (the baseline uses 1).")
    assessment: Literal["Automated", "Manual"]
    provider: Literal["aws", "azure", "gcp"]
    checks: tuple[str, ...] = Field(default=(), description="The check ids that decide the control.")
    manual: str = Field(default="", description="Why a person must judge it (checks may add evidence).")
    out_of_scope: str = Field(default="", description="Why the tool does not assess it.")
    pending: str = Field(
        default="",
        description="In scope but not assessed yet, and why (e.g. its checks arrive with a collector).",
    )
    module_section: str = Field(default="", description="The module section it comes from (baseline).")

    @model_validator(mode="after")
    def _decided_one_way(self) -> Control:
        if self.out_of_scope and (self.checks or self.manual or self.pending):
            raise ValueError("an out_of_scope control names no checks and is neither manual nor pending")
        if not (self.checks or self.manual or self.out_of_scope or self.pending):
            raise ValueError("a control names its checks, or says why it is manual, pending or out_of_scope")
        repeated = sorted({check for check in self.checks if self.checks.count(check) > 1})
        if repeated:
            raise ValueError(f"a control names each check once ({', '.join(repeated)} repeated)")
        return self

    @property
    def in_scope(self) -> bool:
        return not self.out_of_scope

    @property
    def assessed(self) -> bool:
        """In scope and decided today (by checks or a person); a pending control is in scope, not assessed."""
        return self.in_scope and not self.pending

    @property
    def decided_by(self) -> Literal["checks", "manual", "pending", "out_of_scope"]:
        """What decides the control: out_of_scope, else pending, else a person (manual), else its checks."""
        if self.out_of_scope:
            return "out_of_scope"
        if self.pending:
            return "pending"
        if self.manual:
            return "manual"
        return "checks"


class Section(_Model):
    id: str
    title: str


class Benchmark(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$", description="'cis-aws-7.0', 'module4-baseline'.")
    title: str
    version: str
    source: str = Field(default="", description="Where the control list comes from.")
    sections: tuple[Section, ...]
    controls: tuple[Control, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Benchmark:
        section_ids = {s.id for s in self.sections}
        seen: set[str] = set()
        for control in self.controls:
            if control.section not in section_ids:
                raise ValueError(f"control {control.id} names unknown section {control.section!r}")
            if control.id in seen:
                raise ValueError(f"control {control.id} is listed twice")
            seen.add(control.id)
        return self

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def check_ids(self) -> set[str]:
        return {check for control in self.controls for check in control.checks}


CURRENT_CIS = {"aws": "cis-aws-7.0", "azure": "cis-azure-6.0", "gcp": "cis-gcp-5.0"}
"""The current CIS benchmark of each provider: what a scan is scored against unless told otherwise."""
MODULE_BASELINE = "module4-baseline"


def default_benchmarks(providers: Iterable[str]) -> tuple[str, ...]:
    """The current CIS benchmark of every provider in the scan (whose catalog exists), then the module
    baseline: the scoring a scan gets when no ``--benchmark`` is given."""
    available = set(available_benchmarks())
    current = [
        CURRENT_CIS[p] for p in sorted(set(providers), key=list(CURRENT_CIS).index) if p in CURRENT_CIS
    ]
    return (*(b for b in current if b in available), MODULE_BASELINE)


def _catalog_dir() -> Path:
    return Path(str(resources.files(CATALOG_PACKAGE)))


def available_benchmarks() -> list[str]:
    """The ids of the shipped catalogs (file names without .yaml), sorted."""
    return sorted(p.stem for p in _catalog_dir().glob("*.yaml"))


def load_benchmark_file(path: Path) -> Benchmark:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise BenchmarkError(f"{path}: {where}invalid YAML: {error}") from error
    except OSError as error:
        raise BenchmarkError(f"{path}: cannot read: {error.strerror or error}") from error
    try:
        return Benchmark.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = _place(data, problem["loc"])
        raise BenchmarkError(f"{path}: {where}{problem['msg']}") from error


def _place(data: object, loc: tuple[int | str, ...]) -> str:
    """'controls.3 (control 4.7).level: ' for a validation error's location; '' for the whole file."""
    if not loc:
        return ""
    where = ".".join(str(part) for part in loc)
    if len(loc) >= 2 and loc[0] == "controls" and isinstance(loc[1], int) and isinstance(data, dict):
        controls = data.get("controls")
        if isinstance(controls, list) and 0 <= loc[1] < len(controls) and isinstance(controls[loc[1]], dict):
            control_id = controls[loc[1]].get("id")
            if control_id is not None:
                rest = "".join(f".{part}" for part in loc[2:])
                where = f"controls.{loc[1]} (control {control_id}){rest}"
    return f"{where}: "


@cache
def load_benchmark(benchmark_id: str) -> Benchmark:
    """A shipped catalog by id; ``BenchmarkError`` names the known ids when it does not exist."""
    path = _catalog_dir() / f"{benchmark_id}.yaml"
    if not path.is_file():
        known = ", ".join(available_benchmarks()) or "none"
        raise BenchmarkError(f"no benchmark {benchmark_id!r} (known: {known})")
    return load_benchmark_file(path)
