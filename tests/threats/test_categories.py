"""Module 4's four threat categories: GuardDuty prefixes, Defender intents and SCC tactics map onto them."""

import pytest

from auditor.threats.categories import (
    guardduty_category,
    guardduty_severity_band,
    scc_category,
    tactic_category,
)


@pytest.mark.parametrize(
    ("finding_type", "category"),
    [
        ("Recon:EC2/PortProbeUnprotectedPort", "reconnaissance"),
        ("Recon:IAMUser/MaliciousIPCaller", "reconnaissance"),
        ("Discovery:S3/MaliciousIPCaller", "reconnaissance"),
        ("UnauthorizedAccess:EC2/SSHBruteForce", "reconnaissance"),
        ("CryptoCurrency:EC2/BitcoinTool.B!DNS", "instance_compromise"),
        ("Backdoor:EC2/C&CActivity.B!DNS", "instance_compromise"),
        ("Trojan:EC2/DNSDataExfiltration", "instance_compromise"),
        ("UnauthorizedAccess:EC2/TorClient", "instance_compromise"),
        ("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "account_compromise"),
        ("CredentialAccess:IAMUser/AnomalousBehavior", "account_compromise"),
        ("Exfiltration:S3/AnomalousBehavior", "data_exfiltration"),
        ("Impact:S3/AnomalousBehavior.Delete", "data_exfiltration"),
        ("AttackSequence:S3/CompromisedData", "data_exfiltration"),
        ("Policy:Kubernetes/AdminAccessToDefaultServiceAccount", None),
    ],
)
def test_guardduty_types_by_longest_prefix(finding_type, category):
    assert guardduty_category(finding_type) == category


def test_defender_intents_and_scc_tactics_use_the_same_categories():
    assert tactic_category("PreAttack") == "reconnaissance"
    assert tactic_category("Unknown, Exfiltration") == "data_exfiltration"
    assert tactic_category("CREDENTIAL_ACCESS") == "account_compromise"
    assert scc_category("Malware: Cryptomining Bad IP") == "instance_compromise"
    assert scc_category("Exfiltration: BigQuery Data Exfiltration") == "data_exfiltration"
    assert scc_category("Open Firewall", "DISCOVERY") == "reconnaissance"
    assert scc_category("Open Firewall") is None


@pytest.mark.parametrize(
    ("severity", "band"), [(1.0, "low"), (3.9, "low"), (4.0, "medium"), (6.9, "medium"), (7.0, "high"),
                           (8.9, "high"), (9.0, "critical"), (10.0, "critical")],
)  # fmt: skip
def test_guardduty_severity_bands(severity, band):
    assert guardduty_severity_band(severity) == band
