"""A flow analysis as a ``ScanResult`` (``auditor flows analyze``), or added to one (``auditor demo``)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from auditor import __version__
from auditor.flows.analysis import FlowAnalysis
from auditor.scan_result import ScanResult, ScanScope


def flow_scopes(analysis: FlowAnalysis) -> list[ScanScope]:
    regions: dict[tuple[str, str], set[str]] = {}
    for finding in analysis.findings:
        regions.setdefault((finding.provider, finding.account), set()).add(finding.region)
    return [
        ScanScope(provider=provider, account=account, regions=sorted(names))  # type: ignore[arg-type]
        for (provider, account), names in sorted(regions.items())
    ]


def analysis_hash(analysis: FlowAnalysis) -> str:
    summary = analysis.summary
    key = "|".join([*summary.inputs, str(summary.files), str(summary.input_bytes), str(summary.records_read)])
    return hashlib.sha256(key.encode()).hexdigest()


def flow_scan_result(analysis: FlowAnalysis, started_at: datetime) -> ScanResult:
    return ScanResult(
        tool_version=__version__,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        source="live",
        scopes=flow_scopes(analysis),
        inventory_hash=analysis_hash(analysis),
        api_calls=0,
        findings=analysis.findings,
        traffic=analysis.summary,
    )


def with_flow_analysis(result: ScanResult, analysis: FlowAnalysis) -> ScanResult:
    """The scan result with the flow findings added and the traffic summary set (scores unchanged: the
    flow rules are detections, not benchmark controls)."""
    return result.model_copy(
        update={"findings": [*result.findings, *analysis.findings], "traffic": analysis.summary}
    )
