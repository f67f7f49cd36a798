"""Security Hub: not subscribed is an answer; other failures leave the dataset unknown."""

from __future__ import annotations

import boto3

from auditor.inventory.aws import SecurityHub
from auditor.providers.aws.units import securityhub
from tests.providers.aws.estate import ACCOUNT, EAST
from tests.providers.aws.wire import answer_error


def test_not_subscribed_is_disabled_not_an_error(pool) -> None:
    context = securityhub.UNIT.run(pool, ACCOUNT, EAST)  # moto: "Account is not subscribed ..."
    assert context.values == {"security_hub": SecurityHub(enabled=False)}
    assert context.errors == []


def test_denied_describe_hub_is_unknown(session, pool) -> None:
    answer_error(session, "securityhub", "DescribeHub", "AccessDeniedException", "no", status=403)
    context = securityhub.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values == {"security_hub": None}
    assert [(e.operation, e.kind) for e in context.errors] == [("DescribeHub", "denied")]


def test_standards_that_cannot_be_read_make_the_hub_unknown(session, pool) -> None:
    # The hub must not look "enabled with no standards". (Injected, not left to moto: moto 5.2.5
    # lacks GetEnabledStandards, but the project's emulator may add it.)
    boto3.client("securityhub", EAST).enable_security_hub(EnableDefaultStandards=False)
    answer_error(session, "securityhub", "GetEnabledStandards", "InternalException", "try later", status=500)
    context = securityhub.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values == {"security_hub": None}
    [error] = context.errors
    assert (error.operation, error.dataset, error.kind, error.code) == (
        "GetEnabledStandards",
        "security_hub",
        "failed",
        "InternalException",
    )


def test_invalid_access_for_another_reason_is_an_error(session, pool) -> None:
    answer_error(session, "securityhub", "DescribeHub", "InvalidAccessException", "Account is suspended")
    context = securityhub.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values == {"security_hub": None}
    assert context.errors[0].code == "InvalidAccessException"
