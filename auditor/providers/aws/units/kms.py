"""KMS: every key with its manager, state, spec and origin, and rotation where rotation applies.

GetKeyRotationStatus is asked only of customer-managed, symmetric, enabled, AWS_KMS-origin keys. A
key whose DescribeKey or rotation status is denied (a key policy can do that) makes the whole region's
``kms_keys`` unknown, with the key named: a key that was not seen must not let a check pass.
"""

from __future__ import annotations

from typing import Any

from auditor.inventory.aws import KmsKey
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "kms"


def rotation_applies(metadata: dict[str, Any]) -> bool:
    return (
        metadata.get("KeyManager") == "CUSTOMER"
        and metadata.get("KeySpec", metadata.get("CustomerMasterKeySpec")) == "SYMMETRIC_DEFAULT"
        and metadata.get("KeyState") == "Enabled"
        and metadata.get("Origin") == "AWS_KMS"
    )


def kms_key(metadata: dict[str, Any], rotation_enabled: bool | None) -> KmsKey:
    return KmsKey(
        id=metadata["KeyId"],
        arn=metadata["Arn"],
        manager=metadata.get("KeyManager", ""),
        state=metadata.get("KeyState", ""),
        spec=metadata.get("KeySpec", metadata.get("CustomerMasterKeySpec", "")),
        origin=metadata.get("Origin", ""),
        rotation_enabled=rotation_enabled,
    )


def kms_keys(kms: ServiceReader) -> list[KmsKey]:
    out = []
    for listed in kms.items("ListKeys", "Keys"):
        arn = listed.get("KeyArn") or listed["KeyId"]
        metadata = kms.call("DescribeKey", resource=arn, KeyId=arn)["KeyMetadata"]
        rotation: bool | None = None
        if rotation_applies(metadata):
            answer = kms.call("GetKeyRotationStatus", resource=arn, KeyId=arn)
            rotation = bool(answer["KeyRotationEnabled"])
        out.append(kms_key(metadata, rotation))
    return out


def collect(ctx: UnitContext) -> None:
    kms = ctx.reader(SERVICE)
    ctx.fill("kms_keys", SERVICE, lambda: kms_keys(kms))


UNIT = Unit(
    service=SERVICE,
    datasets=("kms_keys",),
    reads=(
        Read(SERVICE, "ListKeys", "kms:ListKeys"),
        Read(SERVICE, "DescribeKey", "kms:DescribeKey"),
        Read(SERVICE, "GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
    ),
    collect=collect,
)
