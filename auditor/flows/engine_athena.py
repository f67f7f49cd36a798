"""Runs the same rules on Athena (Trino dialect) through boto3: start, poll, get results (paginated).

Only SELECT / WITH statements rendered from the rule files are ever sent (a guard refuses anything else),
so the analysis stays read-only apart from Athena writing its result files to the output location.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditor.flows.parameters import RuleParameters
from auditor.flows.ruleset import RULES, Rule, Target, render

FINISHED = {"SUCCEEDED", "FAILED", "CANCELLED"}


class AthenaQueryFailed(Exception):
    """A query ended FAILED or CANCELLED, or did not finish in time; the message has Athena's reason."""


@dataclass(frozen=True)
class AthenaSettings:
    database: str
    table: str
    workgroup: str = "primary"
    output: str | None = None  # s3:// location for result files (the workgroup's own when None)
    date_partition: str | None = None
    date_format: str = "%Y/%m/%d"
    poll_seconds: float = 1.0
    timeout_seconds: float = 900.0


def _value(cell: dict[str, Any], kind: str) -> Any:
    if "VarCharValue" not in cell:
        return None
    text = cell["VarCharValue"]
    if kind in ("bigint", "integer", "int", "smallint", "tinyint"):
        return int(text)
    if kind in ("double", "float", "real", "decimal"):
        return float(text)
    if kind == "boolean":
        return text.lower() == "true"
    return text


def _read_only(sql: str) -> None:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).lstrip()
    if not body.upper().startswith(("SELECT", "WITH")) or ";" in body.rstrip().rstrip(";"):
        raise AthenaQueryFailed("refusing to send anything but one SELECT statement to Athena")


class AthenaEngine:
    def __init__(
        self, client: Any, settings: AthenaSettings, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._client = client
        self.settings = settings
        self._sleep = sleep
        self.bytes_scanned = 0

    def target(self) -> Target:
        table = f'"{self.settings.database}"."{self.settings.table}"'
        return Target(
            dialect="athena",
            table=table,
            region=self._client.meta.region_name or "global",
            date_partition=self.settings.date_partition,
            date_format=self.settings.date_format,
        )

    def query(self, sql: str) -> list[dict[str, Any]]:
        _read_only(sql)
        request: dict[str, Any] = {
            "QueryString": sql,
            "QueryExecutionContext": {"Database": self.settings.database},
            "WorkGroup": self.settings.workgroup,
        }
        if self.settings.output:
            request["ResultConfiguration"] = {"OutputLocation": self.settings.output}
        execution_id = self._client.start_query_execution(**request)["QueryExecutionId"]
        self._wait(execution_id)
        return self._results(execution_id)

    def _wait(self, execution_id: str) -> None:
        waited = 0.0
        while True:
            execution = self._client.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
            state = execution["Status"]["State"]
            if state in FINISHED:
                break
            if waited >= self.settings.timeout_seconds:
                raise AthenaQueryFailed(f"query {execution_id} still {state} after {waited:.0f} s")
            self._sleep(self.settings.poll_seconds)
            waited += self.settings.poll_seconds
        if state != "SUCCEEDED":
            reason = execution["Status"].get("StateChangeReason", "")
            raise AthenaQueryFailed(f"query {execution_id} {state}: {reason}")
        self.bytes_scanned += int((execution.get("Statistics") or {}).get("DataScannedInBytes") or 0)

    def _results(self, execution_id: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        token: str | None = None
        first = True
        while True:
            request: dict[str, Any] = {"QueryExecutionId": execution_id, "MaxResults": 1000}
            if token:
                request["NextToken"] = token
            page = self._client.get_query_results(**request)
            columns = page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
            names = [c["Name"] for c in columns]
            kinds = [c.get("Type", "varchar").lower() for c in columns]
            data = page["ResultSet"].get("Rows") or []
            if first and data:
                data = data[1:]  # the first row of the first page is the header
            first = False
            for row in data:
                cells = row.get("Data") or []
                rows.append({n: _value(c, k) for n, c, k in zip(names, cells, kinds, strict=False)})
            token = page.get("NextToken")
            if not token:
                return rows

    def run_rules(self, parameters: RuleParameters, rules: tuple[Rule, ...] = RULES) -> dict[str, list[dict]]:
        target = self.target()
        return {rule.id: self.query(render(rule, parameters, target)) for rule in rules}
