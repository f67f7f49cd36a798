"""`--history-url` on every command that reads or writes the history (scan, demo, report --last, quiz,
quiz history, tui; history and diff are in test_history_commands.py), on both engines; and a history
that cannot be written loses nothing else the scan produced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.history import HISTORY_URL_ENV, HOME_ENV, HistoryStore, history_location
from tests.cli.test_scan_commands import _snapshot
from tests.postgresql_server import free_port

runner = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A home whose default history file the commands must not use: only --history-url counts."""
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    monkeypatch.delenv(HISTORY_URL_ENV, raising=False)
    return {HOME_ENV: str(tmp_path / "home"), "COLUMNS": "250", "USER": "alice"}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_scan_report_and_quiz_use_the_store_given(history_url, env, tmp_path):
    snapshot = _snapshot(tmp_path)
    scanned = runner.invoke(
        app, ["scan", "--from-snapshot", str(snapshot), "--history-url", history_url], env=env
    )
    assert scanned.exit_code == 3, scanned.output
    assert "recorded as scan 1 in the history" in scanned.output
    again = runner.invoke(
        app, ["scan", "--history-url", history_url, "--from-snapshot", str(snapshot), "-q"], env=env
    )
    assert again.exit_code == 3, again.output
    store = HistoryStore(history_url, create=False)
    assert store.scan_ids() == [1, 2] and store.load(2).source == "snapshot"
    assert not (tmp_path / "home").exists()  # the default file was never made

    html = tmp_path / "last.html"
    report = runner.invoke(
        app, ["report", "--last", "--html", str(html), "--history-url", history_url], env=env
    )
    assert report.exit_code == 0, report.output
    assert "aws.vpc.flow_logs_enabled" in html.read_text()

    quiz = runner.invoke(
        app,
        ["quiz", "--from-last-scan", "-n", "2", "--seed", "7", "--history-url", history_url],
        input="",
        env=env,
    )
    assert quiz.exit_code == 3, quiz.output  # no answer given: failed, and recorded
    assert "scenario question(s) about the last stored scan" in quiz.output
    listed = runner.invoke(app, ["quiz", "history", "--history-url", history_url], env=env)
    assert listed.exit_code == 0 and "alice" in listed.output and "FAIL" in listed.output
    through_the_group = runner.invoke(app, ["quiz", "--history-url", history_url, "history"], env=env)
    assert through_the_group.output == listed.output
    elsewhere = runner.invoke(app, ["quiz", "history"], env=env)
    assert "No quiz attempts recorded yet" in elsewhere.output


def _unreachable() -> str:
    return f"postgresql://auditor:hunter2-secret@127.0.0.1:{free_port()}/posture"


def test_an_unreachable_history_loses_nothing_else_and_exits_1(env, tmp_path):
    url = _unreachable()
    out, outdir = tmp_path / "scan.json", tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "scan",
            "--from-snapshot",
            str(_snapshot(tmp_path)),
            "--json",
            str(out),
            "-o",
            str(outdir),
            "-f",
            "json,csv",
        ],
        env={**env, HISTORY_URL_ENV: url},
    )
    assert result.exit_code == 1, result.output
    assert json.loads(out.read_text())["source"] == "snapshot"  # written before the history was tried
    assert sorted(p.suffix for p in outdir.iterdir()) == [".csv", ".json"]
    message = _one_line(result.output)
    assert (
        f"error: the scan was not recorded in the history: {history_location(url)}: cannot connect" in message
    )
    assert "FAIL" in result.output  # the summary was printed too
    assert "hunter2" not in result.output


def test_a_corrupted_history_file_loses_nothing_else_and_exits_1(env, tmp_path):
    history = tmp_path / "h.sqlite3"
    history.write_bytes(b"not a database" * 50)
    out = tmp_path / "scan.json"
    result = runner.invoke(
        app,
        [
            "scan",
            "--from-snapshot",
            str(_snapshot(tmp_path)),
            "--json",
            str(out),
            "--history-url",
            str(history),
        ],
        env=env,
    )
    assert result.exit_code == 1
    assert out.exists() and f"{history}: not a SQLite database" in _one_line(result.output)
    assert history.read_bytes() == b"not a database" * 50


@pytest.mark.parametrize(
    "command",
    [
        ["scan", "aws"],
        ["scan", "--history-url", "URL", "aws"],
        ["scan", "azure"],
        ["scan", "gcp"],
        ["demo", "-q"],
        ["tui"],
        ["quiz", "-n", "1"],
        ["report", "--last", "--pdf", "x.pdf"],
    ],
    ids=lambda parts: " ".join(parts),
)
def test_a_url_that_cannot_be_a_history_is_refused_before_any_work(env, command, tmp_path, monkeypatch):
    """A typo in the URL is told at once (no collection started, no screen taken), naming it redacted."""
    monkeypatch.chdir(tmp_path)
    bad = "mysql://root:pw-9876@db.internal/posture"
    args = [bad if part == "URL" else part for part in command]
    if "URL" not in command:
        args += ["--history-url", bad]
    result = runner.invoke(app, args, env=env, input="")
    assert result.exit_code == 1, result.output
    assert "mysql://root:***@db.internal/posture: not a history URL" in _one_line(result.output)
    assert "pw-9876" not in result.output
    assert list(Path(tmp_path).glob("demo-*")) == []  # the demo did not run


def test_no_history_needs_no_usable_history(env, tmp_path):
    result = runner.invoke(
        app,
        ["scan", "--from-snapshot", str(_snapshot(tmp_path)), "--no-history", "-q"],
        env={**env, HISTORY_URL_ENV: "mysql://nowhere/at-all"},
    )
    assert result.exit_code == 3, result.output


def test_the_sqlite_url_form_names_the_same_file_as_its_path(env, tmp_path):
    path = tmp_path / "team" / "history.sqlite3"
    result = runner.invoke(
        app,
        ["scan", "--from-snapshot", str(_snapshot(tmp_path)), "-q", "--history-url", f"sqlite://{path}"],
        env=env,
    )
    assert result.exit_code == 3, result.output
    assert HistoryStore(path, create=False).scan_ids() == [1]
    listed = runner.invoke(app, ["history", "--json", "--history-url", f"sqlite://{path}"], env=env)
    assert json.loads(listed.output)["path"] == str(path)
