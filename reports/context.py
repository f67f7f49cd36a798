"""Everything the report templates show, read from one ``ScanResult`` (and optionally the previous
scan and the history trend). Pure: no I/O, no clock.

Nothing here decides a verdict. Control statuses, scores and coverage come from the scan's
``BenchmarkScore``s; finding statuses from its findings; what changed from ``auditor.diff``. This
module only groups, sorts, counts and shortens them for people, and attaches each check's metadata
(title, risk, remediation) from the registry, with the exact command filled in by
``auditor.remediation.remediation_command``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from markupsafe import Markup

from auditor.diff import ControlChange, FindingChange, ScanDiff, diff_scans
from auditor.model import CheckMeta, CollectionError, Finding, Severity, Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command
from auditor.scan_result import ScanResult
from auditor.scoring import BenchmarkScore, ControlResult, ControlStatus, ScoreFigures
from reports.charts import human_bytes, score_donut, section_bars, talker_bars, trend_line

__all__ = [
    "BODY_RESOURCE_LIMIT",
    "DIFF_ROW_LIMIT",
    "MATRIX_EXAMPLES",
    "TrendPoint",
    "build_report_context",
]

BODY_RESOURCE_LIMIT = 20
"""Failing resources listed per check in the body; the complete list is in the appendix."""
MATRIX_EXAMPLES = 2
"""Failing resources named per control in the control matrix."""
DIFF_ROW_LIMIT = 50
"""Rows per list in the 'changes since the previous scan' section."""

REPORT_TITLE = "Cloud posture audit report"

_SOURCE_WORDS = {
    "live": "live: read from the cloud APIs with read-only credentials",
    "snapshot": "snapshot: re-evaluated from a saved inventory snapshot",
    "demo": "demo: a simulated estate in a local emulator, not a real account",
}

_STATUS_LABELS = {
    "PASS": "PASS",
    "FAIL": "FAIL",
    "ERROR": "ERROR",
    "NOT_APPLICABLE": "N/A",
    "MANUAL": "MANUAL",
    "MUTED": "MUTED",
    "NOT_ASSESSED": "NOT ASSESSED",
}

_KIND_WORDS = {
    "denied": "access denied",
    "throttled": "throttled past retries",
    "timeout": "timed out",
    "endpoint": "endpoint unreachable",
    "malformed": "malformed answer",
    "failed": "failed",
}

# Finding statuses in the order the report lists them (worst first).
_FINDING_ORDER = (Status.FAIL, Status.ERROR, Status.MANUAL, Status.MUTED, Status.PASS, Status.NOT_APPLICABLE)


class TrendScore(Protocol):
    """One benchmark's figures in one stored scan (``auditor.history.BenchmarkScoreRow``)."""

    @property
    def benchmark_id(self) -> str: ...
    @property
    def control_ratio(self) -> float | None: ...
    @property
    def weighted_score(self) -> float | None: ...
    @property
    def coverage(self) -> float | None: ...


class TrendPoint(Protocol):
    """One stored scan of the history (``auditor.history.ScanSummary``)."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def counts(self) -> Mapping[str, int]: ...
    @property
    def scores(self) -> Sequence[TrendScore]: ...


# ------------------------------------------------------------------------------------------ views


@dataclass(frozen=True)
class StatusBadge:
    """A status as the report prints it: its text label and the CSS class that colours it."""

    value: str
    label: str
    css: str


@dataclass(frozen=True)
class ResourceRow:
    account: str
    region: str
    resource_id: str
    resource_name: str
    message: str
    tags: str


@dataclass(frozen=True)
class CheckGroup:
    """One check with failing resources, and what to do about it."""

    check_id: str
    anchor: str
    appendix_anchor: str
    title: str
    service: str
    severity: str
    rationale: str
    risk: str
    remediation_text: str
    console_steps: list[str]
    command: str
    generic_command: str
    references: list[str]
    controls: list[str]
    counts: list[tuple[StatusBadge, int]]
    failing: list[ResourceRow]
    shown: list[ResourceRow]
    more: int


@dataclass(frozen=True)
class CheckLine:
    """A check without failures: one line of counts."""

    check_id: str
    title: str
    severity: str
    counts: dict[str, int]


@dataclass(frozen=True)
class ControlRow:
    control_id: str
    title: str
    level: int
    assessment: str
    status: StatusBadge
    severity: str
    failing_count: int
    examples: list[tuple[str, str]]
    """(account/region, resource id) of the first failing resources."""
    more_failing: int
    reason: str


@dataclass(frozen=True)
class SectionBlock:
    section_id: str
    title: str
    figures: ScoreFigures
    controls: list[ControlRow]
    note: str = ""
    """The reason shared by every control of the section (e.g. a whole section out of scope), printed
    once in the section row instead of on every control."""


@dataclass(frozen=True)
class BenchmarkView:
    benchmark_id: str
    anchor: str
    title: str
    version: str
    figures: ScoreFigures
    levels: list[tuple[str, ScoreFigures]]
    sections: list[SectionBlock]
    donut: Markup
    bars: Markup


@dataclass(frozen=True)
class ControlNote:
    benchmark_id: str
    control_id: str
    title: str
    reason: str


@dataclass(frozen=True)
class ScopeGroup:
    """Controls not assessed for the same reason (out of scope or pending)."""

    benchmark_id: str
    reason: str
    control_ids: list[str]


@dataclass(frozen=True)
class ErrorCheck:
    check_id: str
    title: str
    count: int
    regions: list[str]
    message: str


@dataclass(frozen=True)
class NotEvaluatedView:
    collection_errors: list[dict[str, str]]
    error_controls: list[ControlNote]
    error_checks: list[ErrorCheck]
    manual_controls: list[ControlNote]
    pending: list[ScopeGroup]
    out_of_scope: list[ScopeGroup]

    @property
    def anything(self) -> bool:
        return bool(self.collection_errors or self.error_controls or self.error_checks)


@dataclass(frozen=True)
class ExceptionRow:
    exception_id: str
    owner: str
    reason: str
    expires: str
    applies_to: str
    count: int
    days_expired: int = 0
    note: str = ""


@dataclass(frozen=True)
class MutedRow:
    check_id: str
    account: str
    region: str
    resource_id: str
    resource_name: str
    tags: str
    original_status: StatusBadge
    exception_id: str
    owner: str
    reason: str
    expires: str


@dataclass(frozen=True)
class ExceptionsView:
    source: str
    evaluated_on: str
    applied: list[ExceptionRow]
    expired: list[ExceptionRow]
    unused: list[ExceptionRow]
    muted: list[MutedRow]


@dataclass(frozen=True)
class ChangeRow:
    check_id: str
    title: str
    severity: str
    account: str
    region: str
    resource_id: str
    resource_name: str
    old_status: str
    new_status: str
    message: str


@dataclass(frozen=True)
class ChangeList:
    key: str
    title: str
    explanation: str
    total: int
    rows: list[ChangeRow]

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class DiffView:
    previous_started_at: str
    previous_inventory_hash: str
    current_started_at: str
    lists: list[ChangeList]
    control_changes: list[dict[str, Any]]
    worsened: bool


@dataclass(frozen=True)
class TrendBenchmark:
    benchmark_id: str
    title: str
    chart: Markup
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str
    level: int


@dataclass
class _Toc:
    """The contents: chapters are numbered, appendices lettered; level 2 are benchmarks."""

    entries: list[TocEntry] = field(default_factory=list)
    chapters: int = 0
    appendices: int = 0

    def add(self, anchor: str, title: str, level: int = 1, *, appendix: bool = False) -> None:
        if level == 1 and appendix:
            self.appendices += 1
            title = f"Appendix {chr(ord('A') + self.appendices - 1)}: {title}"
        elif level == 1:
            self.chapters += 1
            title = f"{self.chapters} {title}"
        self.entries.append(TocEntry(anchor, title, level))

    def headings(self) -> dict[str, str]:
        return {entry.anchor: entry.title for entry in self.entries if entry.level == 1}


# ---------------------------------------------------------------------------------------- context


def build_report_context(
    result: ScanResult,
    previous: ScanResult | None = None,
    trend: Sequence[TrendPoint] | None = None,
) -> dict[str, Any]:
    """The data the report templates render: cover, summary, matrix, findings, exceptions, gaps,
    changes, trend and appendices, all read from ``result`` (pure)."""
    registry = load_checks()
    metas: dict[str, CheckMeta] = {check.id: check.meta for check in registry.all()}
    metas.update({meta.id: meta for meta in registry.detections()})
    controls_of = _controls_by_check(result.benchmarks)
    benchmarks = [_benchmark_view(score) for score in result.benchmarks]
    groups, others = _check_groups(result.findings, metas, controls_of)
    not_evaluated = _not_evaluated(result, metas)
    exceptions = _exceptions(result)
    diff = _diff(previous, result, metas) if previous is not None else None
    trend_views = _trend(trend or (), result.benchmarks)

    toc = _Toc()
    toc.add("summary", "Executive summary")
    for view in benchmarks:
        toc.add(f"summary-{view.anchor}", view.title, 2)
    if result.account_scores:
        toc.add("accounts", "Scores per account", 2)
    toc.add("method", "How the score is computed")
    toc.add("matrix", "Control matrix")
    for view in benchmarks:
        toc.add(view.anchor, view.title, 2)
    toc.add("findings", "Findings by check")
    if result.traffic is not None:
        toc.add("traffic", "Traffic analysis")
    toc.add("exceptions", "Exceptions and muted findings")
    toc.add("not-evaluated", "Not evaluated, and why")
    if diff is not None:
        toc.add("changes", "Changes since the previous scan")
    if trend_views:
        toc.add("trend", "Trend")
    toc.add("evidence", "Evidence", appendix=True)
    toc.add("failing-resources", "Failing resources by check", appendix=True)

    counts = result.counts()
    failing_total = counts[Status.FAIL]
    return {
        "title": REPORT_TITLE,
        "cover": _cover(result),
        "toc": toc.entries,
        "headings": toc.headings(),
        "summary": {
            "status_counts": [(badge(status.value), counts[status]) for status in _FINDING_ORDER],
            "total_findings": len(result.findings),
            "severity_matrix": _severity_matrix(result.findings),
            "failing_findings": failing_total,
            "failing_checks": len(groups),
            "collection_errors": len(result.collection_errors),
            "muted": counts[Status.MUTED],
            "expired_exceptions": len(exceptions.expired) if exceptions else 0,
            "top_checks": groups[:5],
        },
        "benchmarks": benchmarks,
        "accounts": result.account_scores,
        "checks": groups,
        "other_checks": others,
        "exceptions": exceptions,
        "not_evaluated": not_evaluated,
        "diff": diff,
        "trend": trend_views,
        "evidence": _evidence(result),
        "traffic": _traffic(result),
        "body_limit": BODY_RESOURCE_LIMIT,
    }


# ---------------------------------------------------------------------------------------- helpers


def badge(status: str) -> StatusBadge:
    """The label and colour class of a finding or control status (always text, never colour alone)."""
    value = str(status)
    return StatusBadge(value=value, label=_STATUS_LABELS.get(value, value), css=f"st-{value.lower()}")


def when(moment: datetime) -> str:
    """A timestamp in UTC to the minute; a naive one is taken to be UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _anchor(prefix: str, text: str) -> str:
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def _tags(tags: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted(tags.items()))


def _row(finding: Finding) -> ResourceRow:
    return ResourceRow(
        account=finding.account,
        region=finding.region,
        resource_id=finding.resource_id,
        resource_name=finding.resource_name,
        message=finding.message,
        tags=_tags(finding.tags),
    )


def _cover(result: ScanResult) -> dict[str, Any]:
    regions = sorted({region for scope in result.scopes for region in scope.regions})
    return {
        "accounts": [
            f"{scope.provider} {scope.account}"
            + (f" {scope.name}" if scope.name else "")
            + (
                " (not entered)"
                if scope.not_entered
                else f" ({len(scope.regions)} region{'s' * (len(scope.regions) != 1)})"
            )
            for scope in result.scopes
        ],
        "regions": regions,
        "benchmarks": [
            f"{score.title} ({score.benchmark_id}, version {score.version})" for score in result.benchmarks
        ],
        "started_at": when(result.started_at),
        "finished_at": when(result.finished_at),
        "date": result.started_at.strftime("%Y-%m-%d"),
        "tool_version": result.tool_version,
        "inventory_hash": result.inventory_hash,
        "source": result.source,
        "source_words": _SOURCE_WORDS.get(result.source, result.source),
        "api_calls": result.api_calls,
        "findings": len(result.findings),
    }


def _controls_by_check(scores: Iterable[BenchmarkScore]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for score in scores:
        for control in score.controls:
            for check_id in control.check_ids:
                out.setdefault(check_id, []).append(f"{score.benchmark_id} {control.control_id}")
    return out


def _severity_matrix(findings: Sequence[Finding]) -> dict[str, Any]:
    counted = Counter((finding.severity, finding.status) for finding in findings)
    rows = [
        (severity.value, [counted[(severity, status)] for status in _FINDING_ORDER])
        for severity in sorted(Severity, key=lambda s: s.rank)
    ]
    return {"columns": [badge(status.value) for status in _FINDING_ORDER], "rows": rows}


# ---- benchmarks


def _control_row(control: ControlResult) -> ControlRow:
    failing = control.failing_resources
    reason = control.reason
    if control.status is ControlStatus.MUTED and control.unmuted_status is not None:
        reason = f"Would be {control.unmuted_status.value} without its exceptions; {reason}"
    return ControlRow(
        control_id=control.control_id,
        title=control.title,
        level=control.level,
        assessment=control.assessment,
        status=badge(control.status.value),
        severity=control.severity.value if control.severity else "",
        failing_count=len(failing),
        examples=[_split_qualified(name) for name in failing[:MATRIX_EXAMPLES]],
        more_failing=max(0, len(failing) - MATRIX_EXAMPLES),
        reason=reason,
    )


def _split_qualified(name: str) -> tuple[str, str]:
    """'account/region/resource' (``ControlResult.failing_resources``) -> ('account/region', 'resource')."""
    parts = name.split("/", 2)
    if len(parts) < 3:
        return "", name
    return f"{parts[0]}/{parts[1]}", parts[2]


def _benchmark_view(score: BenchmarkScore) -> BenchmarkView:
    titles = {section.section_id: section.title for section in score.sections}
    blocks: list[SectionBlock] = []
    for section in score.sections:
        rows = [_control_row(c) for c in score.controls if c.section == section.section_id]
        reasons = {row.reason for row in rows}
        note = ""
        if len(rows) > 1 and len(reasons) == 1 and (shared := reasons.pop()):
            note = shared
            rows = [replace(row, reason="") for row in rows]
        blocks.append(SectionBlock(section.section_id, section.title, section.figures, rows, note))
    orphans = [_control_row(c) for c in score.controls if c.section not in titles]
    if orphans:
        blocks.append(SectionBlock("", "Other controls", ScoreFigures.of([]), orphans))
    bars = section_bars(
        [
            (f"{section.section_id} {section.title}", section.figures.control_ratio, section.figures.coverage)
            for section in score.sections
        ]
    )
    return BenchmarkView(
        benchmark_id=score.benchmark_id,
        anchor=_anchor("benchmark", score.benchmark_id),
        title=score.title,
        version=score.version,
        figures=score.figures,
        levels=[(name, figures) for name, figures in sorted(score.levels.items())],
        sections=blocks,
        donut=Markup(score_donut(score.figures.control_ratio, score.figures.coverage, "controls passed")),
        bars=Markup(bars),
    )


# ---- findings by check


def _check_groups(
    findings: Sequence[Finding], metas: Mapping[str, CheckMeta], controls_of: Mapping[str, list[str]]
) -> tuple[list[CheckGroup], list[CheckLine]]:
    by_check: dict[str, list[Finding]] = {}
    for finding in findings:
        by_check.setdefault(finding.check_id, []).append(finding)
    groups: list[CheckGroup] = []
    others: list[CheckLine] = []
    for index, (check_id, members) in enumerate(sorted(by_check.items())):
        meta = metas.get(check_id)
        severity = meta.severity if meta else min((f.severity for f in members), key=lambda s: s.rank)
        status_counts = Counter(f.status for f in members)
        failing = sorted(
            (f for f in members if f.status is Status.FAIL),
            key=lambda f: (f.account, f.region, f.resource_id),
        )
        title = meta.title if meta else check_id
        if not failing:
            others.append(
                CheckLine(check_id, title, severity.value, {s.value: status_counts[s] for s in Status})
            )
            continue
        rows = [_row(f) for f in failing]
        groups.append(
            CheckGroup(
                check_id=check_id,
                anchor=_anchor(f"check{index}", check_id),
                appendix_anchor=_anchor(f"appendix{index}", check_id),
                title=title,
                service=meta.service if meta else failing[0].service,
                severity=severity.value,
                rationale=meta.rationale if meta else "",
                risk=meta.risk if meta else "",
                remediation_text=meta.remediation.text if meta else "",
                console_steps=list(meta.remediation.console) if meta else [],
                command=remediation_command(meta, failing[0]) if meta else "",
                generic_command=meta.remediation.cli if meta else "",
                references=list(meta.references) if meta else [],
                controls=controls_of.get(check_id, []),
                counts=[(badge(s.value), status_counts[s]) for s in _FINDING_ORDER if status_counts[s]],
                failing=rows,
                shown=rows[:BODY_RESOURCE_LIMIT],
                more=max(0, len(rows) - BODY_RESOURCE_LIMIT),
            )
        )
    groups.sort(key=lambda g: (Severity(g.severity).rank, -len(g.failing), g.check_id))
    others.sort(key=lambda c: (Severity(c.severity).rank, c.check_id))
    return groups, others


# ---- not evaluated


def _error_dict(error: CollectionError) -> dict[str, str]:
    return {
        "provider": error.provider,
        "account": error.account,
        "service": error.service,
        "operation": error.operation,
        "region": error.region,
        "kind": _KIND_WORDS.get(error.kind, error.kind),
        "code": error.code,
        "message": error.message,
        "dataset": error.dataset,
        "resource": error.resource,
    }


def _not_evaluated(result: ScanResult, metas: Mapping[str, CheckMeta]) -> NotEvaluatedView:
    errors = sorted(
        result.collection_errors, key=lambda e: (e.provider, e.account, e.service, e.region, e.operation)
    )
    error_controls: list[ControlNote] = []
    manual_controls: list[ControlNote] = []
    pending: dict[tuple[str, str], list[str]] = {}
    out_of_scope: dict[tuple[str, str], list[str]] = {}
    for score in result.benchmarks:
        for control in score.controls:
            note = ControlNote(score.benchmark_id, control.control_id, control.title, control.reason)
            if control.status is ControlStatus.ERROR:
                error_controls.append(note)
            elif control.status is ControlStatus.MANUAL:
                manual_controls.append(note)
            elif control.status is ControlStatus.NOT_ASSESSED:
                target = out_of_scope if not control.in_scope else pending
                target.setdefault((score.benchmark_id, control.reason), []).append(control.control_id)
    error_findings: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.status is Status.ERROR:
            error_findings.setdefault(finding.check_id, []).append(finding)
    error_checks = [
        ErrorCheck(
            check_id=check_id,
            title=metas[check_id].title if check_id in metas else check_id,
            count=len(found),
            regions=sorted({f.region for f in found}),
            message=found[0].message,
        )
        for check_id, found in sorted(error_findings.items())
    ]
    return NotEvaluatedView(
        collection_errors=[_error_dict(e) for e in errors],
        error_controls=error_controls,
        error_checks=error_checks,
        manual_controls=manual_controls,
        pending=[ScopeGroup(b, reason, ids) for (b, reason), ids in pending.items()],
        out_of_scope=[ScopeGroup(b, reason, ids) for (b, reason), ids in out_of_scope.items()],
    )


# ---- exceptions


def _applies_to(rule: Any) -> str:
    parts = [f"check {rule.check}" if rule.check else f"control {rule.control}"]
    for name in ("account", "region", "resource"):
        value = getattr(rule, name)
        if value:
            parts.append(f"{name} {value}")
    if rule.tags:
        parts.append("tags " + _tags(rule.tags))
    return ", ".join(parts)


def _exceptions(result: ScanResult) -> ExceptionsView | None:
    muted = sorted(
        (f for f in result.findings if f.muted is not None),
        key=lambda f: (
            f.muted.exception_id if f.muted else "",
            f.check_id,
            f.account,
            f.region,
            f.resource_id,
        ),
    )
    muted_rows = [
        MutedRow(
            check_id=f.check_id,
            account=f.account,
            region=f.region,
            resource_id=f.resource_id,
            resource_name=f.resource_name,
            tags=_tags(f.tags),
            original_status=badge(f.muted.original_status.value),
            exception_id=f.muted.exception_id,
            owner=f.muted.owner,
            reason=f.muted.reason,
            expires=f.muted.expires.isoformat(),
        )
        for f in muted
        if f.muted is not None
    ]
    report = result.exceptions
    if report is None:
        if not muted_rows:
            return None
        return ExceptionsView("", "", [], [], [], muted_rows)

    def row(rule: Any, count: int, days: int = 0, note: str = "") -> ExceptionRow:
        return ExceptionRow(
            exception_id=rule.id or "",
            owner=rule.owner,
            reason=rule.reason,
            expires=rule.expires.isoformat(),
            applies_to=_applies_to(rule),
            count=count,
            days_expired=days,
            note=note,
        )

    return ExceptionsView(
        source=report.source,
        evaluated_on=report.evaluated_on.isoformat(),
        applied=[row(a.exception, len(a.findings)) for a in report.applied],
        expired=[row(e.exception, len(e.findings), e.days_expired) for e in report.expired],
        unused=[row(u.exception, 0, note=u.reason) for u in report.unused],
        muted=muted_rows,
    )


# ---- changes and trend


def _control_statuses(result: ScanResult) -> dict[tuple[str, str], str]:
    return {
        (score.benchmark_id, control.control_id): control.status.value
        for score in result.benchmarks
        for control in score.controls
    }


def _change_row(change: FindingChange, metas: Mapping[str, CheckMeta]) -> ChangeRow:
    meta = metas.get(change.check_id)
    return ChangeRow(
        check_id=change.check_id,
        title=meta.title if meta else change.check_id,
        severity=change.severity.value,
        account=change.account,
        region=change.region,
        resource_id=change.resource_id,
        resource_name=change.resource_name,
        old_status=change.old_status.value if change.old_status else "absent",
        new_status=change.new_status.value if change.new_status else "gone",
        message=change.message,
    )


def _change_list(
    key: str, title: str, explanation: str, changes: Sequence[FindingChange], metas: Mapping[str, CheckMeta]
) -> ChangeList:
    ordered = sorted(changes, key=lambda c: (c.severity.rank, c.check_id, c.account, c.region, c.resource_id))
    rows = [_change_row(c, metas) for c in ordered[:DIFF_ROW_LIMIT]]
    return ChangeList(key, title, explanation, len(changes), rows)


def _control_change(change: ControlChange) -> dict[str, Any]:
    return {
        "benchmark_id": change.benchmark_id,
        "control_id": change.control_id,
        "old": badge(change.old_status) if change.old_status else None,
        "new": badge(change.new_status) if change.new_status else None,
        "regressed": change.regressed,
        "improved": change.improved,
    }


def _diff(previous: ScanResult, result: ScanResult, metas: Mapping[str, CheckMeta]) -> DiffView:
    diff: ScanDiff = diff_scans(previous, result, _control_statuses(previous), _control_statuses(result))
    lists = [
        _change_list(
            "new",
            "New failures",
            "Failing now; absent from the previous scan or not failing there "
            "(a regression from PASS is listed apart).",
            diff.new_failures,
            metas,
        ),
        _change_list(
            "regressions", "Regressions", "PASS in the previous scan, FAIL now.", diff.regressions, metas
        ),
        _change_list(
            "fixed",
            "Fixed",
            "FAIL in the previous scan; PASS now, or the resource is gone from a scope this scan covered.",
            diff.fixed,
            metas,
        ),
        _change_list(
            "not-evaluated",
            "Newly not evaluated",
            "PASS or FAIL before, ERROR now: the data could not be read this time.",
            diff.newly_not_evaluated,
            metas,
        ),
        _change_list(
            "not-rescanned",
            "Not rescanned",
            "FAIL in the previous scan, in an account or region this "
            "scan did not cover; not counted as fixed.",
            diff.not_rescanned,
            metas,
        ),
    ]
    return DiffView(
        previous_started_at=when(previous.started_at),
        previous_inventory_hash=previous.inventory_hash,
        current_started_at=when(result.started_at),
        lists=lists,
        control_changes=[_control_change(c) for c in diff.control_changes],
        worsened=diff.worsened,
    )


def _trend(points: Sequence[TrendPoint], scores: Sequence[BenchmarkScore]) -> list[TrendBenchmark]:
    ordered = sorted(points, key=lambda p: p.started_at)
    if len(ordered) < 2:
        return []
    titles = {score.benchmark_id: score.title for score in scores}
    ids: list[str] = []
    for point in ordered:
        for row in point.scores:
            if row.benchmark_id not in ids:
                ids.append(row.benchmark_id)
    views: list[TrendBenchmark] = []
    for benchmark_id in ids:
        rows: list[dict[str, Any]] = []
        for point in ordered:
            row = next((r for r in point.scores if r.benchmark_id == benchmark_id), None)
            if row is None:
                continue
            rows.append(
                {
                    "date": when(point.started_at),
                    "label": point.started_at.strftime("%Y-%m-%d"),
                    "ratio": row.control_ratio,
                    "weighted": row.weighted_score,
                    "coverage": row.coverage,
                    "failing": point.counts.get("FAIL", 0),
                }
            )
        if len(rows) < 2:
            continue
        chart = trend_line([(r["label"], r["ratio"]) for r in rows])
        views.append(
            TrendBenchmark(benchmark_id, titles.get(benchmark_id, benchmark_id), Markup(chart), rows)
        )
    return views


# ---- evidence


def _evidence(result: ScanResult) -> dict[str, Any]:
    return {
        "scopes": [
            {
                "provider": scope.provider,
                "account": scope.account,
                "regions": scope.regions,
                "inventory": sorted(scope.inventory_summary.items()),
            }
            for scope in result.scopes
        ],
        "inventory_hash": result.inventory_hash,
        "api_calls": result.api_calls,
        "api_calls_by_service": sorted(result.api_calls_by_service.items()),
        "started_at": when(result.started_at),
        "finished_at": when(result.finished_at),
        "source": result.source,
        "tool_version": result.tool_version,
        "schema_version": result.schema_version,
        "findings": len(result.findings),
        "collection_errors": len(result.collection_errors),
    }


def _traffic(result: ScanResult) -> dict[str, Any] | None:
    """The 'Traffic analysis' chapter: what the flow-log rules read, detected, and the top talkers."""
    summary = result.traffic
    if summary is None:
        return None
    detections = [f for f in result.findings if f.service == "flows" and f.status is Status.FAIL]
    detections.sort(key=lambda f: (Severity(f.severity).rank, f.check_id, f.resource_id))
    return {
        "summary": summary,
        "chart": talker_bars(
            [(f"{r.srcaddr} \u2192 {r.dstaddr}", r.bytes) for r in summary.top_talkers[:10]]
        ),
        "talkers": summary.top_talkers[:10],
        "rejected": summary.top_rejected[:10],
        "detections": [
            {
                "check_id": f.check_id,
                "severity": f.severity.value,
                "account": f.account,
                "resource": f.resource_id,
                "message": f.message,
                "response": "; ".join(r["response"] for r in f.evidence.get("runbook", [])),
            }
            for f in detections
        ],
        "errors": summary.input_errors[:20],
        "bytes": human_bytes,
    }
