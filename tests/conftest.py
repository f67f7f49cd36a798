"""Shared test fixtures: hand-made inventories for pure check tests."""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from auditor.inventory.aws import AwsInventory, AwsRegion
from auditor.model import CollectionError, Finding, Status
from auditor.registry import load_checks

ACCOUNT = "111122223333"


@pytest.fixture
def default_sigint() -> Iterator[None]:
    """Python's own SIGINT handler (KeyboardInterrupt in the main thread) for a Ctrl-C test, whatever an
    earlier test in this worker installed; ``_thread.interrupt_main()`` then acts as Ctrl-C does."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# Never let a test reach a real AWS account, whatever the developer's shell holds.
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_name, None)
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
# Scan history goes to a throw-away directory, never the developer's own data dir.
os.environ["POSTURE_AUDITOR_HOME"] = tempfile.mkdtemp(prefix="posture-auditor-test-home-")


def make_inventory(regions: dict[str, dict[str, Any]] | None = None, **fields: Any) -> AwsInventory:
    """An AwsInventory from plain data: ``make_inventory({"us-east-1": {"vpcs": [...]}})``.

    Datasets not given stay ``None`` (= not collected), so pass ``[]`` for "collected, nothing there".
    """
    regions = regions or {}
    return AwsInventory.model_validate(
        {
            "account_id": ACCOUNT,
            "collected_at": datetime(2026, 11, 1, tzinfo=UTC),
            "enabled_regions": sorted(regions),
            "regions": {name: {"name": name, **data} for name, data in regions.items()},
            **fields,
        }
    )


def collection_error(region: str, dataset: str, service: str = "ec2", **kw: Any) -> dict[str, Any]:
    return CollectionError(
        provider="aws",
        account=ACCOUNT,
        region=region,
        service=service,
        dataset=dataset,
        operation=kw.pop("operation", "Describe"),
        kind=kw.pop("kind", "denied"),
        code=kw.pop("code", "AccessDenied"),
        message=kw.pop("message", "not authorized"),
        **kw,
    ).model_dump()


def run_check(check_id: str, inventory: AwsInventory) -> list[Finding]:
    return list(load_checks().get(check_id).run(inventory, inventory.account_id))


def statuses(findings: list[Finding]) -> dict[str, Status]:
    """resource_id -> status, for compact assertions."""
    return {f.resource_id: f.status for f in findings}


@pytest.fixture
def empty_region() -> AwsRegion:
    return AwsRegion(name="us-east-1")


# A real PostgreSQL server (session) and the parametrised history location (SQLite / PostgreSQL).
from tests.postgresql_server import history_url, postgresql_server  # noqa: E402, F401
