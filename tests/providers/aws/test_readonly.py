"""The collector only reads: every operation a full collection sends is a declared Describe/List/Get,
and the runtime guard refuses anything else before it is sent."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.model import OperationModel

from auditor.providers.aws import AwsScanOptions, collect_aws, iam_policy
from auditor.providers.aws.api_calls import ApiCallCounter
from auditor.providers.aws.clients import ClientPool, client_config
from auditor.providers.aws.policy import declared_reads
from auditor.providers.aws.readonly import ReadOnlyGuard, ReadOnlyViolation
from tests.providers.aws.estate import EAST, seed_estate
from tests.providers.aws.test_collector import STANDARDS_RESPONSE
from tests.providers.aws.wire import answer_canned


def test_a_full_collection_sends_only_declared_reads(session) -> None:
    seed_estate()
    answer_canned(session, "securityhub", "GetEnabledStandards", STANDARDS_RESPONSE)
    sent: list[tuple[str, str]] = []
    lock = threading.Lock()

    def record(model: OperationModel, **_: Any) -> None:
        with lock:
            sent.append((model.service_model.service_name, model.name))

    # First on the session: it sees every attempt, even one the collector's own guard would refuse.
    session.events.register_first("before-call", record)

    inventory = collect_aws(AwsScanOptions(), session=session)  # every enabled region

    assert len(inventory.regions) == len(inventory.enabled_regions) > 3
    assert inventory.errors == []
    not_reads = {
        (service, operation)
        for service, operation in sent
        if not operation.startswith(("Describe", "List", "Get"))
        and (service, operation) != ("sts", "GetCallerIdentity")
    }
    assert not_reads == set()

    actions = {(read.service, read.operation): read.action for read in declared_reads()}
    allowed = set(iam_policy()["Statement"][0]["Action"])
    for call in set(sent):
        assert call in actions, f"{call} is sent but not declared"
        assert actions[call] in allowed, f"{call} needs {actions[call]}, missing from the policy"
    # And nothing is declared that a full collection does not use: the policy is no wider than the code.
    assert set(actions) == set(sent)
    assert sum(inventory.api_calls.values()) == len(sent)


@pytest.fixture
def pool(session) -> ClientPool:
    return ClientPool(
        session, client_config(AwsScanOptions()), ReadOnlyGuard(declared_reads()), ApiCallCounter()
    )


def test_guard_refuses_a_write_before_it_is_sent(pool: ClientPool) -> None:
    ec2 = pool.client("ec2", EAST)
    with pytest.raises(ReadOnlyViolation, match="ec2:CreateVpc: it is not a read operation"):
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
    assert all(v["CidrBlock"] != "10.9.0.0/16" for v in ec2.describe_vpcs()["Vpcs"])


def test_guard_refuses_an_undeclared_read(pool: ClientPool) -> None:
    with pytest.raises(ReadOnlyViolation, match="ec2:DescribeImages: no collector unit declares it"):
        pool.client("ec2", EAST).describe_images()
