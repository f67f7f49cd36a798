"""The rules: which SQL file, which parameters, what a row means, and rendering for a dialect.

A ``Rule`` with a ``check`` is a detection: its rows become findings (``auditor.flows.findings``). The
others (stats, scopes, top talkers, top rejected) feed the traffic summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

import jinja2

from auditor.flows.parameters import RuleParameters, ipv4_ranges
from auditor.model import Severity

Dialect = Literal["duckdb", "athena"]
RULES_PACKAGE = "auditor.flows.rules"


@dataclass(frozen=True)
class Detection:
    """How a rule's rows become findings: check name, title, severity, and the row column that names the
    resource. The runbook response comes from ``checks/runbook.yaml`` (``detections: flows.<check>``)."""

    check: str
    title: str
    severity: Severity
    subject: str
    pass_message: str
    over_column: str | None = None  # rows are FAIL only where this column is true (baseline rules)


@dataclass(frozen=True)
class Rule:
    id: str
    sql_file: str
    description: str
    detection: Detection | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    needs_rejects: bool = False  # it reads REJECT flows, which GCP VPC flow logs never record


def _rules() -> tuple[Rule, ...]:
    return (
        Rule("stats", "stats.sql", "Records, flows and bytes in the window and the baseline."),
        Rule("scopes", "scopes.sql", "Providers, accounts and regions with records in the window."),
        Rule("top_talkers", "top_talkers.sql", "The (source, destination) pairs that moved the most bytes."),
        Rule("top_rejected", "top_rejected.sql", "The most rejected (source, destination, port)."),
        Rule(
            "ssh_brute_force",
            "brute_force.sql",
            "Rejected SSH (port 22) attempts per source over the threshold.",
            Detection(
                "ssh_brute_force",
                "SSH brute force: many rejected port-22 attempts from one source",
                Severity.HIGH,
                "srcaddr",
                "No source exceeded the rejected SSH attempt threshold.",
            ),
            extra={"port": "ssh_port", "threshold": "ssh_attempts"},
            needs_rejects=True,
        ),
        Rule(
            "rdp_brute_force",
            "brute_force.sql",
            "Rejected RDP (port 3389) attempts per source over the threshold.",
            Detection(
                "rdp_brute_force",
                "RDP brute force: many rejected port-3389 attempts from one source",
                Severity.HIGH,
                "srcaddr",
                "No source exceeded the rejected RDP attempt threshold.",
            ),
            extra={"port": "rdp_port", "threshold": "rdp_attempts"},
            needs_rejects=True,
        ),
        Rule(
            "port_scan",
            "port_scan.sql",
            "One source reaching many distinct destination ports.",
            Detection(
                "port_scan",
                "Port scan: one source probed many destination ports",
                Severity.MEDIUM,
                "srcaddr",
                "No source reached the distinct-port threshold.",
            ),
        ),
        Rule(
            "possible_exfiltration",
            "exfiltration.sql",
            "Bytes to one destination outside the private ranges over the threshold.",
            Detection(
                "possible_exfiltration",
                "Possible data exfiltration: large transfer to a public destination",
                Severity.HIGH,
                "srcaddr",
                "No source sent more than the threshold to one public destination.",
            ),
        ),
        Rule(
            "new_destination_transfer",
            "new_destinations.sql",
            "Bytes to a public destination not seen in the baseline window, over the threshold.",
            Detection(
                "new_destination_transfer",
                "Large outbound transfer to a destination not seen in the baseline",
                Severity.MEDIUM,
                "srcaddr",
                "No large transfer went to a destination the baseline had not seen.",
            ),
        ),
        Rule(
            "rejected_ratio",
            "rejected_ratio.sql",
            "Share of rejected flows per account against the baseline threshold (5 %).",
            Detection(
                "rejected_flow_ratio",
                "Rejected flows above the baseline threshold",
                Severity.MEDIUM,
                "account_id",
                "The rejected-flow ratio is within the threshold.",
                over_column="over_threshold",
            ),
            needs_rejects=True,
        ),
        Rule(
            "outbound_volume",
            "outbound_volume.sql",
            "Bytes to public destinations per account and day against the baseline (50 GB/day).",
            Detection(
                "outbound_volume",
                "Outbound traffic above the daily baseline threshold",
                Severity.MEDIUM,
                "account_id",
                "Outbound traffic stayed within the daily threshold.",
                over_column="over_threshold",
            ),
        ),
    )


RULES: tuple[Rule, ...] = _rules()
DETECTIONS: tuple[Rule, ...] = tuple(r for r in RULES if r.detection is not None)


def rule(rule_id: str) -> Rule:
    for candidate in RULES:
        if candidate.id == rule_id:
            return candidate
    raise KeyError(rule_id)


@dataclass(frozen=True)
class Target:
    """Where the rules run. On Athena: the table, the region the findings name, and the date partition
    (column name and value format) that keeps Athena from scanning history."""

    dialect: Dialect = "duckdb"
    table: str = "flows"
    region: str = "global"
    date_partition: str | None = None
    date_format: str = "%Y/%m/%d"
    # Rows carry a ``records`` count (the local store's rollup): counts become sums of it. Local only.
    weighted: bool = False


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _public(parameters: RuleParameters) -> Any:
    def public(column: str) -> str:
        octets = " + ".join(
            f"TRY_CAST(split_part({column}, '.', {i + 1}) AS BIGINT) * {256 ** (3 - i)}" for i in range(4)
        )
        ranges = " OR ".join(
            f"({octets}) BETWEEN {r.low} AND {r.high}" for r in ipv4_ranges(parameters.private_cidrs)
        )
        ipv6 = f"lower(substr({column}, 1, 2)) IN ('fc', 'fd') OR lower(substr({column}, 1, 4)) = 'fe80'"
        return (
            f"NOT ((strpos({column}, ':') = 0 AND ({ranges or 'FALSE'})) "
            f"OR (strpos({column}, ':') > 0 AND ({ipv6})))"
        )

    return public


def _span(start: int, end: int, target: Target) -> str:
    span = f'("start" >= {start} AND "start" < {end})'
    if target.dialect == "athena" and target.date_partition:
        first = datetime.fromtimestamp(start, UTC).strftime(target.date_format)
        last = datetime.fromtimestamp(end, UTC).strftime(target.date_format)
        column = f'"{target.date_partition}"'
        span = f"({column} BETWEEN {_literal(first)} AND {_literal(last)} AND {span})"
    return span


@cache
def _template(sql_file: str) -> jinja2.Template:
    text = resources.files(RULES_PACKAGE).joinpath(sql_file).read_text(encoding="utf-8")
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False).from_string(text)


def render(rule_: Rule, parameters: RuleParameters, target: Target | None = None) -> str:
    """The rule's SQL for a dialect, with every parameter filled in as a literal."""
    target = target or Target()
    local = target.dialect == "duckdb"
    context: dict[str, Any] = {
        "flows": target.table,
        "p": parameters,
        "window": _span(parameters.window_start_epoch, parameters.window_end_epoch, target),
        "baseline_window": _span(parameters.baseline_start_epoch, parameters.window_start_epoch, target),
        "analysed_span": _span(parameters.baseline_start_epoch, parameters.window_end_epoch, target),
        "public": _public(parameters),
        "provider": "provider" if local else "'aws'",
        "region": "region" if local else _literal(target.region),
        "records": "SUM(records)" if local and target.weighted else "COUNT(*)",
        "one": "records" if local and target.weighted else "1",
    }
    for name, attribute in rule_.extra.items():
        context[name] = int(getattr(parameters, attribute))
    return _template(rule_.sql_file).render(context).strip() + "\n"
