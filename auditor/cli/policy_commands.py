"""`auditor policy aws`: the least-privilege read-only IAM policy the AWS scan needs."""

from __future__ import annotations

import json

import typer

app = typer.Typer(help="Print the least-privilege IAM policies the scans need.", no_args_is_help=True)


@app.command("aws")
def aws_policy() -> None:
    """Print the read-only IAM policy JSON for `auditor scan aws` (generated from the collector)."""
    from auditor.providers.aws import iam_policy

    typer.echo(json.dumps(iam_policy(), indent=2))
