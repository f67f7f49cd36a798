"""`auditor scan aws --organization --cluster local:2` on the demo organization (seeded into the moto
server): the real command in its own process, shard lines on stderr, the same result as without
--cluster; and the usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli.main import app
from auditor.emulators.moto_server import running_moto_server

DEMO = "auditor/emulators/estates/demo.yaml"
ACCOUNTS = ("123456789012", "246813579024", "345678901234")
runner = CliRunner()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with running_moto_server(estate=DEMO) as url:
        yield url


def scan(endpoint: str, tmp_path: Path, name: str, *extra: str) -> tuple[dict, str, int]:
    out = tmp_path / f"{name}.json"
    command = [sys.executable, "-m", "auditor", "scan", "aws", "--organization", "--no-history"]
    command += ["--json", str(out), *extra]
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "COLUMNS": "200"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    return json.loads(out.read_text()), done.stderr, done.returncode


def test_the_cluster_scan_prints_shards_and_gives_the_same_scores(endpoint, tmp_path) -> None:
    single, _, single_code = scan(endpoint, tmp_path, "single")
    sharded, stderr, code = scan(endpoint, tmp_path, "cluster", "--cluster", "local:2")
    assert code == single_code == 3  # the demo has failures
    for account in ACCOUNTS:
        assert f"shard aws {account} done" in stderr
    assert "shards 3 done, 0 running, 0 failed of 3" in stderr
    for result in (single, sharded):
        for volatile in ("started_at", "finished_at", "inventory_hash"):
            result.pop(volatile)
    assert sharded["benchmarks"] == single["benchmarks"]  # scores and coverage
    assert sharded == single


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--cluster", "local:2"], "needs --organization"),
        (["--organization", "--cluster", "local:0"], "1 to 64 worker processes"),
        (["--organization", "--cluster", "scheduler:8786"], "tcp://HOST:8786"),
    ],
)
def test_a_bad_cluster_is_a_usage_error(arguments, says) -> None:
    result = runner.invoke(app, ["scan", "aws", *arguments], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert says in " ".join(result.output.split())


def test_a_scheduler_that_does_not_answer_fails_the_scan(endpoint, tmp_path) -> None:
    """Nothing listens on the port (bound, then closed): exit 1 naming the scheduler, no traceback."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "auditor", "scan", "aws", "--organization", "--no-history"]
    command += ["--cluster", f"tcp://127.0.0.1:{port}"]
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "COLUMNS": "200"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"tcp://127.0.0.1:{port} did not answer" in done.stderr
    assert "Traceback" not in done.stderr
