"""Unit and UnitContext: datasets filled independently, failures recorded, never an empty list."""

from __future__ import annotations

import pytest

from auditor.inventory.aws import GLOBAL
from auditor.providers.aws.clients import ClientPool
from auditor.providers.aws.failures import ReadFailed
from auditor.providers.aws.unit import Unit, UnitContext
from tests.providers.aws.estate import ACCOUNT, EAST


def test_a_failed_dataset_is_none_with_its_error_and_the_next_one_is_still_read(pool: ClientPool) -> None:
    context = UnitContext(pool, ACCOUNT, EAST, EAST)

    def denied() -> list[str]:
        raise ReadFailed("ec2", "DescribeFlowLogs", "denied", "UnauthorizedOperation", "no", "")

    assert context.fill("flow_logs", "ec2", denied) is None
    assert context.fill("vpcs", "ec2", lambda: []) == []
    assert context.values == {"flow_logs": None, "vpcs": []}
    [error] = context.errors
    assert (error.provider, error.account, error.region, error.service) == ("aws", ACCOUNT, EAST, "ec2")
    assert (error.dataset, error.operation, error.kind, error.code) == (
        "flow_logs",
        "DescribeFlowLogs",
        "denied",
        "UnauthorizedOperation",
    )


def test_an_answer_that_cannot_be_mapped_is_malformed_and_names_the_last_call(pool: ClientPool) -> None:
    context = UnitContext(pool, ACCOUNT, EAST, EAST)
    ec2 = context.reader("ec2")

    def read() -> list[str]:
        ec2.call("DescribeRegions")
        return [{}["missing"]]

    assert context.fill("vpcs", "ec2", read) is None
    [error] = context.errors
    assert (error.operation, error.kind) == ("DescribeRegions", "malformed")
    assert "KeyError" in error.message


def test_global_units_record_errors_under_global(pool: ClientPool) -> None:
    def collect(context: UnitContext) -> None:
        context.fill("cloudfront_distributions", "cloudfront", _fail)

    unit = Unit(
        service="cloudfront",
        datasets=("cloudfront_distributions",),
        reads=(),
        collect=collect,
        scope="global",
    )
    context = unit.run(pool, ACCOUNT, EAST)
    assert (context.region, context.scope) == (EAST, GLOBAL)
    assert [e.region for e in context.errors] == [GLOBAL]


def test_a_unit_that_forgets_a_dataset_is_a_bug(pool: ClientPool) -> None:
    unit = Unit(
        service="ec2", datasets=("vpcs", "subnets"), reads=(), collect=lambda c: c.fill("vpcs", "ec2", list)
    )
    with pytest.raises(RuntimeError, match=r"did not fill \['subnets'\]"):
        unit.run(pool, ACCOUNT, EAST)


def _fail() -> list[str]:
    raise ReadFailed("cloudfront", "ListDistributions", "throttled", "Throttling", "slow down")
