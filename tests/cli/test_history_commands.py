import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.history import HISTORY_URL_ENV, HOME_ENV, HistoryStore, history_location
from auditor.model import Finding, Severity, Status, finding_id
from auditor.scan_result import ScanResult, ScanScope
from tests.history import raw
from tests.postgresql_server import PASSWORD, free_port

runner = CliRunner()
ACCOUNT = "111122223333"
EVIL = "[bold red]pwned[/] <script>"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """POSTURE_AUDITOR_HOME in tmp_path for the command and for the test's own store (SQLite only)."""
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    monkeypatch.delenv(HISTORY_URL_ENV, raising=False)
    return {HOME_ENV: str(tmp_path), "COLUMNS": "250"}


@pytest.fixture
def store_env(tmp_path, monkeypatch, history_url):
    """The history at ``history_url`` (a SQLite file, or a PostgreSQL database) through the environment
    variable, as a team sets it once; the home is elsewhere, so the default file is not what is read."""
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setenv(HISTORY_URL_ENV, history_url)
    return {HISTORY_URL_ENV: history_url, HOME_ENV: str(tmp_path / "home"), "COLUMNS": "250"}


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


def save_two_scans(where) -> HistoryStore:
    store = HistoryStore(where)
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


def test_history_lists_scans_newest_first_with_counts_and_scores(history_url, store_env):
    save_two_scans(history_url)
    result = runner.invoke(app, ["history"], env=store_env)
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

    assert str(history_location(history_url)) in result.output and PASSWORD not in result.output
    limited = runner.invoke(app, ["history", "--limit", "1"], env=store_env)
    assert "2026-11-02" in limited.output and "2026-11-01" not in limited.output


def test_history_json(history_url, store_env):
    save_two_scans(history_url)
    result = runner.invoke(app, ["history", "--json"], env=store_env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["path"] == str(history_location(history_url))
    assert [scan["id"] for scan in data["scans"]] == [2, 1]
    assert data["scans"][0]["counts"]["FAIL"] == 2
    assert data["scans"][0]["scores"][0] == {
        "benchmark_id": "cis-aws-7.0",
        "control_ratio": 0.5,
        "weighted_score": 0.5,
        "coverage": 0.75,
    }


def test_diff_defaults_to_the_last_two_scans_and_exits_3_on_new_failures(history_url, store_env):
    save_two_scans(history_url)
    result = runner.invoke(app, ["diff"], env=store_env)
    assert result.exit_code == 3, result.output
    out = result.output
    assert "Scan 1 (2026-11-01 08:00 UTC, snapshot) → scan 2" in out
    assert "New failures (1)" in out and "vpc-new" in out
    assert "Regressions (PASS → FAIL) (1)" in out
    assert "Fixed (1)" in out and "FAIL → PASS" in out
    assert "cis-aws-7.0 3.7  PASS → FAIL  now failing" in out
    assert "controls 100% → 50%" in out
    assert EVIL in out  # printed literally, never interpreted as markup


def test_diff_with_explicit_ids_when_things_got_better_exits_0(history_url, store_env):
    store = save_two_scans(history_url)
    better = [make_finding("vpc-fixed", Status.PASS), make_finding("vpc-evil", Status.PASS, EVIL)]
    store.save(make_result(better, 3), [score(1.0, "PASS")])
    result = runner.invoke(app, ["diff", "2", "3"], env=store_env)
    assert result.exit_code == 0, result.output
    assert "Fixed (2)" in result.output  # vpc-evil fixed, vpc-new gone
    assert "no longer failing" in result.output
    assert "resource no longer present" in result.output
    assert "No new failures" in result.output


def test_diff_with_one_id_compares_it_with_the_newest(history_url, store_env):
    save_two_scans(history_url)
    assert runner.invoke(app, ["diff", "1"], env=store_env).exit_code == 3
    assert runner.invoke(app, ["diff", "2"], env=store_env).exit_code == 0


def test_diff_json(history_url, store_env):
    save_two_scans(history_url)
    result = runner.invoke(app, ["diff", "--json"], env=store_env)
    assert result.exit_code == 3
    data = json.loads(result.output)
    assert data["old"]["id"] == 1 and data["new"]["id"] == 2 and data["worsened"] is True
    assert [c["resource_id"] for c in data["new_failures"]] == ["vpc-new"]
    assert [c["resource_name"] for c in data["regressions"]] == [EVIL]
    assert [c["resource_id"] for c in data["fixed"]] == ["vpc-fixed"]
    assert data["control_changes"] == [
        {"benchmark_id": "cis-aws-7.0", "control_id": "3.7", "old_status": "PASS", "new_status": "FAIL"}
    ]


def test_diff_of_a_missing_scan_id_exits_1_naming_the_id_and_the_store(history_url, store_env):
    save_two_scans(history_url)
    result = runner.invoke(app, ["diff", "1", "9"], env=store_env)
    assert result.exit_code == 1
    assert "no scan with id 9" in result.output and str(history_location(history_url)) in result.output


def test_diff_needs_two_scans(history_url, store_env):
    assert runner.invoke(app, ["diff"], env=store_env).exit_code == 1
    HistoryStore(history_url).save(make_result([], 1), [])
    result = runner.invoke(app, ["diff"], env=store_env)
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


def test_history_url_option_reads_that_store_and_not_the_default(history_url, tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "elsewhere"))
    monkeypatch.delenv(HISTORY_URL_ENV, raising=False)
    env = {HOME_ENV: str(tmp_path / "elsewhere"), "COLUMNS": "250"}
    save_two_scans(history_url)
    listed = runner.invoke(app, ["history", "--json", "--history-url", history_url], env=env)
    assert listed.exit_code == 0, listed.output
    assert [scan["id"] for scan in json.loads(listed.output)["scans"]] == [2, 1]
    assert runner.invoke(app, ["diff", "--history-url", history_url], env=env).exit_code == 3
    default = runner.invoke(app, ["history", "--json"], env=env)  # the default file: nothing there
    assert json.loads(default.output)["scans"] == []


def test_an_empty_store_says_no_scans_and_is_not_created(history_url, store_env):
    result = runner.invoke(app, ["history"], env=store_env)
    assert result.exit_code == 0, result.output
    assert f"No scans recorded yet in {history_location(history_url)}" in " ".join(result.output.split())
    if raw.is_postgresql(history_url):
        assert raw.tables(history_url) == set()


@pytest.mark.parametrize("command", [["history"], ["diff"], ["history", "--json"]])
def test_an_unreachable_server_exits_1_naming_the_url_without_its_password(env, command):
    port = free_port()
    url = f"postgresql://auditor:hunter2-secret@127.0.0.1:{port}/posture"
    result = runner.invoke(app, [*command, "--history-url", url], env=env)
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert f"postgresql://auditor:***@127.0.0.1:{port}/posture: cannot connect" in output
    assert "hunter2" not in result.output


def test_a_wrong_password_exits_1_and_never_prints_it(env, postgresql_server):
    database = postgresql_server.new_database().rsplit("/", 1)[1]
    wrong = postgresql_server.url(database, password="not-the-password")
    result = runner.invoke(app, ["history", "--history-url", wrong], env=env)
    assert result.exit_code == 1
    assert "password authentication failed" in result.output and "not-the-password" not in result.output


def test_a_url_that_is_not_a_history_exits_1_naming_it(env):
    result = runner.invoke(app, ["history", "--history-url", "mysql://root:pw123@db/posture"], env=env)
    assert result.exit_code == 1
    assert "mysql://root:***@db/posture: not a history URL" in " ".join(result.output.split())
    assert "pw123" not in result.output


def test_another_programs_database_exits_1_and_is_left_untouched(history_url, store_env):
    raw.execute(history_url, "CREATE TABLE invoices (total INTEGER)")
    result = runner.invoke(app, ["diff"], env=store_env)
    assert result.exit_code == 1
    assert "not a posture-auditor history" in result.output
    assert raw.tables(history_url) == {"invoices"}
