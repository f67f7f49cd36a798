"""Rule rows -> Findings with evidence rows, severity and the module's runbook response.

A detection rule gives one FAIL finding per offending source (or account and day for the baseline
rules), and one PASS per account it looked at and found nothing in. A rule that reads rejected flows is
NOT_APPLICABLE for a provider whose logs do not record them (GCP VPC flow logs without firewall logs);
every rule is NOT_APPLICABLE when the window holds no records. Check ids: ``<provider>.flows.<rule>``.
"""

from __future__ import annotations

from typing import Any

from auditor.flows.parameters import RuleParameters
from auditor.flows.ruleset import DETECTIONS, Detection, Rule
from auditor.model import Finding, Status, finding_id
from auditor.runbook import runbook_for

SERVICE = "flows"
EVIDENCE_ROWS = 20


def check_id(provider: str, detection: Detection) -> str:
    return f"{provider}.{SERVICE}.{detection.check}"


def runbook_responses(check: str) -> list[dict[str, str]]:
    """The module's runbook rows this detection raises (checks/runbook.yaml, ``detections``)."""
    return [
        {"scenario": e.scenario, "detection": e.detection, "response": e.response} for e in runbook_for(check)
    ]


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _message(rule: Rule, subject: str, rows: list[dict[str, Any]], parameters: RuleParameters) -> str:
    row = rows[0]
    match rule.id:
        case "ssh_brute_force" | "rdp_brute_force":
            port = getattr(parameters, rule.extra["port"])
            return (
                f"{subject} made {row['attempts']} rejected attempts on port {port} "
                f"against {row['targets']} host(s)"
            )
        case "port_scan":
            return (
                f"{subject} reached {row['ports']} distinct ports on {row['targets']} host(s) "
                f"({row['rejected']} rejected)"
            )
        case "possible_exfiltration" | "new_destination_transfer":
            total = sum(int(r["total_bytes"]) for r in rows)
            where = (
                "new public destination(s)"
                if rule.id == "new_destination_transfer"
                else "public destination(s)"
            )
            return f"{subject} sent {total:,} bytes to {len(rows)} {where}, top {row['dstaddr']}"
        case "rejected_ratio":
            threshold = parameters.rejected_ratio
            return f"{row['ratio']:.1%} of {row['flows']} flows were rejected (threshold {threshold:.0%})"
        case _:
            days = ", ".join(f"day {r['day']}: {int(r['outbound_bytes']):,} B" for r in rows)
            return f"Outbound traffic over {parameters.outbound_bytes_per_day:,} bytes/day ({days})"


def _finding(
    provider: str, account: str, region: str, detection: Detection, status: Status, resource: str,
    message: str, evidence: dict[str, Any],
) -> Finding:  # fmt: skip
    check = check_id(provider, detection)
    if status is Status.FAIL:
        evidence = {**evidence, "runbook": runbook_responses(check)}
    return Finding(
        id=finding_id(provider, account, region, check, resource),
        check_id=check,
        provider=provider,  # type: ignore[arg-type]
        service=SERVICE,
        severity=detection.severity,
        status=status,
        account=account,
        region=region,
        resource_id=resource,
        message=message,
        evidence=evidence,
    )


def findings_from_rows(
    rows: dict[str, list[dict[str, Any]]],
    parameters: RuleParameters,
    rejects_visible: set[str],
    providers_seen: set[str],
) -> list[Finding]:
    scopes = [(s["provider"], s["account_id"] or "unknown", s["region"] or "global") for s in rows["scopes"]]
    common = {"window_start": parameters.window_start_epoch, "window_end": parameters.window_end_epoch}
    out: list[Finding] = []
    for rule in DETECTIONS:
        detection = rule.detection
        assert detection is not None
        evidence_base = {**common, "rule": rule.id}
        grouped: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
        for row in rows[rule.id]:
            if detection.over_column and not row[detection.over_column]:
                continue
            key = (row["provider"], row["account_id"] or "unknown", row["region"] or "global",
                   str(row[detection.subject] or "unknown"))  # fmt: skip
            grouped.setdefault(key, []).append(row)
        for (provider, account, region, subject), members in sorted(grouped.items()):
            evidence = {
                **evidence_base,
                "rows": [{k: _plain(v) for k, v in r.items()} for r in members[:EVIDENCE_ROWS]],
            }
            evidence["rows_total"] = len(members)
            message = _message(rule, subject, members, parameters)
            out.append(
                _finding(provider, account, region, detection, Status.FAIL, subject, message, evidence)
            )
        failing_scopes = {(p, a, r) for p, a, r, _ in grouped}
        for provider, account, region in scopes:
            if (provider, account, region) in failing_scopes:
                continue
            if rule.needs_rejects and provider not in rejects_visible:
                status, message = (
                    Status.NOT_APPLICABLE,
                    (
                        "The logs analysed do not record rejected flows (GCP VPC flow logs log allowed flows "
                        "only; add firewall rules logging)."
                    ),
                )
            else:
                status, message = Status.PASS, detection.pass_message
            out.append(
                _finding(provider, account, region, detection, status, account, message, {**evidence_base})
            )
        for provider in sorted(providers_seen - {s[0] for s in scopes}):
            out.append(
                _finding(provider, "unknown", "global", detection, Status.NOT_APPLICABLE, "flow-logs",
                         "No flow records in the analysis window.", {**evidence_base})
            )  # fmt: skip
    return out
