"""Emulator fixtures: the same boto3 clients, in-process (mock_aws) or against a moto server."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from auditor.emulators import moto_extensions
from auditor.emulators.moto_server import running_moto_server

Clients = Callable[..., Any]
CIS_120 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"


def standards_except_cis_120(region: str) -> list[str]:
    """Every standard Security Hub offers in the region but CIS 1.2.0 (the demo's one)."""
    arns = [template.format(partition="aws", region=region) for template in moto_extensions.KNOWN_STANDARDS]
    return [arn for arn in arns if arn != CIS_120]


@pytest.fixture(scope="session")
def moto_server_url() -> Iterator[str]:
    """One moto server subprocess for the session (no estate); tests reset it before use."""
    with running_moto_server() as url:
        yield url


def _reset(url: str) -> None:
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.fixture(params=["in-process", "server"])
def aws(request: pytest.FixtureRequest) -> Iterator[Clients]:
    """``aws("securityhub", "eu-west-1")`` -> a real boto3 client, in-process or over HTTP."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    if request.param == "in-process":
        moto_extensions.install()
        with mock_aws():
            yield lambda service, region="us-east-1": session.client(service, region_name=region)
    else:
        url = request.getfixturevalue("moto_server_url")
        _reset(url)
        yield lambda service, region="us-east-1": session.client(
            service, region_name=region, endpoint_url=url
        )
