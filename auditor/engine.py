"""The engine: evaluate checks over inventories and assemble the ScanResult.

Pure apart from the clock the caller passes in: the same inventories always give the same findings,
in the same order, which is what makes ``--from-snapshot`` replay exact.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

from auditor import __version__
from auditor.benchmarks import Benchmark, available_benchmarks, load_benchmark
from auditor.exceptions import ExceptionsFile, apply_exceptions, control_check_map
from auditor.inventory import Inventory
from auditor.model import Finding, Status
from auditor.registry import Check, CheckRegistry, load_checks
from auditor.scan_result import ScanResult, ScanScope
from auditor.scoring import score_accounts, score_benchmark


def evaluate(inventories: Sequence[Inventory], registry: CheckRegistry | None = None) -> list[Finding]:
    """Run every check of each inventory's provider. A check that raises gives ERROR, never PASS."""
    registry = registry or load_checks()
    findings: list[Finding] = []
    for inventory in inventories:
        for check in registry.all(inventory.provider):
            findings.extend(_run_one(check, inventory))
    return sorted(findings, key=_finding_order)


def _run_one(check: Check[Any], inventory: Inventory) -> list[Finding]:
    if inventory.entry_error is not None:  # nothing was collected: never PASS, never NOT_APPLICABLE
        return [check.not_entered(inventory.account, inventory.entry_error)]
    try:
        return list(check.run(inventory, inventory.account))
    except Exception as error:  # a broken check must not hide the others, nor pass
        return [check.crashed(inventory.account, error)]


def _finding_order(finding: Finding) -> tuple[str, ...]:
    return (finding.provider, finding.account, finding.check_id, finding.region, finding.resource_id)


def inventory_hash(inventories: Sequence[Inventory]) -> str:
    """sha256 over the canonical JSON of the inventories: the evidence's fingerprint."""
    canonical = json.dumps(
        [inv.model_dump(mode="json") for inv in inventories], sort_keys=True, separators=(",", ":")
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def build_scan_result(
    inventories: Sequence[Inventory],
    *,
    started_at: datetime,
    finished_at: datetime,
    source: Literal["live", "snapshot", "demo"],
    registry: CheckRegistry | None = None,
    benchmarks: Sequence[Benchmark] = (),
    exceptions: ExceptionsFile | None = None,
    today: date | None = None,
) -> ScanResult:
    """Evaluate, apply the exceptions (as of ``today``, default: the scan's end date), score.

    The order matters: exceptions turn findings MUTED before scoring, so a muted finding is shown
    but never scored, and an expired exception mutes nothing and is reported.
    """
    findings = evaluate(inventories, registry)
    report = None
    if exceptions is not None:
        every_catalog = [load_benchmark(benchmark_id) for benchmark_id in available_benchmarks()]
        outcome = apply_exceptions(
            findings, exceptions, today or finished_at.date(), control_check_map(every_catalog)
        )
        findings = list(outcome.findings)
        report = outcome.report
    calls: Counter[str] = Counter()
    for inventory in inventories:
        for key, count in inventory.api_calls.items():
            calls[key.split(":", 1)[0]] += count
    scopes = [
        ScanScope(
            provider=inv.provider,
            account=inv.account,
            regions=inv.scope_regions(),
            inventory_summary=inv.summary(),
            name=inv.account_name,
            not_entered=inv.entry_error.describe() if inv.entry_error is not None else "",
        )
        for inv in inventories
    ]
    per_account = [(s.provider, s.account, s.name, s.not_entered) for s in scopes]
    return ScanResult(
        tool_version=__version__,
        started_at=started_at,
        finished_at=finished_at,
        source=source,
        scopes=scopes,
        inventory_hash=inventory_hash(inventories),
        api_calls=sum(calls.values()),
        api_calls_by_service=dict(sorted(calls.items())),
        collection_errors=[
            error
            for inv in inventories
            for error in ([inv.entry_error] if inv.entry_error is not None else []) + inv.errors
        ],
        findings=findings,
        benchmarks=[score_benchmark(benchmark, findings) for benchmark in benchmarks],
        exceptions=report,
        account_scores=score_accounts(benchmarks, findings, per_account) if len(scopes) > 1 else [],
    )


def exit_code(result: ScanResult) -> int:
    """3 when anything FAILs; 1 when nothing fails but something could not be evaluated; else 0."""
    counts = result.counts()
    if counts[Status.FAIL]:
        return 3
    if counts[Status.ERROR]:
        return 1
    return 0
