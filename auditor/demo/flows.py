"""The demo's flow-log set: generated (a scanner, SSH and RDP brute forcers, an exfiltrating host) into a
temporary directory in the S3 key layout, and analysed with the rules' default thresholds."""

from __future__ import annotations

import tempfile
from pathlib import Path

from auditor.flows.analysis import FlowAnalysis, analyze
from auditor.flows.generate import write_demo_set
from auditor.flows.parameters import RuleParameters


def analyze_demo_flows() -> FlowAnalysis:
    with tempfile.TemporaryDirectory(prefix="auditor-demo-flows-") as scratch:
        scenario, _ = write_demo_set(Path(scratch))
        analysis = analyze([scratch], RuleParameters(window_end=scenario.window_end))
    # The inputs were a temporary directory: name them for what they are.
    summary = analysis.summary.model_copy(update={"inputs": ["demo flow-log set (generated)"]})
    errors = [e.model_copy(update={"file": e.file.replace(scratch, "demo")}) for e in summary.input_errors]
    summary = summary.model_copy(update={"input_errors": errors})
    return FlowAnalysis(analysis.findings, summary, analysis.rows)
