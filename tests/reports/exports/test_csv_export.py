"""The CSV export: one RFC 4180 row per finding, formula injection neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from auditor.registry import load_checks
from auditor.remediation import remediation_command
from reports.exports.csv_export import CSV_COLUMNS, FORMULA_TRIGGERS, neutralise_formula, to_csv

from .conftest import HOSTILE


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_finding_in_order(demo_result):
    text = to_csv(demo_result)
    parsed = rows(text)
    assert len(parsed) == len(demo_result.findings)
    assert [r["finding_id"] for r in parsed] == [f.id for f in demo_result.findings]
    assert list(parsed[0]) == list(CSV_COLUMNS)
    for row, finding in zip(parsed, demo_result.findings, strict=True):
        assert row["status"] == finding.status.value
        assert row["check_id"] == finding.check_id
        assert row["resource_id"] == finding.resource_id
        assert row["severity"] == finding.severity.value
        assert row["title"] == load_checks().meta(finding.check_id).title  # checks and flow detections


def test_rfc4180_crlf_and_quoting(demo_result):
    text = to_csv(demo_result)
    assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
    assert text.endswith("\r\n")
    # multi-line remediation commands are quoted, and the file still parses to one row per finding
    assert any("\n" in r["remediation_command"] for r in rows(text))


def test_remediation_command_is_filled_for_the_finding(demo_result):
    registry = load_checks()
    parsed = rows(to_csv(demo_result))
    for row, finding in zip(parsed, demo_result.findings, strict=True):
        expected = remediation_command(registry.meta(finding.check_id), finding)
        assert row["remediation_command"] == neutralise_formula(expected)
    vpc_rows = [r for r in parsed if r["check_id"] == "aws.vpc.flow_logs_enabled" and r["status"] == "FAIL"]
    assert vpc_rows
    for row in vpc_rows:
        assert f"--region {row['region']}" in row["remediation_command"]
        assert "{region}" not in row["remediation_command"]


def test_controls_column_names_the_benchmark_controls(demo_result):
    row = next(r for r in rows(to_csv(demo_result)) if r["check_id"] == "aws.vpc.flow_logs_enabled")
    assert row["controls"].split("; ") == ["cis-aws-7.0:4.7", "module4-baseline:LOG-AWS-FLOW"]


def test_muted_columns(demo_muted_result):
    parsed = rows(to_csv(demo_muted_result))
    muted = [r for r in parsed if r["status"] == "MUTED"]
    assert muted and len(muted) == sum(1 for f in demo_muted_result.findings if f.muted)
    for row in muted:
        assert row["muted_by"] in {"legacy-admin-ports", "eu-guardduty"}
        assert row["mute_owner"] in {"alice@example.com", "bob@example.com"}
        assert row["mute_expires"] in {"2027-03-31", "2027-01-31"}
        assert row["original_status"] in {"FAIL", "PASS"}
    for row in parsed:
        if row["status"] != "MUTED":
            assert row["muted_by"] == row["mute_owner"] == row["mute_expires"] == row["original_status"] == ""


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_neutralise_every_trigger(trigger):
    assert neutralise_formula(f"{trigger}1+1") == f"'{trigger}1+1"
    assert neutralise_formula(f"a{trigger}") == f"a{trigger}"
    assert neutralise_formula("") == ""


def test_formula_injection_in_names_messages_is_neutralised(edge_result):
    parsed = rows(to_csv(edge_result))
    hostile = next(r for r in parsed if r["resource_id"] == "sg-0hostile")
    assert hostile["resource_name"] == "'" + HOSTILE
    assert hostile["message"].startswith("'+cmd|")
    for row in parsed:
        for column, value in row.items():
            assert not value.startswith(FORMULA_TRIGGERS), (column, value)


def test_unicode_and_markup_are_kept_verbatim(edge_result):
    parsed = rows(to_csv(edge_result))
    row = next(r for r in parsed if r["resource_id"] == "sg-0unicode")
    assert row["resource_name"].startswith('Ünïcødé <script>alert(1)</script> & "quotes"')
    assert row["message"] == "naïve café 🚀 <b>bold</b>"


def test_unknown_check_falls_back_to_its_id(edge_result):
    row = next(r for r in rows(to_csv(edge_result)) if r["check_id"] == "aws.future.unknown_check")
    assert row["title"] == "aws.future.unknown_check"
    assert row["remediation_command"] == ""


def test_empty_result_is_just_the_header(edge_result):
    empty = edge_result.model_copy(update={"findings": [], "benchmarks": []})
    assert to_csv(empty) == ",".join(CSV_COLUMNS) + "\r\n"
