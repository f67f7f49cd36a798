"""Every rule over every format: the generated scenario's planted attackers are found, nothing else is."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from auditor.flows.analysis import analyze
from auditor.flows.parameters import RuleParameters
from auditor.model import Status
from tests.flows.conftest import WRITERS

PROVIDER_ACCOUNT = {
    "aws": "123456789012",
    "azure": "00000000-0000-0000-0000-000000000001",
    "gcp": "demo-project",
}


def _failing(analysis, check: str) -> dict[str, str]:
    return {
        f.resource_id: f.message
        for f in analysis.findings
        if f.check_id.endswith(check) and f.status is Status.FAIL
    }


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_each_rule_finds_the_planted_attacker(scenario_sets, name):
    scenario, directory = scenario_sets[name]
    provider = WRITERS[name][0]
    analysis = analyze([str(directory)], RuleParameters(window_end=scenario.window_end))

    assert analysis.summary.records_rejected == 0
    assert analysis.summary.input_errors == []
    assert set(_failing(analysis, ".ssh_brute_force")) == {scenario.ssh_brute_forcer}
    assert (
        f"made {scenario.ssh_attempts} rejected attempts on port 22"
        in _failing(analysis, ".ssh_brute_force")[scenario.ssh_brute_forcer]
    )
    assert set(_failing(analysis, ".rdp_brute_force")) == {scenario.rdp_brute_forcer}
    assert set(_failing(analysis, ".port_scan")) == {scenario.scanner}
    assert (
        f"reached {scenario.scanned_ports} distinct ports"
        in _failing(analysis, ".port_scan")[scenario.scanner]
    )
    exfil = _failing(analysis, ".possible_exfiltration")
    assert set(exfil) == {scenario.exfiltrator}
    assert f"sent {scenario.exfil_bytes:,} bytes" in exfil[scenario.exfiltrator]
    # The usual destination moved 200 MB (> 100 MB) but the baseline saw it: only the exfiltration is new.
    assert set(_failing(analysis, ".new_destination_transfer")) == {scenario.exfiltrator}
    # 470 rejected of 2505 flows in the window: 18.8 % > 5 %.
    ratio = _failing(analysis, ".rejected_flow_ratio")
    assert list(ratio.values()) == ["18.8% of 2505 flows were rejected (threshold 5%)"]
    assert _failing(analysis, ".outbound_volume") == {}
    for finding in analysis.findings:
        assert finding.provider == provider
        assert finding.account == PROVIDER_ACCOUNT[provider]
        assert finding.service == "flows"
    assert analysis.summary.rejected_flows == 470
    assert analysis.summary.baseline_records == 50


def test_findings_carry_evidence_rows_and_the_runbook_response(scenario_sets):
    scenario, directory = scenario_sets["aws-module-format-gzip"]
    analysis = analyze([str(directory)], RuleParameters(window_end=scenario.window_end))
    exfil = next(f for f in analysis.findings if f.check_id == "aws.flows.possible_exfiltration")
    assert exfil.region == "global"  # the files are not in the S3 key layout and carry no region field
    assert exfil.evidence["rows"] == [
        {
            "provider": "aws",
            "account_id": "123456789012",
            "region": None,
            "srcaddr": scenario.exfiltrator,
            "dstaddr": scenario.exfil_destination,
            "total_bytes": scenario.exfil_bytes,
            "flows": 15,
        }
    ]
    assert [r["response"] for r in exfil.evidence["runbook"]] == ["Revoke access, forensics"]
    ssh = next(f for f in analysis.findings if f.check_id == "aws.flows.ssh_brute_force")
    assert [r["response"] for r in ssh.evidence["runbook"]] == ["Block source IP via NACL"]
    assert ssh.severity.value == "high"
    talkers = analysis.summary.top_talkers
    assert (talkers[0].srcaddr, talkers[0].dstaddr, talkers[0].bytes) == (
        scenario.exfiltrator,
        scenario.exfil_destination,
        scenario.exfil_bytes,
    )
    assert analysis.summary.top_rejected[0].srcaddr == scenario.ssh_brute_forcer


def test_thresholds_are_configurable(scenario_sets):
    scenario, directory = scenario_sets["aws-default-v2-plain"]
    parameters = RuleParameters(
        window_end=scenario.window_end,
        exfil_bytes=100_000_000,
        ssh_attempts=scenario.ssh_attempts,  # "over" the threshold: 150 is not > 150
        scan_ports=scenario.scanned_ports + 1,
        rejected_ratio=0.20,
        outbound_bytes_per_day=1_000_000_000,
    )
    analysis = analyze([str(directory)], parameters)
    assert set(_failing(analysis, ".possible_exfiltration")) == {scenario.exfiltrator, "10.0.1.40"}
    assert _failing(analysis, ".ssh_brute_force") == {}
    assert _failing(analysis, ".port_scan") == {}
    assert _failing(analysis, ".rejected_flow_ratio") == {}
    assert len(_failing(analysis, ".outbound_volume")) == 1
    statuses = {f.check_id: f.status for f in analysis.findings if f.check_id == "aws.flows.ssh_brute_force"}
    assert statuses == {"aws.flows.ssh_brute_force": Status.PASS}


def test_private_ranges_are_configurable(scenario_sets):
    scenario, directory = scenario_sets["aws-default-v2-plain"]
    parameters = RuleParameters(
        window_end=scenario.window_end, private_cidrs=("10.0.0.0/8", "185.199.108.0/22")
    )
    analysis = analyze([str(directory)], parameters)
    assert _failing(analysis, ".possible_exfiltration") == {}


def test_records_outside_the_window_are_not_analysed(scenario_sets):
    scenario, directory = scenario_sets["aws-default-v2-plain"]
    later = RuleParameters(window_end=scenario.window_end + timedelta(days=30))
    analysis = analyze([str(directory)], later)
    assert analysis.summary.records_in_window == 0
    assert {f.status for f in analysis.findings} == {Status.NOT_APPLICABLE}
    shorter = replace(later, window_end=scenario.window_end, since=timedelta(hours=1))
    assert analyze([str(directory)], shorter).summary.records_in_window < 500


def test_gcp_vpc_flow_logs_alone_cannot_see_rejected_flows(scenario_sets, tmp_path):
    from auditor.flows import generate

    scenario, records = generate.attack_scenario(provider="gcp")
    accepted = [r for r in records if r.action == "ACCEPT"]
    generate.write_gcp_jsonl(accepted, tmp_path / "vpc_flows.json")
    analysis = analyze([str(tmp_path)], RuleParameters(window_end=scenario.window_end))
    status = {f.check_id: f.status for f in analysis.findings}
    assert status["gcp.flows.ssh_brute_force"] is Status.NOT_APPLICABLE
    assert status["gcp.flows.rejected_flow_ratio"] is Status.NOT_APPLICABLE
    assert status["gcp.flows.possible_exfiltration"] is Status.FAIL
