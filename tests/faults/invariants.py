"""What every fault case must show, whatever the provider: the fault is contained and never passes.

``assert_fault_contained(baseline, faulted, services)`` compares a clean scan with the same scan under a
fault: the faulted scan completed and recorded collection errors of the faulted services only; every
finding that changed status became ERROR, and its message names a failed read and its region
("service:operation in region"); nothing that was not
PASS became PASS; the benchmark coverage did not rise; and the history keeps the partial scan as it was.

``assert_empty_is_honest(baseline, emptied, services)`` is the rule for a valid answer with nothing in it,
which is not a failure: no collection error (a field the API always returns being absent may make the
read ``malformed``, never anything else, and only for the emptied services); every finding that changed
became what "nothing there" deserves, FAIL or NOT_APPLICABLE, or ERROR naming a malformed read; nothing
became PASS that was not PASS on the full estate; the coverage did not rise; and the history keeps the
scan. (Whether the empty answer was read at all is the caller's to prove: the emulator counts it.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.history import HistoryStore
from auditor.model import Finding, Status
from auditor.scan_result import ScanResult


def _key(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.account, finding.check_id, finding.region, finding.resource_id)


def assert_fault_contained(
    baseline: ScanResult,
    faulted: ScanResult,
    services: set[str],
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert faulted.collection_errors, "the fault left no trace in the scan"
    assert {error.service for error in faulted.collection_errors} <= services
    before = {_key(f): f for f in baseline.findings}
    errors_named = {f"{e.service}:{e.operation} in {e.region}" for e in faulted.collection_errors}
    changed = 0
    for finding in faulted.findings:
        old = before.get(_key(finding))
        if finding.status is Status.PASS:
            assert old is not None and old.status is Status.PASS, f"{_key(finding)} became PASS"
        if old is not None and old.status is not finding.status:
            changed += 1
            assert finding.status is Status.ERROR, f"{_key(finding)}: {old.status} -> {finding.status}"
        if finding.status is Status.ERROR and (old is None or old.status is not Status.ERROR):
            assert any(name in finding.message for name in errors_named), finding.message
    assert changed or any(f.status is Status.ERROR for f in faulted.findings), "no check noticed the fault"
    _assert_coverage_did_not_rise(baseline, faulted)
    _assert_history_keeps(faulted, home, monkeypatch)


def assert_empty_is_honest(
    baseline: ScanResult,
    emptied: ScanResult,
    services: set[str],
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    errors = emptied.collection_errors
    assert {e.service for e in errors} <= services, errors
    assert {e.kind for e in errors} <= {"malformed"}, errors
    errors_named = {f"{e.service}:{e.operation} in {e.region}" for e in errors}
    before = {_key(f): f for f in baseline.findings}
    for finding in emptied.findings:
        old = before.get(_key(finding))
        if finding.status is Status.PASS:
            assert old is not None and old.status is Status.PASS, f"{_key(finding)} became PASS on empty"
        if old is not None and old.status is finding.status:
            continue
        if finding.status is Status.ERROR:
            assert any(name in finding.message for name in errors_named), finding.message
        else:
            assert finding.status in (Status.FAIL, Status.NOT_APPLICABLE), (_key(finding), finding.status)
    _assert_coverage_did_not_rise(baseline, emptied)
    _assert_history_keeps(emptied, home, monkeypatch)


def _assert_coverage_did_not_rise(baseline: ScanResult, faulted: ScanResult) -> None:
    for old_score, new_score in zip(baseline.benchmarks, faulted.benchmarks, strict=True):
        assert (new_score.figures.coverage or 0) <= (old_score.figures.coverage or 0), new_score.benchmark_id


def _assert_history_keeps(scan: ScanResult, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(home))
    store = HistoryStore()
    kept = store.load(store.save(scan, scan.benchmarks))
    assert [(f.id, f.status) for f in kept.findings] == [(f.id, f.status) for f in scan.findings]
    assert len(kept.collection_errors) == len(scan.collection_errors)
