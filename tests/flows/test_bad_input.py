"""Bad input is counted, reported by file and line, and skipped; the rest is analysed; nothing crashes."""

from __future__ import annotations

import gzip
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.flows import generate
from auditor.flows.analysis import analyze
from auditor.flows.parameters import RuleParameters
from auditor.model import Status

HEADER = " ".join(generate.MODULE_LOG_FORMAT[:14])


def _lines(records) -> list[str]:
    return [generate.aws_line(r, generate.MODULE_LOG_FORMAT[:14]) for r in records]


def test_the_malformed_input_set(tmp_path):
    scenario, records = generate.attack_scenario()
    good = _lines(records)
    # 1. corrupt lines in an otherwise good gzip file: wrong column counts, a non-number, bad bytes.
    body = [HEADER, *good[:1000]]
    body[10] = "2 123456789012 eni-1 10.0.0.1"  # too few columns (line 11)
    body[20] = body[21] + " extra"  # too many columns (line 21)
    body[30] = body[30].replace(" 6 ", " tcp ", 1)  # protocol is not a number (line 31)
    data = ("\n".join(body) + "\n").encode()
    broken_bytes = good[40].encode().replace(b"eni-0a1b2c3d", b"eni-\xff\xfe")
    data = data.replace(good[40].encode(), broken_bytes, 1)  # line 42 is not UTF-8
    (tmp_path / "corrupt-lines.log.gz").write_bytes(gzip.compress(data, mtime=0))
    # 2. the rest of the records, gzip cut in half: its complete lines are read, the tail is lost.
    rest = ("\n".join([HEADER, *good[1000:]]) + "\n").encode()
    whole = gzip.compress(rest, mtime=0)
    (tmp_path / "truncated.log.gz").write_bytes(whole[: len(whole) // 2])
    # 3. files that are no flow log at all, or broken JSON.
    (tmp_path / "notes.txt").write_text("this is not a flow log\n")
    (tmp_path / "azure.json").write_text('{"records": [{"category": "NetworkSecurityGroupFlowEvent", ')
    (tmp_path / "empty.log.gz").write_bytes(b"")

    analysis = analyze([str(tmp_path)], RuleParameters(window_end=scenario.window_end))
    summary = analysis.summary

    def errors(file: str) -> list[tuple[int | None, str]]:
        return [(e.line, e.kind) for e in summary.input_errors if e.file.endswith(file)]

    assert errors("corrupt-lines.log.gz") == [
        (11, "malformed"),
        (21, "malformed"),
        (31, "malformed"),
        (42, "encoding"),
    ]
    truncated = errors("truncated.log.gz")
    assert len(truncated) == 1 and truncated[0][1] == "truncated"
    salvaged = truncated[0][0] - 2  # the header, and the error names the first lost line
    assert 0 < salvaged < len(good) - 1000
    assert errors("notes.txt") == [(None, "unreadable")]
    assert errors("azure.json") == [(1, "malformed")]
    assert errors("empty.log.gz") == [(None, "unreadable")]
    assert summary.files == 5
    assert summary.files_failed == 4  # truncated, notes.txt, azure.json, empty.log.gz
    assert summary.records_rejected == 4 + 1
    assert summary.records_read == 996 + salvaged
    assert summary.input_errors_total == len(summary.input_errors) == 8
    # The rest is analysed: the brute forcer's attempts that survived are still counted.
    # The rest is analysed: every record read lies in the window or in the baseline before it.
    assert summary.records_in_window + summary.baseline_records == summary.records_read
    assert any(f.status is Status.FAIL for f in analysis.findings)


def test_nodata_and_skipdata_records_are_counted_not_analysed(tmp_path):
    scenario, records = generate.attack_scenario()
    start = int(scenario.window_end.timestamp()) - 3600
    lines = [
        HEADER,
        *_lines(records[-100:]),
        f"2 123456789012 eni-1 - - - - - - - {start} {start + 60} - NODATA",
        f"2 123456789012 eni-1 - - - - - - - {start} {start + 60} - SKIPDATA",
    ]
    (tmp_path / "flows.log").write_text("\n".join(lines) + "\n")
    summary = analyze([str(tmp_path)], RuleParameters(window_end=scenario.window_end)).summary
    assert summary.records_read == 102
    assert summary.records_no_data == 2
    assert summary.records_rejected == 0
    assert summary.accepted_flows + summary.rejected_flows == 100


def test_bad_json_records_and_tuples_are_skipped_one_by_one(tmp_path):
    scenario, records = generate.attack_scenario(provider="gcp")
    lines = [json.dumps(generate.gcp_entry(r)) for r in records[:50]]
    lines[3] = "{not json"
    lines[7] = lines[7][:20]
    content = ("\n".join(lines) + "\n").encode().replace(b"demo-project", b"demo-\xffproject", 1)
    (tmp_path / "gcp.json").write_bytes(content)
    nsg = generate.write_azure_nsg(records[:50], tmp_path / "nsg.json")
    blob = json.loads(nsg.read_text())
    tuples = blob["records"][0]["properties"]["flows"][0]["flows"][0]["flowTuples"]
    tuples[0] = "1,2,3"
    tuples[1] = tuples[1].replace(",T,", ",X,")
    nsg.write_text(json.dumps(blob))

    summary = analyze([str(tmp_path)], RuleParameters(window_end=scenario.window_end)).summary
    kinds = sorted((e.file.rsplit("/", 1)[-1], e.line, e.kind) for e in summary.input_errors)
    assert kinds == [
        ("gcp.json", 1, "encoding"),
        ("gcp.json", 4, "malformed"),
        ("gcp.json", 8, "malformed"),
        ("nsg.json", None, "malformed"),
        ("nsg.json", None, "malformed"),
    ]
    assert summary.records_rejected == 5
    assert summary.records_read == 47 + 48


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(st.binary(min_size=0, max_size=60), min_size=1, max_size=8))
def test_any_garbage_lines_are_counted_and_never_crash(tmp_path_factory, garbage):
    directory = tmp_path_factory.mktemp("garbage")
    scenario, records = generate.attack_scenario()
    good = [line.encode() for line in _lines(records[:20])]
    lines = [
        HEADER.encode(),
        *good[:10],
        *(g.replace(b"\n", b" ").replace(b"\r", b" ") for g in garbage),
        *good[10:],
    ]
    (directory / "mixed.log.gz").write_bytes(gzip.compress(b"\n".join(lines) + b"\n", mtime=0))
    summary = analyze([str(directory)], RuleParameters(window_end=scenario.window_end)).summary
    # Every data line is either loaded or rejected (an empty line is neither; a line of spaces is a
    # malformed record), and every good line loads.
    blank = sum(1 for g in garbage if not g)
    assert summary.records_read + summary.records_rejected == len(lines) - 1 - blank
    assert summary.records_read >= 20
    assert all(e.line is not None and 11 < e.line <= 11 + len(garbage) for e in summary.input_errors)
