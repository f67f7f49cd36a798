import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.history import HOME_ENV, HistoryStore
from auditor.model import Finding, Severity, Status, finding_id
from auditor.scan_result import ScanResult, ScanScope

runner = CliRunner()
ACCOUNT = "111122223333"
EVIL = "[bold red]pwned[/] <script>"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """POSTURE_AUDITOR_HOME in tmp_path for the command and for the test's own store."""
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    return {HOME_ENV: str(tmp_path), "COLUMNS": "250"}


def make_finding(resource_id: str, status: Status, name: str = "") -> Finding:
    check_id = "aws.vpc.flow_logs_enabled"
    return Finding(
        id=finding_id("aws", ACCOUNT, "us-east-1", check_id, resource_id),
        check_id=check_id,
        provider="aws",
        service="vpc",
        severity=Severity.MEDIUM,
        status=status,
        account=ACCOUNT,
        region="us-east-1",
        resource_id=resource_id,
        resource_name=name,
        message=f"flow logs of {resource_id}",
    )


def make_result(findings: list[Finding], day: int) -> ScanResult:
    when = datetime(2026, 11, day, 8, 0, tzinfo=UTC)
    return ScanResult(
        tool_version="0.1.0",
        started_at=when,
        finished_at=when,
        source="snapshot",
        scopes=[ScanScope(provider="aws", account=ACCOUNT, regions=["us-east-1"])],
        inventory_hash="h",
        api_calls=0,
        findings=findings,
    )


def score(ratio: float, status: str) -> dict:
    return {
        "benchmark_id": "cis-aws-7.0",
        "figures": {"control_ratio": ratio, "weighted_score": ratio, "coverage": 0.75},
        "controls": [{"control_id": "3.7", "status": status}],
    }


def save_two_scans(tmp_path) -> HistoryStore:
    store = HistoryStore(tmp_path / "history.sqlite3")
    store.save(
        make_result([make_finding("vpc-fixed", Status.FAIL), make_finding("vpc-evil", Status.PASS, EVIL)], 1),
        [score(1.0, "PASS")],
    )
    store.save(
        make_result(
            [
                make_finding("vpc-fixed", Status.PASS),
                make_finding("vpc-evil", Status.FAIL, EVIL),
                make_finding("vpc-new", Status.FAIL),
            ],
            2,
        ),
        [score(0.5, "FAIL")],
    )
    return store


def test_both_commands_are_registered():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "history" in result.output and "diff" in result.output


def test_history_with_no_database_says_so_and_creates_nothing(tmp_path, env):
    result = runner.invoke(app, ["history"], env=env)
    assert result.exit_code == 0, result.output
    assert "No scans recorded yet" in result.output and str(tmp_path) in result.output
    assert list(tmp_path.iterdir()) == []


def test_history_lists_scans_newest_first_with_counts_and_scores(tmp_path, env):
    save_two_scans(tmp_path)
    result = runner.invoke(app, ["history"], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    second = next(i for i, line in enumerate(lines) if line.strip().startswith("2 "))
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("1 "))
    assert second < first
    assert "2026-11-02 08:00" in lines[second] and "snapshot" in lines[second]
    assert f"aws:{ACCOUNT}" in lines[second]
    assert "FAIL 2 · PASS 1" in lines[second]
    assert "cis-aws-7.0 50% (weighted 50%, coverage 75%)" in lines[second]
    assert "cis-aws-7.0 100%" in lines[first]

    limited = runner.invoke(app, ["history", "--limit", "1"], env=env)
    assert "2026-11-02" in limited.output and "2026-11-01" not in limited.output


def test_history_json(tmp_path, env):
    save_two_scans(tmp_path)
    result = runner.invoke(app, ["history", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["path"] == str(tmp_path / "history.sqlite3")
    assert [scan["id"] for scan in data["scans"]] == [2, 1]
    assert data["scans"][0]["counts"]["FAIL"] == 2
    assert data["scans"][0]["scores"][0] == {
        "benchmark_id": "cis-aws-7.0",
        "control_ratio": 0.5,
        "weighted_score": 0.5,
        "coverage": 0.75,
    }


def test_diff_defaults_to_the_last_two_scans_and_exits_3_on_new_failures(tmp_path, env):
    save_two_scans(tmp_path)
    result = runner.invoke(app, ["diff"], env=env)
    assert result.exit_code == 3, result.output
    out = result.output
    assert "Scan 1 (2026-11-01 08:00 UTC, snapshot) → scan 2" in out
    assert "New failures (1)" in out and "vpc-new" in out
    assert "Regressions (PASS → FAIL) (1)" in out
    assert "Fixed (1)" in out and "FAIL → PASS" in out
    assert "cis-aws-7.0 3.7  PASS → FAIL  now failing" in out
    assert "controls 100% → 50%" in out
    assert EVIL in out  # printed literally, never interpreted as markup


def test_diff_with_explicit_ids_when_things_got_better_exits_0(tmp_path, env):
    store = save_two_scans(tmp_path)
    better = [make_finding("vpc-fixed", Status.PASS), make_finding("vpc-evil", Status.PASS, EVIL)]
    store.save(make_result(better, 3), [score(1.0, "PASS")])
    result = runner.invoke(app, ["diff", "2", "3"], env=env)
    assert result.exit_code == 0, result.output
    assert "Fixed (2)" in result.output  # vpc-evil fixed, vpc-new gone
    assert "no longer failing" in result.output
    assert "resource no longer present" in result.output
    assert "No new failures" in result.output


def test_diff_with_one_id_compares_it_with_the_newest(tmp_path, env):
    save_two_scans(tmp_path)
    assert runner.invoke(app, ["diff", "1"], env=env).exit_code == 3
    assert runner.invoke(app, ["diff", "2"], env=env).exit_code == 0


def test_diff_json(tmp_path, env):
    save_two_scans(tmp_path)
    result = runner.invoke(app, ["diff", "--json"], env=env)
    assert result.exit_code == 3
    data = json.loads(result.output)
    assert data["old"]["id"] == 1 and data["new"]["id"] == 2 and data["worsened"] is True
    assert [c["resource_id"] for c in data["new_failures"]] == ["vpc-new"]
    assert [c["resource_name"] for c in data["regressions"]] == [EVIL]
    assert [c["resource_id"] for c in data["fixed"]] == ["vpc-fixed"]
    assert data["control_changes"] == [
        {"benchmark_id": "cis-aws-7.0", "control_id": "3.7", "old_status": "PASS", "new_status": "FAIL"}
    ]


def test_diff_of_a_missing_scan_id_exits_1_naming_the_id_and_path(tmp_path, env):
    save_two_scans(tmp_path)
    result = runner.invoke(app, ["diff", "1", "9"], env=env)
    assert result.exit_code == 1
    assert "no scan with id 9" in result.output and str(tmp_path / "history.sqlite3") in result.output


def test_diff_needs_two_scans(tmp_path, env):
    assert runner.invoke(app, ["diff"], env=env).exit_code == 1
    HistoryStore(tmp_path / "history.sqlite3").save(make_result([], 1), [])
    result = runner.invoke(app, ["diff"], env=env)
    assert result.exit_code == 1 and "needs two" in result.output


@pytest.mark.parametrize("command", [["history"], ["diff"], ["history", "--json"]])
def test_a_corrupted_history_exits_1_naming_the_path_and_keeps_the_file(tmp_path, env, command):
    path = tmp_path / "history.sqlite3"
    garbage = b"this is not sqlite\n" * 100
    path.write_bytes(garbage)
    result = runner.invoke(app, command, env=env)
    assert result.exit_code == 1
    assert str(path) in result.output and "not a SQLite database" in result.output
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite3"]
