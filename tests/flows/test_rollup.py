"""The rollup (records aggregated while they load) gives every rule exactly the rows the records give."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest

from auditor.flows import generate
from auditor.flows.analysis import analyze
from auditor.flows.parameters import RuleParameters
from auditor.flows.record import COLUMN_NAMES, FlowRecord
from auditor.flows.rollup import RULE_COLUMNS, Rollup
from auditor.flows.ruleset import RULES, Target, render
from auditor.flows.sources import FlowInputs
from auditor.flows.store import FlowStore
from tests.flows.conftest import WRITERS


def _both(inputs: list[str], parameters: RuleParameters):
    return analyze(inputs, parameters, rollup=True), analyze(inputs, parameters, rollup=False)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_rule_gives_the_same_rows_with_and_without_the_rollup(scenario_sets, name):
    scenario, directory = scenario_sets[name]
    rolled, records = _both([str(directory)], RuleParameters(window_end=scenario.window_end))
    assert rolled.rows == records.rows
    assert rolled.summary == records.summary
    assert [f.model_dump() for f in rolled.findings] == [f.model_dump() for f in records.findings]
    assert rolled.rows["possible_exfiltration"]  # the comparison is over rows, not over nothing


def test_the_rollup_holds_fewer_rows_than_records(scenario_sets):
    scenario, directory = scenario_sets["aws-module-format-gzip"]
    parameters = RuleParameters(window_end=scenario.window_end)
    store = FlowStore(rollup=Rollup.for_parameters(parameters))
    try:
        report = store.load(FlowInputs([str(directory)]))
        rows = store.con.execute("SELECT COUNT(*) FROM flows").fetchall()[0][0]
        assert store.count() == report.records_read == len(generate.attack_scenario()[1])
        assert rows < report.records_read  # the brute forcers repeat (source, destination, port)
    finally:
        store.close()


def _edge_records(parameters: RuleParameters) -> list[FlowRecord]:
    """Records on and around every edge the rollup rounds to (window, baseline, UTC midnights), with
    source ports around 1024, missing values, NODATA records and public and private destinations."""
    rng = random.Random(11)
    edges = [parameters.baseline_start_epoch, parameters.window_start_epoch, parameters.window_end_epoch]
    first_day = parameters.baseline_start_epoch // 86400
    edges += [day * 86400 for day in range(first_day, parameters.window_end_epoch // 86400 + 2)]
    starts = [edge + delta for edge in edges for delta in (-3601, -1, 0, 1, 3599)]
    records = []
    for number in range(3000):
        start = rng.choice(starts)
        no_data = number % 97 == 0
        destinations = ["10.0.1.1", "52.94.0.10", "185.199.108.153"]
        if start >= parameters.window_start_epoch:
            destinations.append("203.0.113.99")  # new in the window
        records.append(
            FlowRecord(
                provider="aws",
                account_id=rng.choice(["111111111111", "222222222222"]),
                region=None,
                interface_id=f"eni-{number % 7}",
                srcaddr=None if no_data else rng.choice(["10.0.0.1", "10.0.0.2", "198.51.100.7"]),
                dstaddr=None if no_data else rng.choice(destinations),
                srcport=None if no_data else rng.choice([None, 22, 1023, 1024, 1025, 50000]),
                dstport=None if no_data else rng.choice([22, 443, 3389, *range(1, 30)]),
                protocol=6,
                packets=1,
                bytes=None if no_data else rng.choice([None, 1, 40, 5000, 10**9]),
                start=start,
                end=start + 60,
                action=None if no_data else rng.choice(["ACCEPT", "ACCEPT", "REJECT"]),
                log_status="NODATA" if no_data else "OK",
            )
        )
    return records


def test_records_on_the_window_edges_and_midnights_give_the_same_rows(tmp_path):
    # A window that ends mid-day and spans two midnights, so the rollup's edges and days interleave.
    parameters = RuleParameters(
        window_end=datetime(2026, 11, 27, 13, 37, 11, tzinfo=UTC),
        since=timedelta(hours=30),
        baseline=timedelta(days=2),
        exfil_bytes=1000,
        new_destination_bytes=1000,
        ssh_attempts=1,
        rdp_attempts=1,
        scan_ports=5,
        outbound_bytes_per_day=10**9,
    )
    records = _edge_records(parameters)
    generate.write_aws_text(records[:1500], tmp_path / "a.log.gz")
    generate.write_aws_parquet(records[1500:], tmp_path / "b.parquet")
    rolled, plain = _both([str(tmp_path)], parameters)
    assert rolled.rows == plain.rows
    assert rolled.summary == plain.summary
    for rule_id in ("outbound_volume", "port_scan", "ssh_brute_force", "new_destination_transfer"):
        assert rolled.rows[rule_id], rule_id
    assert len(rolled.rows["outbound_volume"]) > 2  # several UTC days
    assert plain.summary.records_no_data == rolled.summary.records_no_data > 0


def test_the_rules_read_no_column_the_rollup_drops():
    parameters = RuleParameters()
    dropped = [c for c in COLUMN_NAMES if c not in RULE_COLUMNS and c != "file_no"]
    assert "protocol" in dropped and "interface_id" in dropped
    for rule in RULES:
        sql = render(rule, parameters, Target(weighted=True))
        assert not [c for c in dropped if re.search(rf'(?<![\w."]){c}(?![\w"])|"{c}"', sql)], rule.id


def test_a_small_memory_limit_changes_no_answer(scenario_sets):
    scenario, directory = scenario_sets["aws-module-format-gzip"]
    parameters = RuleParameters(window_end=scenario.window_end)
    small = analyze([str(directory)], parameters, rollup=False, memory_limit=16 * 2**20)
    assert small.rows == analyze([str(directory)], parameters).rows
