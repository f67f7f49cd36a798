"""No secret ever leaves the process: recognisable fake secrets in every credential variable the three
clouds' SDKs read, then scans, exports, snapshots, history and reports are searched for them."""

from __future__ import annotations

import json
from pathlib import Path

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
