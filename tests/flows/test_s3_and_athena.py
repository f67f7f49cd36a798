"""s3:// inputs read through boto3 (moto in-process), and the Athena engine's request flow against moto's
Athena, seeded with the rows DuckDB computes from the very SQL the engine sends, and results of several
pages (GetQueryResults NextToken) served at the wire."""

from __future__ import annotations

import boto3
import pytest
import requests
from moto import mock_aws

from auditor.flows import generate
from auditor.flows.analysis import analyze
from auditor.flows.engine_athena import AthenaEngine, AthenaQueryFailed, AthenaSettings
from auditor.flows.engine_duckdb import run_query
from auditor.flows.findings import findings_from_rows
from auditor.flows.parameters import RuleParameters
from auditor.flows.record import TABLE
from auditor.flows.ruleset import RULES, Target, render
from auditor.flows.sources import FlowInputs, InputNotFound
from auditor.flows.store import FlowStore
from auditor.model import Status

BUCKET = "flow-logs-bucket"
NO_ACCOUNT_FORMAT = [f for f in generate.MODULE_LOG_FORMAT if f != "account-id"]


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def _upload_demo(s3, tmp_path) -> generate.Scenario:
    scenario, records = generate.attack_scenario()
    for part in range(3):
        key = generate.aws_key(scenario.window_end, part)
        path = generate.write_aws_text(records[part::3], tmp_path / f"{part}.log.gz", NO_ACCOUNT_FORMAT)
        s3.upload_file(str(path), BUCKET, key)
    s3.put_object(
        Bucket=BUCKET, Key="AWSLogs/123456789012/vpcflowlogs/eu-west-1/broken.log.gz", Body=b"\x1f\x8b\x08"
    )
    return scenario


def test_an_s3_prefix_is_read_object_by_object(s3, tmp_path):
    scenario = _upload_demo(s3, tmp_path)
    analysis = analyze(
        [f"s3://{BUCKET}/AWSLogs/"], RuleParameters(window_end=scenario.window_end), s3_client=s3
    )
    summary = analysis.summary
    assert summary.files == 4
    assert summary.files_failed == 1
    assert [(e.file, e.kind) for e in summary.input_errors] == [
        (f"s3://{BUCKET}/AWSLogs/123456789012/vpcflowlogs/eu-west-1/broken.log.gz", "unreadable")
    ]
    assert summary.records_read == 2555
    ssh = [
        f for f in analysis.findings if f.check_id == "aws.flows.ssh_brute_force" and f.status is Status.FAIL
    ]
    # The records carry no account-id or region field: both come from the S3 key layout.
    assert [(f.account, f.region, f.resource_id) for f in ssh] == [
        ("123456789012", "eu-west-1", scenario.ssh_brute_forcer)
    ]


def test_a_missing_bucket_is_a_clear_error(s3):
    with pytest.raises(InputNotFound, match="s3://no-such-bucket/x: cannot list the prefix"):
        FlowInputs(["s3://no-such-bucket/x"], s3).list()


def _duckdb_rows_for_athena_sql(tmp_path, parameters: RuleParameters) -> tuple[dict, dict]:
    """Each rule's rows from DuckDB: the Athena rendering (over a view shaped like the Athena table, with
    its date partition), and the local rendering. The dialects agree when both answers match."""
    _, records = generate.attack_scenario(window_end=parameters.window_end)
    generate.write_aws_text(records, tmp_path / "flows.log.gz")
    store = FlowStore()
    store.load(FlowInputs([str(tmp_path)]))
    store.con.execute("CREATE SCHEMA flowdb")
    store.con.execute(
        "CREATE VIEW flowdb.vpc_flow_logs AS "
        f"""SELECT *, strftime(to_timestamp("start"), '%Y/%m/%d') AS "date" FROM {TABLE}"""
    )
    athena = Target(
        dialect="athena", table='"flowdb"."vpc_flow_logs"', region="eu-west-1", date_partition="date"
    )
    athena_rows = {rule.id: run_query(store.con, render(rule, parameters, athena)) for rule in RULES}
    local_rows = {rule.id: run_query(store.con, render(rule, parameters)) for rule in RULES}
    store.close()
    return athena_rows, local_rows


def test_both_dialects_give_the_same_answers(tmp_path):
    scenario, _ = generate.attack_scenario()
    parameters = RuleParameters(window_end=scenario.window_end)
    athena_rows, local_rows = _duckdb_rows_for_athena_sql(tmp_path, parameters)
    for rule in RULES:
        athena_sql = render(rule, parameters, Target(dialect="athena", table="t", date_partition="date"))
        assert "\"date\" BETWEEN '2026/11/26' AND '2026/11/27'" in athena_sql  # the partition filter
        assert "log_status = 'OK'" in athena_sql
        local = [{k: v for k, v in row.items() if k != "region"} for row in local_rows[rule.id]]
        remote = [{k: v for k, v in row.items() if k != "region"} for row in athena_rows[rule.id]]
        assert remote == local, rule.id
    assert len(local_rows["ssh_brute_force"]) == 1


def _athena_cell(value) -> dict:
    if value is None:
        return {}
    return {"VarCharValue": str(value).lower() if isinstance(value, bool) else str(value)}


def _athena_type(values: list) -> str:
    sample = next((v for v in values if v is not None), "")
    return {bool: "boolean", int: "bigint", float: "double"}.get(type(sample), "varchar")


def _athena_results(rows_by_rule: dict) -> list[dict]:
    """Each rule's rows as Athena returns them (a header row, then text cells; types in the metadata)."""
    results = []
    for rule in RULES:
        rows = rows_by_rule[rule.id]
        names = list(rows[0]) if rows else ["empty"]
        info = [{"Name": n, "Type": _athena_type([r[n] for r in rows])} for n in names]
        header = {"Data": [{"VarCharValue": n} for n in names]}
        data = [{"Data": [_athena_cell(r[n]) for n in names]} for r in rows]
        results.append({"rows": [header, *data], "column_info": info})
    return results


def _seed_athena(rows_by_rule: dict) -> None:
    response = requests.post(
        "http://motoapi.amazonaws.com/moto-api/static/athena/query-results",
        json={"region": "eu-west-1", "results": _athena_results(rows_by_rule)},
        timeout=10,
    )
    assert response.status_code == 201


def test_the_athena_request_flow(tmp_path):
    scenario, _ = generate.attack_scenario()
    parameters = RuleParameters(window_end=scenario.window_end)
    athena_rows, local_rows = _duckdb_rows_for_athena_sql(tmp_path, parameters)
    sent: list[dict] = []
    with mock_aws():
        client = boto3.client("athena", region_name="eu-west-1")
        client.create_work_group(Name="security", Configuration={})
        client.meta.events.register("provide-client-params.athena.*", lambda params, **_: sent.append(params))
        _seed_athena(athena_rows)
        settings = AthenaSettings(
            database="flowdb", table="vpc_flow_logs", workgroup="security",
            output="s3://athena-results/flows/", date_partition="date",
        )  # fmt: skip
        engine = AthenaEngine(client, settings, sleep=lambda _: None)
        rows = engine.run_rules(parameters)
    starts = [p for p in sent if "QueryString" in p]
    assert len(starts) == len(RULES)
    assert {p["WorkGroup"] for p in starts} == {"security"}
    assert {p["QueryExecutionContext"]["Database"] for p in starts} == {"flowdb"}
    assert {p["ResultConfiguration"]["OutputLocation"] for p in starts} == {"s3://athena-results/flows/"}
    assert all('FROM "flowdb"."vpc_flow_logs"' in p["QueryString"] for p in starts)
    assert sum(1 for p in sent if "QueryExecutionId" in p and "MaxResults" in p) == len(RULES)
    # The typed rows that came back are DuckDB's answers, and give the same findings as the local engine.
    assert rows == athena_rows
    remote = findings_from_rows(rows, parameters, {"aws"}, {"aws"})
    local = findings_from_rows(local_rows, parameters, {"aws"}, {"aws"})
    assert [(f.check_id, f.status, f.resource_id) for f in remote] == [
        (f.check_id, f.status, f.resource_id) for f in local
    ]
    assert {f.region for f in remote} == {"eu-west-1"}


def test_only_select_statements_reach_athena():
    engine = AthenaEngine(boto3.client("athena", region_name="eu-west-1"), AthenaSettings("db", "t"))
    with pytest.raises(AthenaQueryFailed, match="refusing"):
        engine.query("DROP TABLE t")
    with pytest.raises(AthenaQueryFailed, match="refusing"):
        engine.query("SELECT 1; DROP TABLE t")


class PagedQueryResults:
    """Athena's ``GetQueryResults`` answered at the wire (a botocore ``before-send`` handler), in pages
    of at most ``page_rows`` rows with a ``NextToken``, as Athena pages a result larger than
    ``MaxResults`` (moto's Athena returns every row at once and ignores the token). Each new query
    execution gets the next result of ``results`` (header row first, as Athena sends it)."""

    def __init__(self, results: list[dict], page_rows: int) -> None:
        self._results = list(results)
        self._by_execution: dict[str, dict] = {}
        self.page_rows = page_rows
        self.requests: list[dict] = []

    def __call__(self, request, **_):
        import io
        import json

        from botocore.awsrequest import AWSResponse
        from urllib3 import HTTPResponse

        asked = json.loads(request.body)
        self.requests.append(asked)
        execution = asked["QueryExecutionId"]
        if execution not in self._by_execution:
            self._by_execution[execution] = self._results.pop(0)
        result = self._by_execution[execution]
        token = asked.get("NextToken")
        if token is not None and not token.startswith(f"{execution}:"):
            status, body = 400, {"__type": "InvalidRequestException", "Message": "bad NextToken"}
        else:
            offset = int(token.split(":")[1]) if token else 0
            end = offset + min(self.page_rows, asked.get("MaxResults", 1000))
            status = 200
            body = {
                "ResultSet": {
                    "Rows": result["rows"][offset:end],
                    "ResultSetMetadata": {"ColumnInfo": result["column_info"]},
                },
                "UpdateCount": 0,
            }
            if end < len(result["rows"]):
                body["NextToken"] = f"{execution}:{end}"
        raw = HTTPResponse(body=io.BytesIO(json.dumps(body).encode()), status=status, preload_content=False)
        return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.1"}, raw)


def test_every_page_of_an_athena_result_is_read(tmp_path):
    scenario, _ = generate.attack_scenario()
    parameters = RuleParameters(window_end=scenario.window_end, top_n=1000)
    athena_rows, _ = _duckdb_rows_for_athena_sql(tmp_path, parameters)
    pages = PagedQueryResults(_athena_results(athena_rows), page_rows=40)
    with mock_aws():
        client = boto3.client("athena", region_name="eu-west-1")
        client.meta.events.register("before-send.athena.GetQueryResults", pages)
        engine = AthenaEngine(client, AthenaSettings("flowdb", "vpc_flow_logs"), sleep=lambda _: None)
        rows = engine.run_rules(parameters)
    # Results of more than one page: the header row and up to 39 rows on the first, 40 on the next ones.
    paged = {rule.id: -(-(len(athena_rows[rule.id]) + 1) // 40) for rule in RULES}
    assert paged["top_talkers"] > 2 and paged["top_rejected"] > 2
    assert len(pages.requests) == sum(paged.values())
    assert sum(1 for r in pages.requests if "NextToken" in r) == sum(paged.values()) - len(RULES)
    assert rows == athena_rows  # every row of every page, the header only once, in order
