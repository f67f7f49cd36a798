"""Fixtures for the AWS collector tests: moto per test, and sessions that share one model loader."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

from auditor.emulators import moto_extensions
from auditor.providers.aws import AwsScanOptions
from auditor.providers.aws.api_calls import ApiCallCounter
from auditor.providers.aws.clients import ClientPool, client_config
from auditor.providers.aws.policy import declared_reads
from auditor.providers.aws.readonly import ReadOnlyGuard
from tests.providers.aws.estate import EAST

# Service models are big JSON files; every test session shares one loader so they are parsed once
# per test run (the collector itself loads them once per scan, which is one per process).
_LOADER = botocore.loaders.create_loader()


def new_session(region: str = EAST) -> boto3.Session:
    """A fresh boto3 session (own event hooks, own credentials) with the shared model loader."""
    core = botocore.session.Session()
    core.register_component("data_loader", _LOADER)
    session = boto3.Session(botocore_session=core, region_name=region)
    _LOADER.search_paths[:] = list(dict.fromkeys(_LOADER.search_paths))  # boto3 appends its own each time
    return session


@pytest.fixture
def aws() -> Iterator[None]:
    """An empty in-process moto for one test, with the project's extensions (the operations moto lacks,
    such as GuardDuty ListFindings), so a test does not depend on which test installed them first."""
    moto_extensions.install()
    with mock_aws():
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    """The session the collector uses in a test (fault injections register on it)."""
    return new_session()


@pytest.fixture
def pool(session: boto3.Session) -> ClientPool:
    """The collector's client pool over the test session (guarded and counted like in a scan)."""
    return ClientPool(
        session, client_config(AwsScanOptions()), ReadOnlyGuard(declared_reads()), ApiCallCounter()
    )
