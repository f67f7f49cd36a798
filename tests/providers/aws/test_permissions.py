"""The declared reads: only reads can be declared."""

from __future__ import annotations

import pytest

from auditor.providers.aws.organization import ORGANIZATION_READS
from auditor.providers.aws.permissions import READ_ALLOW_LIST, READ_PREFIXES, Read, is_read_operation
from auditor.providers.aws.policy import declared_reads


def test_a_write_cannot_even_be_declared() -> None:
    with pytest.raises(ValueError, match="not a read operation"):
        Read("ec2", "ModifyVpcAttribute", "ec2:ModifyVpcAttribute")


def test_the_read_rule() -> None:
    assert READ_PREFIXES == ("Describe", "List", "Get")
    assert {("sts", "GetCallerIdentity"), ("sts", "AssumeRole")} == READ_ALLOW_LIST
    for read in declared_reads():
        assert read.operation.startswith(READ_PREFIXES) or (read.service, read.operation) in READ_ALLOW_LIST
    # a single-account scan never assumes a role; only the organization scan declares it
    assert ("sts", "AssumeRole") not in {(r.service, r.operation) for r in declared_reads()}
    assert ("sts", "AssumeRole") in {(r.service, r.operation) for r in ORGANIZATION_READS}


def test_is_read_operation() -> None:
    assert is_read_operation("ec2", "DescribeVpcs")
    assert is_read_operation("sts", "GetCallerIdentity")
    assert not is_read_operation("ec2", "RunInstances")
    assert not is_read_operation("s3", "HeadBucket")


def test_an_action_must_name_a_service() -> None:
    with pytest.raises(ValueError, match="not an IAM action"):
        Read("kms", "ListKeys", "ListKeys")
