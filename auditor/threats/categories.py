"""Module 4's four threat categories, and the tables that map each provider's findings onto them.

"GuardDuty finding types: Reconnaissance (port scanning, API enumeration); Instance compromise
(cryptocurrency mining, malware communication); Account compromise (unusual API calls, credential
abuse); Data exfiltration (unusual S3 access patterns)."

- GuardDuty: by finding-type prefix (``ThreatPurpose:ResourceType/...``), the longest prefix wins, so
  ``UnauthorizedAccess:IAMUser/`` (account) beats ``UnauthorizedAccess:`` (instance).
- Microsoft Defender for Cloud alerts (``properties.intent``, a comma list of MITRE tactics) and SCC
  findings (``mitreAttack.primaryTactic``, e.g. ``CREDENTIAL_ACCESS``): by MITRE tactic, with SCC's
  ``category`` prefix (``Exfiltration: BigQuery ...``) first when it names one.

Pure data and functions: no SDK. The runbook rows for a category are ``threats.<category>`` in
``checks/runbook.yaml``.
"""

from __future__ import annotations

import re
from typing import Literal

Category = Literal["reconnaissance", "instance_compromise", "account_compromise", "data_exfiltration"]
CATEGORIES: tuple[Category, ...] = (
    "reconnaissance",
    "instance_compromise",
    "account_compromise",
    "data_exfiltration",
)
CATEGORY_TITLES: dict[str, str] = {
    "reconnaissance": "Reconnaissance",
    "instance_compromise": "Instance compromise",
    "account_compromise": "Account compromise",
    "data_exfiltration": "Data exfiltration",
}

GUARDDUTY_PREFIXES: dict[str, Category] = {
    "Recon:": "reconnaissance",
    "Discovery:": "reconnaissance",
    "PenTest:": "reconnaissance",
    "UnauthorizedAccess:EC2/SSHBruteForce": "reconnaissance",
    "UnauthorizedAccess:EC2/RDPBruteForce": "reconnaissance",
    "CryptoCurrency:": "instance_compromise",
    "Backdoor:": "instance_compromise",
    "Trojan:": "instance_compromise",
    "Execution:": "instance_compromise",
    "Impact:EC2/": "instance_compromise",
    "Behavior:EC2/": "instance_compromise",
    "UnauthorizedAccess:": "instance_compromise",
    "DefenseEvasion:EC2/": "instance_compromise",
    "PrivilegeEscalation:Runtime/": "instance_compromise",
    "Persistence:Runtime/": "instance_compromise",
    "UnauthorizedAccess:IAMUser/": "account_compromise",
    "CredentialAccess:": "account_compromise",
    "InitialAccess:IAMUser/": "account_compromise",
    "Persistence:IAMUser/": "account_compromise",
    "PrivilegeEscalation:IAMUser/": "account_compromise",
    "DefenseEvasion:IAMUser/": "account_compromise",
    "Impact:IAMUser/": "account_compromise",
    "Stealth:IAMUser/": "account_compromise",
    "Policy:IAMUser/": "account_compromise",
    "Exfiltration:": "data_exfiltration",
    "Impact:S3/": "data_exfiltration",
    "UnauthorizedAccess:S3/": "data_exfiltration",
    "Policy:S3/": "data_exfiltration",
    "Stealth:S3/": "data_exfiltration",
    "AttackSequence:IAM/": "account_compromise",
    "AttackSequence:S3/": "data_exfiltration",
    "AttackSequence:": "instance_compromise",
}

# MITRE ATT&CK tactics as Defender (intent, CamelCase) and SCC (primaryTactic, UPPER_SNAKE) name them.
TACTICS: dict[str, Category] = {
    "reconnaissance": "reconnaissance",
    "discovery": "reconnaissance",
    "preattack": "reconnaissance",
    "probing": "reconnaissance",
    "execution": "instance_compromise",
    "persistence": "instance_compromise",
    "commandandcontrol": "instance_compromise",
    "impact": "instance_compromise",
    "lateralmovement": "instance_compromise",
    "defenseevasion": "instance_compromise",
    "exploitation": "instance_compromise",
    "resourcedevelopment": "instance_compromise",
    "credentialaccess": "account_compromise",
    "initialaccess": "account_compromise",
    "privilegeescalation": "account_compromise",
    "exfiltration": "data_exfiltration",
    "collection": "data_exfiltration",
}


def guardduty_category(finding_type: str) -> Category | None:
    """The category of a GuardDuty finding type, e.g. 'Recon:EC2/PortProbeUnprotectedPort'."""
    matches = [prefix for prefix in GUARDDUTY_PREFIXES if finding_type.startswith(prefix)]
    return GUARDDUTY_PREFIXES[max(matches, key=len)] if matches else None


def tactic_category(tactics: str) -> Category | None:
    """The category of the first known MITRE tactic in a Defender ``intent`` ('Discovery, Execution') or an
    SCC ``primaryTactic`` ('CREDENTIAL_ACCESS')."""
    for tactic in re.split(r"[,\s]+", tactics):
        found = TACTICS.get(tactic.replace("_", "").lower())
        if found:
            return found
    return None


def scc_category(category: str, primary_tactic: str = "") -> Category | None:
    """An SCC finding: its category's tactic prefix ('Exfiltration: BigQuery ...', 'Malware: ...') first."""
    head = category.split(":", 1)[0].strip()
    if head.lower() == "malware":
        return "instance_compromise"
    return tactic_category(head.replace(" ", "")) or tactic_category(primary_tactic)


def guardduty_severity_band(severity: float) -> Literal["critical", "high", "medium", "low"]:
    """GuardDuty's bands: Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0."""
    if severity >= 9.0:
        return "critical"
    if severity >= 7.0:
        return "high"
    if severity >= 4.0:
        return "medium"
    return "low"
