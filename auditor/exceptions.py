"""Exceptions: accepted risks that turn matching findings MUTED until a date (``--exceptions FILE``).

The file is YAML::

    exceptions:
      - id: legacy-bastion                        # optional; default "exceptions[N]"
        check: aws.ec2.sg_no_admin_ports_ipv4     # a check id, glob allowed (aws.guardduty.*) ...
        control: cis-aws-7.0:6.3                  # ... or a benchmark control; exactly one of the two
        account: "123456789012"                   # optional glob
        region: eu-west-1                         # optional glob
        resource: "sg-0abc*"                      # optional glob on resource_id or resource_name
        tags: {env: legacy}                       # optional: every tag present, value glob
        owner: alice@example.com                  # required
        reason: "Bastion replaced in Q1"          # required
        expires: 2027-03-31                       # required date; still mutes on that day

Every scalar is read as text (no YAML type guessing: ``012345678901`` keeps its leading zero, ``yes``
stays ``"yes"``); ``expires`` is then parsed as an ISO date. Unknown keys, duplicate keys and duplicate
ids are refused, and every error names the file and the line (``ExceptionsError``).

Matching (``apply_exceptions``) is pure: today's date and the control -> check-ids map are passed in.
A finding is muted by the first active exception (file order) whose every given criterion matches;
NOT_APPLICABLE findings (nothing to accept) and already MUTED findings are never muted. An exception
whose ``expires`` is before today no longer mutes: it is reported in ``expired`` with the findings it
would have matched. An active exception that muted nothing is reported in ``unused``, as a hint.

This module imports ``auditor.model`` only inside ``apply_exceptions``, so ``auditor.model`` may import
``ExceptionReport`` from here to store it in ``ScanResult`` without an import cycle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

if TYPE_CHECKING:
    from auditor.benchmarks import Benchmark
    from auditor.model import Finding

CONTROL_PATTERN = r"[a-z0-9*?][a-z0-9.*?-]*:\S+"
_MAX_PROBLEMS = 5


class ExceptionsError(Exception):
    """An exceptions file that cannot be used. The message names the file and the line."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExceptionRule(_Frozen):
    """One accepted risk: what it matches, who owns it, why, and until when."""

    id: str | None = Field(default=None, min_length=1, description="Defaults to 'exceptions[N]'.")
    check: str | None = Field(default=None, min_length=1, description="A check id or glob.")
    control: str | None = Field(
        default=None,
        description="'benchmark:control', e.g. 'cis-aws-7.0:6.3' (glob allowed, e.g. 'cis-aws-7.0:6.*').",
    )
    account: str | None = Field(default=None, min_length=1, description="Account glob.")
    region: str | None = Field(default=None, min_length=1, description="Region glob.")
    resource: str | None = Field(default=None, min_length=1, description="Glob on resource id or name.")
    tags: dict[str, str] = Field(default_factory=dict, description="Every tag present, value glob.")
    owner: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    expires: date = Field(description="The last day the exception mutes.")

    @field_validator("owner", "reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("control")
    @classmethod
    def _benchmark_and_control(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(CONTROL_PATTERN, value):
            raise ValueError(f"should be 'benchmark:control', e.g. 'cis-aws-7.0:6.3', got {value!r}")
        return value

    @field_validator("expires", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        """Only a calendar date, YYYY-MM-DD (no timestamps, no datetimes)."""
        if isinstance(value, date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError as error:
                raise ValueError(f"Input should be a valid date, got {value!r} ({error})") from None
        raise ValueError(f"Input should be a valid date (YYYY-MM-DD), got {value!r}")

    @model_validator(mode="after")
    def _check_or_control(self) -> ExceptionRule:
        if self.check and self.control:
            raise ValueError("give either 'check' or 'control', not both")
        if not (self.check or self.control):
            raise ValueError("give 'check' (a check id or glob) or 'control' (benchmark:control)")
        return self

    def label(self, index: int) -> str:
        """The id, or the exception's place in the file when it has none."""
        return self.id or f"exceptions[{index}]"


class ExceptionsFile(_Frozen):
    """A loaded exceptions file. ``source`` is the path it was read from (not a YAML key)."""

    exceptions: tuple[ExceptionRule, ...]
    source: str = ""


class _FileBody(_Frozen):
    """What the YAML may contain at the top level."""

    exceptions: list[ExceptionRule]


class AppliedException(_Frozen):
    """An active exception and the findings (ids) it muted."""

    exception: ExceptionRule
    findings: list[str]


class ExpiredException(_Frozen):
    """An exception past its date: it muted nothing; ``findings`` are the ids it would have matched."""

    exception: ExceptionRule
    days_expired: int = Field(description="Days since the last day it applied (1 = expired yesterday).")
    findings: list[str]


class UnusedException(_Frozen):
    """An active exception that muted nothing, and why (a hint: a typo, or the risk is gone)."""

    exception: ExceptionRule
    reason: str


class ExceptionReport(_Frozen):
    """What the exceptions did in one scan; serialisable, meant to be stored in ``ScanResult``."""

    source: str = Field(default="", description="The exceptions file, as given on the command line.")
    evaluated_on: date = Field(description="The date expiry was judged against.")
    applied: list[AppliedException] = Field(default_factory=list)
    expired: list[ExpiredException] = Field(default_factory=list)
    unused: list[UnusedException] = Field(default_factory=list)

    @property
    def muted_count(self) -> int:
        return sum(len(applied.findings) for applied in self.applied)


@dataclass(frozen=True)
class ExceptionsOutcome:
    """The findings after the exceptions (same order, matched ones MUTED) and the report."""

    findings: list[Finding]
    report: ExceptionReport

    @property
    def applied(self) -> list[AppliedException]:
        return self.report.applied

    @property
    def expired(self) -> list[ExpiredException]:
        return self.report.expired

    @property
    def unused(self) -> list[UnusedException]:
        return self.report.unused


# --------------------------------------------------------------------------------------------- loading


class _TextLoader(yaml.SafeLoader):
    """SafeLoader that resolves plain scalars to text, except null (``~``, ``null``, empty)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}


_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)

_Path = tuple[str | int, ...]


def load_exceptions(path: Path) -> ExceptionsFile:
    """Read and validate an exceptions file; ``ExceptionsError`` names the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ExceptionsError(f"{path}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ExceptionsError(f"{path}: not UTF-8 text (byte {error.start})") from error
    return parse_exceptions(text, str(path))


def parse_exceptions(text: str, source: str) -> ExceptionsFile:
    """Validate the text of an exceptions file; ``source`` names it in error messages."""
    loader = _TextLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ExceptionsError(f"{source}: {where}invalid YAML: {problem}") from error
    finally:
        loader.dispose()
    if node is None:
        raise ExceptionsError(
            f"{source}: line 1: the file is empty; expected a mapping with an 'exceptions' list"
        )
    lines: dict[_Path, int] = {}
    duplicate = _record_lines(node, (), lines)
    if duplicate is not None:
        where, line = duplicate
        raise ExceptionsError(f"{source}: line {line}: {_dotted(where)}: duplicate key")
    if not isinstance(data, dict):
        raise ExceptionsError(
            f"{source}: line {node.start_mark.line + 1}: expected a mapping with an 'exceptions' list at the "
            f"top level, found {_yaml_kind(data)}"
        )
    try:
        body = _FileBody.model_validate(data)
    except ValidationError as error:
        raise ExceptionsError(_describe(error, source, lines)) from error
    _refuse_duplicate_ids(body.exceptions, source, lines)
    rules = tuple(
        rule if rule.id else rule.model_copy(update={"id": rule.label(index)})
        for index, rule in enumerate(body.exceptions)
    )
    return ExceptionsFile(exceptions=rules, source=source)


def _record_lines(node: yaml.Node, where: _Path, lines: dict[_Path, int]) -> tuple[_Path, int] | None:
    """Map each path (('exceptions', 1, 'expires')) to its 1-based line; return a duplicate key if any.

    A mapping key is recorded at the key's line, a list item at the line where the item starts.
    Only the depth the file format has is walked (aliases cannot make it loop).
    """
    lines.setdefault(where, node.start_mark.line + 1)
    if len(where) >= 4:
        return None
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            child = (*where, key)
            if child in lines:
                return child, key_node.start_mark.line + 1
            lines[child] = key_node.start_mark.line + 1
            found = _record_lines(value_node, child, lines)
            if found is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found = _record_lines(item, (*where, index), lines)
            if found is not None:
                return found
    return None


def _dotted(where: Sequence[str | int]) -> str:
    """('exceptions', 1, 'expires') -> 'exceptions[1].expires'."""
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _line_of(where: Sequence[str | int], lines: Mapping[_Path, int]) -> int:
    """The line of the deepest part of ``where`` the file has (a missing key: its list item's line)."""
    parts = tuple(where)
    while parts and parts not in lines:
        parts = parts[:-1]
    return lines.get(parts, 1)


_KNOWN_KEYS = ", ".join(ExceptionRule.model_fields)


def _describe(error: ValidationError, source: str, lines: Mapping[_Path, int]) -> str:
    problems: list[tuple[int, str]] = []
    for problem in error.errors():
        where = tuple(problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            expected = _KNOWN_KEYS if len(where) == 3 else "exceptions"
            message = f"unknown key (expected one of: {expected})"
        elif problem["type"] == "missing" and where and where[-1] in ("owner", "reason", "expires"):
            message = f"required: every exception names its {where[-1]}"
        problems.append((_line_of(where, lines), f"{_dotted(where)}: {message}"))
    problems.sort(key=lambda p: p[0])
    text = "; ".join(f"line {line}: {message}" for line, message in problems[:_MAX_PROBLEMS])
    more = len(problems) - _MAX_PROBLEMS
    if more > 0:
        text += f"; ... and {more} more"
    return f"{source}: {text}"


def _refuse_duplicate_ids(rules: Sequence[ExceptionRule], source: str, lines: Mapping[_Path, int]) -> None:
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        label = rule.label(index)
        if label in seen:
            first = seen[label]
            raise ExceptionsError(
                f"{source}: line {_line_of(('exceptions', index, 'id'), lines)}: exceptions[{index}].id: "
                f"duplicate id {label!r} (also exceptions[{first}], line "
                f"{_line_of(('exceptions', first), lines)})"
            )
        seen[label] = index


def _yaml_kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"a {type(value).__name__}"


# -------------------------------------------------------------------------------------------- matching


def control_check_map(benchmarks: Iterable[Benchmark]) -> dict[str, set[str]]:
    """'cis-aws-7.0:6.3' -> the check ids that decide that control, for every control of ``benchmarks``."""
    return {
        f"{benchmark.id}:{control.id}": set(control.checks)
        for benchmark in benchmarks
        for control in benchmark.controls
    }


def apply_exceptions(
    findings: Sequence[Finding],
    exceptions: ExceptionsFile | Sequence[ExceptionRule],
    today: date,
    control_checks: Mapping[str, set[str]],
) -> ExceptionsOutcome:
    """Mute the findings the active exceptions match; report expired and unused exceptions.

    ``control_checks`` maps 'benchmark:control' to its check ids (see ``control_check_map``); a
    ``control`` exception matches the findings of those checks. Pure: no clock, no I/O.
    """
    from auditor.model import Mute, Status

    if isinstance(exceptions, ExceptionsFile):
        rules, source = exceptions.exceptions, exceptions.source
    else:
        rules, source = tuple(exceptions), ""
    out = list(findings)
    muted_by: dict[int, str] = {}
    applied: list[AppliedException] = []
    expired: list[ExpiredException] = []
    unused: list[UnusedException] = []
    for index, rule in enumerate(rules):
        label = rule.label(index)
        checks = _checks_of(rule, control_checks)
        matched = [
            position
            for position, finding in enumerate(findings)
            if finding.status is not Status.NOT_APPLICABLE and _matches(rule, checks, finding)
        ]
        if rule.expires < today:
            expired.append(
                ExpiredException(
                    exception=rule,
                    days_expired=(today - rule.expires).days,
                    findings=[findings[p].id for p in matched],
                )
            )
            continue
        mutable = [p for p in matched if p not in muted_by and findings[p].status is not Status.MUTED]
        if not mutable:
            unused.append(
                UnusedException(exception=rule, reason=_why_unused(rule, checks, matched, muted_by))
            )
            continue
        mute = None
        for position in mutable:
            finding = findings[position]
            mute = Mute(
                exception_id=label,
                owner=rule.owner,
                reason=rule.reason,
                expires=rule.expires,
                original_status=finding.status,
            )
            out[position] = finding.model_copy(update={"status": Status.MUTED, "muted": mute})
            muted_by[position] = label
        applied.append(AppliedException(exception=rule, findings=[findings[p].id for p in mutable]))
    report = ExceptionReport(
        source=source, evaluated_on=today, applied=applied, expired=expired, unused=unused
    )
    return ExceptionsOutcome(findings=out, report=report)


def _checks_of(rule: ExceptionRule, control_checks: Mapping[str, set[str]]) -> set[str] | None:
    """The check ids a ``control`` exception covers (None for a ``check`` exception)."""
    if rule.control is None:
        return None
    return {
        check
        for control, checks in control_checks.items()
        if fnmatchcase(control, rule.control)
        for check in checks
    }


def _matches(rule: ExceptionRule, checks: set[str] | None, finding: Finding) -> bool:
    if checks is None:
        if rule.check is None or not fnmatchcase(finding.check_id, rule.check):
            return False
    elif finding.check_id not in checks:
        return False
    if rule.account is not None and not fnmatchcase(finding.account, rule.account):
        return False
    if rule.region is not None and not fnmatchcase(finding.region, rule.region):
        return False
    if rule.resource is not None and not (
        fnmatchcase(finding.resource_id, rule.resource)
        or (finding.resource_name and fnmatchcase(finding.resource_name, rule.resource))
    ):
        return False
    return all(
        key in finding.tags and fnmatchcase(finding.tags[key], pattern) for key, pattern in rule.tags.items()
    )


def _why_unused(
    rule: ExceptionRule, checks: set[str] | None, matched: list[int], muted_by: Mapping[int, str]
) -> str:
    if checks is not None and not checks:
        return f"control {rule.control!r} names no check in the loaded benchmarks"
    if not matched:
        return "matched no finding (a typo, or the resource is gone)"
    earlier = sorted({muted_by[p] for p in matched if p in muted_by})
    if earlier:
        return "every finding it matches is already muted by " + ", ".join(earlier)
    return "every finding it matches was already muted"
