"""What changed between two scans, per finding and per benchmark control. Pure: no I/O, no clock.

Findings are compared by ``Finding.id``, which is stable across scans (provider, account, region,
check and resource). The categories are disjoint; a finding appears in at most one:

- ``regressions``: PASS in the old scan, FAIL in the new one.
- ``new_failures``: FAIL in the new scan and absent from the old one, or there neither FAIL nor PASS
  (ERROR, MANUAL, MUTED, NOT_APPLICABLE: e.g. an exception expired). PASS -> FAIL is a regression.
  ``all_new_failures`` gives both (every finding FAIL now and not FAIL before).
- ``fixed``: FAIL in the old scan, and PASS in the new one or gone from it (``new_status`` None: the
  resource was deleted) although the new scan covered its account and region.
- ``not_rescanned``: FAIL in the old scan, absent from the new one because the new scan did not cover
  its account or region; not counted as fixed.
- ``newly_not_evaluated``: ERROR in the new scan, PASS or FAIL in the old one.

Controls are compared by (benchmark_id, control_id); every control whose status text differs (or that
appears or disappears) is a ``ControlChange``. A control *regressed* when it reads FAIL now and did not
before.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from auditor.model import Finding, Severity, Status
from auditor.scan_result import ScanResult

ControlKey = tuple[str, str]
"""(benchmark_id, control_id)."""


class FindingChange(BaseModel):
    """One finding whose status changed, with enough to print it without the scans."""

    model_config = ConfigDict(frozen=True)

    finding_id: str
    check_id: str
    provider: str
    account: str
    region: str
    resource_id: str
    resource_name: str = ""
    severity: Severity
    old_status: Status | None = Field(description="None: the finding was not in the old scan.")
    new_status: Status | None = Field(description="None: the finding is not in the new scan.")
    message: str = Field(description="The newest message about the resource.")


class ControlChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    benchmark_id: str
    control_id: str
    old_status: str | None
    new_status: str | None

    @property
    def regressed(self) -> bool:
        """FAIL now, and not FAIL (or absent) before."""
        return _is_fail(self.new_status) and not _is_fail(self.old_status)

    @property
    def improved(self) -> bool:
        return _is_fail(self.old_status) and not _is_fail(self.new_status)


class ScanDiff(BaseModel):
    model_config = ConfigDict(frozen=True)

    old_started_at: datetime
    new_started_at: datetime
    new_failures: list[FindingChange] = Field(default_factory=list)
    fixed: list[FindingChange] = Field(default_factory=list)
    regressions: list[FindingChange] = Field(default_factory=list)
    newly_not_evaluated: list[FindingChange] = Field(default_factory=list)
    not_rescanned: list[FindingChange] = Field(default_factory=list)
    control_changes: list[ControlChange] = Field(default_factory=list)

    @property
    def all_new_failures(self) -> list[FindingChange]:
        """Every finding FAIL in the new scan and not FAIL in the old one (new failures + regressions)."""
        return sorted([*self.new_failures, *self.regressions], key=_change_order)

    @property
    def control_regressions(self) -> list[ControlChange]:
        return [change for change in self.control_changes if change.regressed]

    @property
    def worsened(self) -> bool:
        """New failures, regressions, or a control that now fails: what makes `auditor diff` exit 3."""
        return bool(self.new_failures or self.regressions or self.control_regressions)


def diff_scans(
    old: ScanResult,
    new: ScanResult,
    old_controls: Mapping[ControlKey, str] | None = None,
    new_controls: Mapping[ControlKey, str] | None = None,
) -> ScanDiff:
    """Compare two scans (and optionally their per-control statuses, as stored by history)."""
    old_by_id = {finding.id: finding for finding in old.findings}
    new_by_id = {finding.id: finding for finding in new.findings}
    new_failures: list[FindingChange] = []
    fixed: list[FindingChange] = []
    regressions: list[FindingChange] = []
    not_evaluated: list[FindingChange] = []
    not_rescanned: list[FindingChange] = []
    for finding_id, now in new_by_id.items():
        before = old_by_id.get(finding_id)
        was = before.status if before is not None else None
        if now.status is Status.FAIL and was is Status.PASS:
            regressions.append(_change(before, now))
        elif now.status is Status.FAIL and was is not Status.FAIL:
            new_failures.append(_change(before, now))
        elif now.status is Status.PASS and was is Status.FAIL:
            fixed.append(_change(before, now))
        elif now.status is Status.ERROR and was in (Status.PASS, Status.FAIL):
            not_evaluated.append(_change(before, now))
    covered = _Covered(old, new)
    for finding_id, before in old_by_id.items():
        if finding_id in new_by_id or before.status is not Status.FAIL:
            continue
        if covered(before):
            fixed.append(_change(before, None))
        else:
            not_rescanned.append(_change(before, None))
    return ScanDiff(
        old_started_at=old.started_at,
        new_started_at=new.started_at,
        new_failures=sorted(new_failures, key=_change_order),
        fixed=sorted(fixed, key=_change_order),
        regressions=sorted(regressions, key=_change_order),
        newly_not_evaluated=sorted(not_evaluated, key=_change_order),
        not_rescanned=sorted(not_rescanned, key=_change_order),
        control_changes=diff_controls(old_controls or {}, new_controls or {}),
    )


def diff_controls(old: Mapping[ControlKey, str], new: Mapping[ControlKey, str]) -> list[ControlChange]:
    """Every control whose status differs, sorted by benchmark and control."""
    changes = [
        ControlChange(
            benchmark_id=key[0], control_id=key[1], old_status=old.get(key), new_status=new.get(key)
        )
        for key in set(old) | set(new)
        if old.get(key) != new.get(key)
    ]
    return sorted(changes, key=lambda c: (c.benchmark_id, _natural(c.control_id)))


def _change(before: Finding | None, now: Finding | None) -> FindingChange:
    finding = now or before
    assert finding is not None
    return FindingChange(
        finding_id=finding.id,
        check_id=finding.check_id,
        provider=finding.provider,
        account=finding.account,
        region=finding.region,
        resource_id=finding.resource_id,
        resource_name=finding.resource_name,
        severity=finding.severity,
        old_status=before.status if before is not None else None,
        new_status=now.status if now is not None else None,
        message=finding.message,
    )


class _Covered:
    """Whether the new scan looked where an old finding was: its account, and its region if scoped."""

    def __init__(self, old: ScanResult, new: ScanResult) -> None:
        self.old_regions = {(s.provider, s.account): set(s.regions) for s in old.scopes}
        self.new_regions = {(s.provider, s.account): set(s.regions) for s in new.scopes}

    def __call__(self, finding: Finding) -> bool:
        key = (finding.provider, finding.account)
        if key not in self.new_regions:
            return False
        # A region the old scan did not list (e.g. 'global' for account-wide checks) follows the account.
        return finding.region in self.new_regions[key] or finding.region not in self.old_regions.get(
            key, set()
        )


def _change_order(change: FindingChange) -> tuple[str, ...]:
    return (change.provider, change.account, change.check_id, change.region, change.resource_id)


def _natural(control_id: str) -> tuple[tuple[int, str], ...]:
    """'6.10' after '6.9'."""
    return tuple((int(part), "") if part.isdigit() else (1 << 30, part) for part in control_id.split("."))


def _is_fail(status: str | None) -> bool:
    return status is not None and status.strip().upper() in ("FAIL", "FAILED", "FAILING")
