"""The module 4 network security runbook: the packaged file, its check ids, the module's exact rows."""

import re
from pathlib import Path

from auditor.registry import load_checks
from auditor.runbook import load_runbook, runbook_for

MODULE = Path("/work/shared/module4-network-logging.txt")
SECTION = "Incident Response Readiness: Network Security Runbook"
# The rows as the module prints them (scenario, detection, response), kept here so the test also runs
# when the module text is not at hand; checked against the text when it is.
ROWS = [
    ("Port scan detected", "GuardDuty/Flow logs", "Block source IP via NACL"),
    ("Unusual outbound", "Flow log analysis", "Isolate instance, investigate"),
    ("API abuse", "CloudTrail anomaly", "Revoke credentials, audit"),
    ("DDoS attack", "WAF/Shield alerts", "Engage DRT, adjust rules"),
    ("Data exfiltration", "S3/Flow logs", "Revoke access, forensics"),
]


def test_runbook_loads_with_the_module_section():
    runbook = load_runbook()
    assert runbook.module_section == SECTION
    assert len(runbook.entries) == 5


def test_every_check_id_exists():
    registry = load_checks()
    unknown = [c for e in load_runbook().entries for c in e.checks if c not in registry]
    assert unknown == []


def test_rows_match_the_module_text_exactly():
    rows = [(e.scenario, e.detection, e.response) for e in load_runbook().entries]
    assert rows == ROWS
    if MODULE.exists():
        text = MODULE.read_text(encoding="utf-8")
        table = text[text.index("Network Security Runbook") :]
        for scenario, detection, response in ROWS:
            assert re.search(rf"^{re.escape(f'{scenario} {detection} {response}')}$", table, re.M)


def test_runbook_for():
    scenarios = [e.scenario for e in runbook_for("aws.vpc.flow_logs_enabled")]
    assert scenarios == ["Port scan detected", "Unusual outbound", "Data exfiltration"]
    assert runbook_for("aws.kms.cmk_rotation_enabled") == []
    entry = runbook_for("aws.guardduty.enabled_all_regions")[0]
    expected = "If Port scan detected (detected by GuardDuty/Flow logs): Block source IP via NACL"
    assert entry.describe() == expected


def test_every_detection_is_a_flow_rule_or_a_threat_category():
    from auditor.flows.ruleset import DETECTIONS
    from auditor.threats.categories import CATEGORIES

    known = {f"flows.{r.detection.check}" for r in DETECTIONS if r.detection}
    known |= {f"threats.{c}" for c in CATEGORIES}
    named = [d for e in load_runbook().entries for d in e.detections]
    assert sorted(set(named)) == sorted(known)  # each one named, none unknown
    assert len(named) == len(set(named))


def test_runbook_for_a_detection_of_any_provider():
    assert [e.response for e in runbook_for("aws.flows.ssh_brute_force")] == ["Block source IP via NACL"]
    assert [e.response for e in runbook_for("azure.flows.possible_exfiltration")] == [
        "Revoke access, forensics"
    ]
    assert [e.scenario for e in runbook_for("gcp.threats.account_compromise")] == ["API abuse"]
