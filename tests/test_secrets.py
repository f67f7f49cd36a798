"""No secret ever leaves the process: recognisable fake secrets in every credential variable the three
clouds' SDKs read, then scans, exports, snapshots, history and reports are searched for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from moto import mock_aws
from pypdf import PdfReader
from typer.testing import CliRunner

from auditor.cli.main import app

MARK = "Zz9SECRETzZ"
SECRETS = {
    "AWS_SECRET_ACCESS_KEY": f"{MARK}-aws-secret-key",
    "AWS_SESSION_TOKEN": f"{MARK}-aws-session-token",
    "AZURE_CLIENT_SECRET": f"{MARK}-azure-client-secret",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD": f"{MARK}-azure-cert-password",
    "AZURE_PASSWORD": f"{MARK}-azure-password",
    "GOOGLE_OAUTH_ACCESS_TOKEN": f"{MARK}-google-token",
}
runner = CliRunner()


def _environment(tmp_path: Path) -> dict[str, str]:
    key_file = tmp_path / "adc.json"
    key_file.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "acme-prod",
                "private_key_id": f"{MARK}-key-id",
                "private_key": f"-----BEGIN PRIVATE KEY-----\n{MARK}-key\n-----END PRIVATE KEY-----\n",
                "client_email": "scanner@acme-prod.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return {
        **SECRETS,
        "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AZURE_TENANT_ID": "00000000-0000-0000-0000-00000000dead",
        "AZURE_CLIENT_ID": "00000000-0000-0000-0000-00000000beef",
        "AZURE_USERNAME": "scanner@acme.example",
        "GOOGLE_APPLICATION_CREDENTIALS": str(key_file),
        "POSTURE_AUDITOR_HOME": str(tmp_path / "home"),
        "COLUMNS": "200",
    }


def _texts(directory: Path) -> list[tuple[str, str]]:
    """Every file under ``directory`` as text (PDF text extracted too, bytes decoded loosely)."""
    out = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        if path.name == "adc.json":
            continue  # the credential file itself, planted by this test
        data = path.read_bytes()
        out.append((str(path), data.decode("utf-8", "replace")))
        if path.suffix == ".pdf":
            out.append((f"{path} (text)", " ".join(page.extract_text() for page in PdfReader(path).pages)))
    return out


def test_no_secret_appears_in_any_output_log_snapshot_history_row_or_report(
    tmp_path: Path, monkeypatch
) -> None:
    env = _environment(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    outputs: list[tuple[str, str]] = []

    with mock_aws():  # moto accepts any key: the secret is used to sign every request
        aws = runner.invoke(
            app,
            [
                "scan", "aws", "--region", "us-east-1", "--json", str(tmp_path / "aws.json"),
                "--snapshot", str(tmp_path / "aws-snapshot.json"),
                "--output-dir", str(tmp_path / "reports"), "--format", "all",
            ],
        )  # fmt: skip
    outputs.append(("scan aws", aws.output))
    assert aws.exit_code in (0, 1, 3), aws.output
    assert (tmp_path / "reports").is_dir() and any((tmp_path / "reports").iterdir())

    # Azure and GCP with the planted credentials: no network here, so the credential exchange fails;
    # whatever the SDKs say about it must not repeat the secret.
    for provider in ("azure", "gcp"):
        result = runner.invoke(app, ["scan", provider, "--quiet", "--no-history"])
        outputs.append((f"scan {provider}", result.output))
        assert result.exit_code != 0

    demo = runner.invoke(
        app,
        [
            "demo", "-q", "--json", str(tmp_path / "demo.json"),
            "--snapshot", str(tmp_path / "demo-snapshot.json"), "--pdf", str(tmp_path / "demo.pdf"),
        ],
    )  # fmt: skip
    outputs.append(("demo", demo.output))
    report = runner.invoke(app, ["history", "list"])
    outputs.append(("history list", report.output))

    outputs += _texts(tmp_path)
    searched = {name for name, _ in outputs}
    assert str(tmp_path / "home" / "history.sqlite3") in searched  # the history rows, as stored
    assert {str(tmp_path / n) for n in ("aws-snapshot.json", "demo-snapshot.json", "demo.pdf")} <= searched
    for name, text in outputs:
        assert MARK not in text, f"a secret leaked into {name}"


def _started(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )


def test_no_secret_reaches_a_shard_task_or_the_cluster_logs(tmp_path: Path) -> None:
    """A real cluster as the README starts one (`dask scheduler`, `dask worker tcp://...`, its logs in
    files) scans the demo organization through a proxy that records the temporary credentials every
    sts:AssumeRole answer hands a worker. Neither the planted secret key nor those credentials appear in
    the tasks' arguments, the scheduler's or the workers' logs (their files and what distributed keeps),
    the CLI's output or the result. The workers have no AWS_ENDPOINT_URL of their own: they reach the
    emulator only through the endpoint the shard carries."""
    import cloudpickle
    from distributed import Client

    from auditor.emulators.moto_server import running_moto_server
    from auditor.providers.aws import AwsScanOptions
    from auditor.providers.aws.shards import plan_aws_shards
    from auditor.providers.scan_pool import ScanStop
    from tests.providers.aws.holding_proxy import HoldingProxy

    secret = SECRETS["AWS_SECRET_ACCESS_KEY"]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": secret}
    env.pop("AWS_ENDPOINT_URL", None)
    scheduler_file = tmp_path / "scheduler.json"
    dask = [str(Path(sys.executable).with_name("dask"))]
    processes = [
        _started(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
            tmp_path / "scheduler.log", env,
        )
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        processes.append(
            _started(
                [*dask, "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
                 "--host", "127.0.0.1"],
                tmp_path / "workers.log", env,
            )
        )  # fmt: skip
        with running_moto_server(estate="auditor/emulators/estates/demo.yaml") as url:
            proxy = HoldingProxy(url)
            try:
                with Client(address, timeout=30) as client:
                    client.wait_for_workers(2, timeout=60)
                    scan_env = {**env, "AWS_ENDPOINT_URL": proxy.url, "COLUMNS": "200"}
                    out = tmp_path / "scan.json"
                    command = [
                        sys.executable,
                        "-m",
                        "auditor",
                        "scan",
                        "aws",
                        "--organization",
                        "--no-history",
                    ]
                    command += ["--cluster", address, "--json", str(out)]
                    done = subprocess.run(command, env=scan_env, capture_output=True, text=True, timeout=300)
                    worker_logs = client.get_worker_logs()
                    scheduler_logs = client.get_scheduler_logs()
                # what the scan submits, built by the same planner with the same environment
                with pytest.MonkeyPatch.context() as patch:
                    for name, value in scan_env.items():
                        patch.setenv(name, value)
                    plan = plan_aws_shards(AwsScanOptions(organization=True), None, ScanStop())
            finally:
                proxy.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)

    assert done.returncode == 3, done.stderr
    assert "shards 3 done, 0 running, 0 failed of 3" in done.stderr
    assert proxy.secrets, "no AssumeRole answer went through: the search below would prove nothing"
    logged = [line for lines in worker_logs.values() for _, line in lines]
    assert any("(account 246813579024) collected" in line for line in logged)  # the logs were captured
    files = {name: (tmp_path / name).read_text() for name in ("scheduler.log", "workers.log")}
    assert "collected in" in files["workers.log"]
    texts = {
        **files,
        "worker logs": "\n".join(logged),
        "scheduler logs": "\n".join(line for _, line in scheduler_logs),
        "scan output": done.stdout + done.stderr,
        "scan result": out.read_text(),
        **{
            f"task {shard.account}": repr(cloudpickle.loads(cloudpickle.dumps(shard.argument)))
            for shard in plan.shards
        },
        **{
            f"pickled task {shard.account}": cloudpickle.dumps(shard.argument).decode("latin-1")
            for shard in plan.shards
        },
    }
    assert len(plan.shards) == 3  # the caller's own account and the two members it assumes a role into
    for name, text in texts.items():
        for value in (secret, MARK, *proxy.secrets):
            assert value not in text, f"a secret leaked into {name}"
        assert "AwsShardTask(" not in text or name.startswith("task "), f"a task's repr is in {name}"
