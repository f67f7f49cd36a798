"""KMS: rotation asked only where it applies; a key that cannot be read makes the region unknown."""

from __future__ import annotations

import boto3
import pytest

from auditor.providers.aws.units import kms
from tests.providers.aws.estate import ACCOUNT, EAST
from tests.providers.aws.wire import answer_error


@pytest.mark.parametrize(
    ("changes", "applies"),
    [
        ({}, True),
        ({"KeyManager": "AWS"}, False),
        ({"KeySpec": "RSA_2048"}, False),
        ({"KeyState": "PendingDeletion"}, False),
        ({"Origin": "EXTERNAL"}, False),
    ],
)
def test_rotation_applies(changes: dict[str, str], applies: bool) -> None:
    metadata = {
        "KeyManager": "CUSTOMER",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
    }
    assert kms.rotation_applies({**metadata, **changes}) is applies


def test_a_key_whose_policy_denies_us_makes_the_whole_dataset_unknown(session, pool) -> None:
    client = boto3.client("kms", EAST)
    client.create_key(Description="readable")
    hidden = client.create_key(Description="hidden")["KeyMetadata"]["KeyId"]
    answer_error(
        session,
        "kms",
        "GetKeyRotationStatus",
        "AccessDeniedException",
        "key policy",
        status=400,
        body_contains=hidden,
    )

    context = kms.UNIT.run(pool, ACCOUNT, EAST)

    assert context.values == {"kms_keys": None}
    [error] = context.errors
    assert (error.dataset, error.operation, error.kind) == ("kms_keys", "GetKeyRotationStatus", "denied")
    assert error.resource == f"arn:aws:kms:{EAST}:{ACCOUNT}:key/{hidden}"
