"""Runs every rule over the loaded flows table (DuckDB): one load, then one query per rule.

The table's rows may stand for several records each (``records``, a rollup), so the rules are rendered
weighted: ``SUM(records)`` where they count records."""

from __future__ import annotations

from typing import Any

from auditor.flows.parameters import RuleParameters
from auditor.flows.ruleset import RULES, Rule, Target, render

RuleRows = dict[str, list[dict[str, Any]]]


def run_query(con: Any, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_rules(con: Any, parameters: RuleParameters, rules: tuple[Rule, ...] = RULES) -> RuleRows:
    """Every rule's rows, by rule id."""
    target = Target(dialect="duckdb", weighted=True)
    return {rule.id: run_query(con, render(rule, parameters, target)) for rule in rules}
