"""Benchmark scoring: findings + a benchmark catalog -> one status per control, and the scores.

Pure: no I/O, no clock, no globals that change. The same catalog and the same findings (in any order)
give the same ``BenchmarkScore``. The method is written for auditors in ``docs/scoring.md``; in short:

- A control's findings are the findings whose ``check_id`` is one of ``control.checks``, in every
  account and region. Muted findings are left out of its status; if every finding is muted, the
  control is MUTED.
- Otherwise the worst verdict decides: FAIL, then ERROR, then PASS, then MANUAL, then NOT_APPLICABLE;
  no findings at all gives NOT_ASSESSED.
- ``manual`` controls are always MANUAL (their checks only attach evidence), ``out_of_scope`` and
  ``pending`` controls are NOT_ASSESSED (pending ones stay in scope and lower coverage).
- Two scores over the decided controls (``control_ratio`` and the severity-``weighted_score``) and,
  beside them, ``coverage``: how much of the in-scope benchmark the tool could actually decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.benchmarks import Benchmark, Control
from auditor.model import CollectionError, Finding, Severity, Status

__all__ = [
    "LEVEL_PROFILES",
    "SEVERITY_WEIGHTS",
    "BenchmarkScore",
    "ControlResult",
    "ControlStatus",
    "ScoreFigures",
    "SectionScore",
    "control_status",
    "score_benchmark",
]

SEVERITY_WEIGHTS: Mapping[Severity, int] = MappingProxyType(
    {
        Severity.CRITICAL: 10,
        Severity.HIGH: 5,
        Severity.MEDIUM: 3,
        Severity.LOW: 1,
        Severity.INFO: 0,
    }
)
"""The weight of a control in ``weighted_score``: the weight of its severity."""

LEVEL_PROFILES: Mapping[str, int] = MappingProxyType({"1": 1, "2": 2})
"""CIS profiles are cumulative: profile "1" holds the level-1 controls, profile "2" levels 1 and 2."""

NO_FINDINGS_REASON = "its checks produced no findings"


class ControlStatus(StrEnum):
    """The verdict on one benchmark control."""

    PASS = "PASS"
    """Every deciding finding passed (NOT_APPLICABLE ones may be mixed in)."""
    FAIL = "FAIL"
    """At least one deciding finding failed, wherever it is (even if other places could not be read)."""
    ERROR = "ERROR"
    """Not evaluated: no finding fails, but some data could not be collected or a check crashed."""
    NOT_APPLICABLE = "NOT_APPLICABLE"
    """Every deciding finding says there is nothing to assess."""
    MANUAL = "MANUAL"
    """A person must judge it (a ``manual`` control, or its checks asked for a person)."""
    MUTED = "MUTED"
    """Every finding that would decide it is muted by an exception: not scored."""
    NOT_ASSESSED = "NOT_ASSESSED"
    """Out of scope, pending (checks not written yet), or its checks produced no findings at all."""


DECIDED = frozenset({ControlStatus.PASS, ControlStatus.FAIL})
"""The statuses that enter ``control_ratio`` and ``weighted_score``."""

EVALUATED = frozenset({ControlStatus.PASS, ControlStatus.FAIL, ControlStatus.NOT_APPLICABLE})
"""The statuses that count as evaluated by the tool (plus MUTED controls whose hidden verdict is one)."""

# The worst verdict decides: FAIL, ERROR, PASS, MANUAL, NOT_APPLICABLE.
_PRECEDENCE: tuple[tuple[Status, ControlStatus], ...] = (
    (Status.FAIL, ControlStatus.FAIL),
    (Status.ERROR, ControlStatus.ERROR),
    (Status.PASS, ControlStatus.PASS),
    (Status.MANUAL, ControlStatus.MANUAL),
    (Status.NOT_APPLICABLE, ControlStatus.NOT_APPLICABLE),
)


class ControlResult(BaseModel):
    """One control of the benchmark, its status and why."""

    model_config = ConfigDict(frozen=True)

    control_id: str
    title: str
    section: str
    level: int
    assessment: str = Field(description="'Automated' or 'Manual', as the benchmark prints it.")
    status: ControlStatus
    in_scope: bool = Field(description="False only for out_of_scope controls; pending ones are in scope.")
    severity: Severity | None = Field(
        description="The highest severity among the findings of its checks (muted ones included), or None."
    )
    weight: int = Field(description="SEVERITY_WEIGHTS of its severity (0 without a severity).")
    check_ids: list[str]
    counts: dict[Status, int] = Field(
        description=(
            "Its findings by status. Muted findings are counted under MUTED only, never under their "
            "original status, so every other key counts a finding that decided the control."
        )
    )
    failing_resources: list[str] = Field(
        description="'account/region/resource_id' of its unmuted FAIL findings, sorted, no duplicates."
    )
    reason: str = Field(
        default="",
        description="Why ERROR, NOT_ASSESSED, MANUAL, MUTED or NOT_APPLICABLE; empty for PASS and FAIL.",
    )
    unmuted_status: ControlStatus | None = Field(
        default=None,
        description="For a MUTED control: the status it would have without its exceptions, when known.",
    )

    @property
    def decided(self) -> bool:
        """PASS or FAIL: the control enters control_ratio and weighted_score."""
        return self.status in DECIDED

    @property
    def evaluated(self) -> bool:
        """The tool saw enough to decide it: PASS, FAIL, NOT_APPLICABLE, or MUTED over one of them."""
        if self.status is ControlStatus.MUTED:
            return self.unmuted_status is None or self.unmuted_status in EVALUATED
        return self.status in EVALUATED


class ScoreFigures(BaseModel):
    """Counts of controls by status, and the two scores with the coverage beside them."""

    model_config = ConfigDict(frozen=True)

    total: int = Field(description="All controls counted here, in scope or not.")
    passed: int
    failed: int
    errors: int
    not_applicable: int
    manual: int
    muted: int
    not_assessed: int
    in_scope: int = Field(description="Controls the tool assesses: all but out_of_scope (pending included).")
    evaluated: int = Field(
        description="PASS + FAIL + NOT_APPLICABLE, plus MUTED controls whose hidden verdict is one of them."
    )
    control_ratio: float | None = Field(description="passed / (passed + failed); None when nothing decided.")
    weighted_score: float | None = Field(
        description="Weight of passed / weight of passed + failed controls; None when that weight is 0."
    )
    coverage: float | None = Field(description="evaluated / in_scope; None when nothing is in scope.")

    @classmethod
    def of(cls, controls: Iterable[ControlResult]) -> ScoreFigures:
        """The figures of a group of controls (a benchmark, a section, a level profile)."""
        results = list(controls)
        by_status = {status: 0 for status in ControlStatus}
        for result in results:
            by_status[result.status] += 1
        passed, failed = by_status[ControlStatus.PASS], by_status[ControlStatus.FAIL]
        in_scope = sum(result.in_scope for result in results)
        evaluated = sum(result.evaluated for result in results)
        weight_passed = sum(r.weight for r in results if r.status is ControlStatus.PASS)
        weight_decided = sum(r.weight for r in results if r.decided)
        return cls(
            total=len(results),
            passed=passed,
            failed=failed,
            errors=by_status[ControlStatus.ERROR],
            not_applicable=by_status[ControlStatus.NOT_APPLICABLE],
            manual=by_status[ControlStatus.MANUAL],
            muted=by_status[ControlStatus.MUTED],
            not_assessed=by_status[ControlStatus.NOT_ASSESSED],
            in_scope=in_scope,
            evaluated=evaluated,
            control_ratio=_ratio(passed, passed + failed),
            weighted_score=_ratio(weight_passed, weight_decided),
            coverage=_ratio(evaluated, in_scope),
        )


class SectionScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    section_id: str
    title: str
    figures: ScoreFigures


class BenchmarkScore(BaseModel):
    """The score of one benchmark: overall, per section, per level profile, and every control."""

    model_config = ConfigDict(frozen=True)

    benchmark_id: str
    title: str
    version: str
    figures: ScoreFigures
    sections: list[SectionScore] = Field(description="In the benchmark's section order.")
    levels: dict[str, ScoreFigures] = Field(
        description='Cumulative CIS profiles: "1" = level-1 controls, "2" = levels 1 and 2 (all).'
    )
    controls: list[ControlResult] = Field(description="In the benchmark's control order.")

    def control(self, control_id: str) -> ControlResult:
        return next(c for c in self.controls if c.control_id == control_id)


def score_benchmark(benchmark: Benchmark, findings: Sequence[Finding]) -> BenchmarkScore:
    """Score ``benchmark`` against ``findings`` (all accounts and regions of a scan)."""
    wanted = benchmark.check_ids()
    by_check: dict[str, list[Finding]] = {}
    for finding in sorted((f for f in findings if f.check_id in wanted), key=_finding_order):
        by_check.setdefault(finding.check_id, []).append(finding)

    results = [
        control_status(control, [f for check in control.checks for f in by_check.get(check, ())])
        for control in benchmark.controls
    ]
    sections = [
        SectionScore(
            section_id=section.id,
            title=section.title,
            figures=ScoreFigures.of(r for r in results if r.section == section.id),
        )
        for section in benchmark.sections
    ]
    levels = {
        name: ScoreFigures.of(r for r in results if r.level <= top) for name, top in LEVEL_PROFILES.items()
    }
    return BenchmarkScore(
        benchmark_id=benchmark.id,
        title=benchmark.title,
        version=benchmark.version,
        figures=ScoreFigures.of(results),
        sections=sections,
        levels=levels,
        controls=results,
    )


def control_status(control: Control, findings: Sequence[Finding]) -> ControlResult:
    """The result of one control from the findings of its checks (the caller selects them)."""
    ordered = sorted(findings, key=_finding_order)
    muted = [f for f in ordered if _is_muted(f)]
    deciding = [f for f in ordered if not _is_muted(f)]
    pending: str = getattr(control, "pending", "") or ""

    unmuted_status: ControlStatus | None = None
    if control.out_of_scope:
        status, reason = ControlStatus.NOT_ASSESSED, f"Out of scope: {control.out_of_scope}"
    elif pending:
        status, reason = ControlStatus.NOT_ASSESSED, f"Pending: {pending}"
    elif control.manual:
        status, reason = ControlStatus.MANUAL, _manual_reason(control.manual, deciding, muted)
    elif not ordered:
        status, reason = ControlStatus.NOT_ASSESSED, NO_FINDINGS_REASON
    elif not deciding:
        status, reason = ControlStatus.MUTED, _muted_reason(muted)
        unmuted_status = _unmuted_status(muted)
    else:
        status = _worst(deciding)
        reason = _reason(status, deciding)

    severities = [f.severity for f in ordered]
    severity = min(severities, key=lambda s: s.rank) if severities else None
    counts = {s: 0 for s in Status}
    for finding in ordered:
        counts[Status.MUTED if _is_muted(finding) else finding.status] += 1
    failing = sorted({_qualified(f) for f in deciding if f.status is Status.FAIL})
    return ControlResult(
        control_id=control.id,
        title=control.title,
        section=control.section,
        level=control.level,
        assessment=control.assessment,
        status=status,
        in_scope=control.in_scope,
        severity=severity,
        weight=SEVERITY_WEIGHTS[severity] if severity else 0,
        check_ids=list(control.checks),
        counts=counts,
        failing_resources=failing,
        reason=reason,
        unmuted_status=unmuted_status,
    )


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _finding_order(finding: Finding) -> tuple[str, ...]:
    return (finding.account, finding.region, finding.check_id, finding.resource_id, finding.id)


def _is_muted(finding: Finding) -> bool:
    return finding.status is Status.MUTED or finding.muted is not None


def _qualified(finding: Finding) -> str:
    return f"{finding.account}/{finding.region}/{finding.resource_id}"


def _worst(findings: Sequence[Finding]) -> ControlStatus:
    present = {f.status for f in findings}
    return next(control for status, control in _PRECEDENCE if status in present)


def _unmuted_status(muted: Sequence[Finding]) -> ControlStatus | None:
    """What the muted findings would decide without their exceptions; None if any original is unknown."""
    originals = [f.muted.original_status for f in muted if f.muted is not None]
    if len(originals) != len(muted) or Status.MUTED in originals:
        return None
    present = set(originals)
    return next(control for status, control in _PRECEDENCE if status in present)


def _reason(status: ControlStatus, deciding: Sequence[Finding]) -> str:
    if status is ControlStatus.ERROR:
        errors = [f for f in deciding if f.status is Status.ERROR]
        more = f" (and {len(errors) - 1} more not evaluated)" if len(errors) > 1 else ""
        return _error_text(errors[0]) + more
    if status is ControlStatus.MANUAL:
        return next(f.message for f in deciding if f.status is Status.MANUAL)
    if status is ControlStatus.NOT_APPLICABLE:
        return deciding[0].message
    return ""


def _error_text(finding: Finding) -> str:
    """The first collection error behind an ERROR finding, else the finding's own message."""
    raw = finding.evidence.get("collection_errors")
    if isinstance(raw, list) and raw:
        try:
            return f"Not evaluated: {CollectionError.model_validate(raw[0]).describe()}"
        except ValidationError:
            pass
    return finding.message or f"Not evaluated: {finding.check_id} in {finding.region}"


def _manual_reason(why: str, deciding: Sequence[Finding], muted: Sequence[Finding]) -> str:
    if not deciding and not muted:
        return why
    parts = [f"{n} {status.value}" for status in Status if (n := _count(deciding, status))]
    if muted:
        parts.append(f"{len(muted)} MUTED")
    return f"{why.rstrip()} Evidence from its checks: {', '.join(parts)}."


def _muted_reason(muted: Sequence[Finding]) -> str:
    mutes = {f.muted.exception_id: f.muted for f in muted if f.muted is not None}
    if not mutes:
        return "every finding of its checks is muted"
    described = "; ".join(
        f"{m.exception_id} (owner {m.owner}, until {m.expires.isoformat()}: {m.reason})"
        for m in sorted(mutes.values(), key=lambda m: m.exception_id)
    )
    return f"every finding of its checks is muted by an exception: {described}"


def _count(findings: Iterable[Finding], status: Status) -> int:
    return sum(1 for f in findings if f.status is status)


class AccountScore(BaseModel):
    """One benchmark's figures for one account (subscription, project) of a multi-account scan, over
    the benchmark's controls for that account's provider."""

    model_config = ConfigDict(frozen=True)

    provider: str
    account: str
    name: str = ""
    benchmark_id: str
    figures: ScoreFigures
    not_entered: str = Field(default="", description="Why the account could not be entered, if so.")


def score_accounts(
    benchmarks: Sequence[Benchmark],
    findings: Sequence[Finding],
    accounts: Sequence[tuple[str, str, str, str]],
) -> list[AccountScore]:
    """Per-account figures: ``accounts`` holds (provider, account, name, not_entered) in report order;
    each account is scored on the controls of its own provider only, from its own findings."""
    by_account: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_account.setdefault((finding.provider, finding.account), []).append(finding)
    scores: list[AccountScore] = []
    for provider, account, name, not_entered in accounts:
        mine = by_account.get((provider, account), [])
        for benchmark in benchmarks:
            controls = [c for c in benchmark.controls if c.provider == provider]
            if not controls:
                continue
            results = [
                control_status(control, [f for f in mine if f.check_id in control.checks])
                for control in controls
            ]
            scores.append(
                AccountScore(
                    provider=provider,
                    account=account,
                    name=name,
                    benchmark_id=benchmark.id,
                    figures=ScoreFigures.of(results),
                    not_entered=not_entered,
                )
            )
    return scores
